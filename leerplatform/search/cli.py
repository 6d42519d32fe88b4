"""``flask search reindex``: build the SQLite search table anew (PostgreSQL needs no step)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from leerplatform.extensions import db
from leerplatform.search.services import rebuild_index

search_cli = AppGroup("search", help="The search index.")


@search_cli.command("reindex")
def reindex_command() -> None:
    """Index every post, action item and place again (after a bulk import on SQLite)."""
    count = rebuild_index()
    db.session.commit()
    if db.engine.dialect.name == "sqlite":
        click.echo(f"{count} teksten opnieuw geïndexeerd.")
    else:
        click.echo("PostgreSQL houdt de zoekindex zelf bij; er was niets te doen.")

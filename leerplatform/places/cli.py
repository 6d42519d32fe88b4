"""``flask aanbod import FILE.csv``: load places into the directory."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from leerplatform.extensions import db
from leerplatform.places.services import import_places

places_cli = AppGroup("aanbod", help="The directory of places (aanbod).")


@places_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def import_command(path: str) -> None:
    """Import places from a ;-separated CSV file. A file with any bad line imports nothing."""
    with open(path, encoding="utf-8-sig", newline="") as handle:
        report = import_places(handle.read())
    if not report.ok:
        db.session.rollback()
        click.echo(f"{len(report.errors)} foute regel(s); er is niets ingelezen.", err=True)
        for line, problem in report.errors:
            click.echo(f"  regel {line}: {problem}", err=True)
        raise SystemExit(1)
    db.session.commit()
    click.echo(f"{report.created} nieuw, {report.updated} bijgewerkt.")

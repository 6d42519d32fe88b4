"""``flask demo load``: demo content for a first run; refused in production."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from leerplatform.demo.services import DEMO_PASSWORD, load_demo
from leerplatform.extensions import db

demo_cli = AppGroup("demo", help="Demo content for trying the platform.")


@demo_cli.command("load")
def load_command() -> None:
    """Load regions, demo accounts and demo content; running it again changes nothing."""
    if not current_app.config["DEMO_ALLOWED"]:
        raise click.ClickException("Demo-inhoud wordt nooit in productie geladen.")
    created = load_demo()
    db.session.commit()
    if not created:
        click.echo("Demo-inhoud was al geladen.")
        return
    click.echo("Demo-accounts (wachtwoord: " + DEMO_PASSWORD + "):")
    for email in created:
        click.echo(f"  {email}")

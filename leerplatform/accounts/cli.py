"""``flask users create-admin``."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from leerplatform.accounts.models import ParticipantKind
from leerplatform.accounts.passwords import password_problem
from leerplatform.accounts.services import create_user, normalize_email, user_by_email
from leerplatform.clock import utcnow
from leerplatform.extensions import db

users_cli = AppGroup("users", help="Accounts.")


@users_cli.command("create-admin")
@click.option("--email", prompt="E-mailadres", help="The admin's e-mail address.")
@click.option("--display-name", default="Beheerder", show_default=True)
@click.password_option(
    "--password", prompt="Wachtwoord", help="Asked for when left out; never put it in history."
)
def create_admin(email: str, display_name: str, password: str) -> None:
    """Make an admin account, or make an existing account an admin."""
    email = normalize_email(email)
    user = user_by_email(email)
    if user is not None:
        user.is_admin = True
        if user.email_verified_at is None:
            user.email_verified_at = utcnow()
        db.session.commit()
        click.echo(f"{email} is nu beheerder.")
        return
    problem = password_problem(password, email=email, display_name=display_name)
    if problem:
        raise click.BadParameter(problem, param_hint="--password")
    create_user(
        email=email,
        password=password,
        display_name=display_name,
        participant_kind=ParticipantKind.OVERIG,
        home_region=None,
        verified=True,
        is_admin=True,
    )
    db.session.commit()
    click.echo(f"Beheerder {email} is aangemaakt.")

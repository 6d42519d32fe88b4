"""``flask demo load``: demo content for a first run; refused in production."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from leerplatform.demo.actions import demo_action_count
from leerplatform.demo.forum import demo_thread_count
from leerplatform.demo.meetings import demo_meeting_count
from leerplatform.demo.moderation import demo_moderation_counts
from leerplatform.demo.services import DEMO_PASSWORD, load_demo
from leerplatform.extensions import db

demo_cli = AppGroup("demo", help="Demo content for trying the platform.")


@demo_cli.command("load")
def load_command() -> None:
    """Load regions, demo accounts and demo content; running it again changes nothing."""
    if not current_app.config["DEMO_ALLOWED"]:
        raise click.ClickException("Demo-inhoud wordt nooit in productie geladen.")
    threads_before, items_before = demo_thread_count(), demo_action_count()
    reports_before, entries_before = demo_moderation_counts()
    places_before = _demo_place_count()
    meetings_before = demo_meeting_count()
    created = load_demo()
    db.session.commit()
    threads_made = demo_thread_count() - threads_before
    items_made = demo_action_count() - items_before
    reports_after, entries_after = demo_moderation_counts()
    reports_made, entries_made = reports_after - reports_before, entries_after - entries_before
    places_made = _demo_place_count() - places_before
    meetings_made = demo_meeting_count() - meetings_before
    made = (created, threads_made, items_made, reports_made, entries_made, places_made)
    if not any((*made, meetings_made)):
        click.echo("Demo-inhoud was al geladen.")
        return
    participants = [email for email in created if email.startswith("deelnemer-")]
    roles = [email for email in created if email not in participants]
    if created:
        click.echo("Demo-accounts (wachtwoord: " + DEMO_PASSWORD + "):")
    for email in roles:
        click.echo(f"  {email}")
    if participants:
        click.echo(f"  en {len(participants)} deelnemers: {participants[0]} … {participants[-1]}")
    if threads_made:
        click.echo(f"Demo-onderwerpen: {threads_made}")
    if items_made:
        click.echo(f"Demo-actiepunten: {items_made}")
    if reports_made:
        click.echo(f"Demo-meldingen: {reports_made}")
    if entries_made:
        click.echo(f"Demo-logboekregels: {entries_made}")
    if places_made:
        click.echo(f"Demo-aanbod: {places_made} plekken")
    if meetings_made:
        click.echo(f"Demo-regiotafels: {meetings_made}")


def _demo_place_count() -> int:
    from sqlalchemy import func, select

    from leerplatform.places.models import Place

    return int(db.session.scalar(select(func.count()).where(Place.is_demo.is_(True))) or 0)

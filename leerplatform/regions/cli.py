"""``flask regions import``: load the reference data shipped with the project."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from leerplatform.extensions import db
from leerplatform.regions.services import import_reference_data, reference_row_count

regions_cli = AppGroup("regions", help="Care-office regions and municipalities.")


@regions_cli.command("import")
def import_command() -> None:
    """Create or update regions and municipalities from the CSV files (idempotent)."""
    with click.progressbar(length=reference_row_count(), label="Regio's en gemeenten") as bar:
        report = import_reference_data(on_row=lambda: bar.update(1))
    db.session.commit()
    if not report.changed:
        click.echo("Alles was al bijgewerkt: niets veranderd.")
        return
    click.echo(f"{len(report.created)} nieuw, {len(report.updated)} bijgewerkt.")
    for line in report.updated:
        click.echo(f"  bijgewerkt: {line}")

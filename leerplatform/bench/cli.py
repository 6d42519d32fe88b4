"""``flask bench seed``: the benchmark's data set, into PostgreSQL; refused in production."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from leerplatform.bench.seed import Sizes, has_been_seeded, seed
from leerplatform.extensions import db

bench_cli = AppGroup("bench", help="The benchmark's data set.")


@bench_cli.command("seed")
@click.option("--users", default=Sizes.users, show_default=True)
@click.option("--threads", default=Sizes.threads, show_default=True)
@click.option("--posts", default=Sizes.posts, show_default=True, help="Opening posts included.")
@click.option("--big-thread", default=Sizes.big_thread_replies, show_default=True)
@click.option("--action-items", default=Sizes.action_items, show_default=True)
@click.option("--places", default=Sizes.places, show_default=True)
def seed_command(
    users: int, threads: int, posts: int, big_thread: int, action_items: int, places: int
) -> None:
    """Fill an empty, migrated PostgreSQL database; a database seeded with these sizes is kept."""
    if not current_app.config["DEMO_ALLOWED"]:
        raise click.ClickException("De benchmark-gegevens komen nooit in productie.")
    if db.engine.dialect.name != "postgresql":
        raise click.ClickException("De benchmark-gegevens gaan alleen in PostgreSQL (COPY).")
    sizes = Sizes(
        users=users,
        threads=threads,
        posts=posts,
        big_thread_replies=big_thread,
        action_items=action_items,
        places=places,
    )
    if has_been_seeded(sizes):
        click.echo("De benchmark-gegevens staan er al.")
    else:
        with click.progressbar(length=sizes.total_rows, label="Benchmark-gegevens") as bar:
            result = seed(sizes=sizes, progress=lambda _step, rows: bar.update(rows))
            db.session.commit()
        click.echo(f"Groot onderwerp: /onderwerp/{result.big_thread_id} (account {result.email})")
    _vacuum()


def _vacuum() -> None:
    """VACUUM (ANALYZE), as autovacuum keeps a production server: fresh statistics, and the
    visibility map that lets PostgreSQL count from an index alone. A server with autovacuum
    off (test machines often have it off) would otherwise be measured reading every heap page
    for a count that production answers from the index."""
    db.session.remove()
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(db.text("VACUUM (ANALYZE)"))

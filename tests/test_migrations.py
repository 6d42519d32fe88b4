"""The migrations build the schema the models describe."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from flask.testing import FlaskCliRunner
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from leerplatform import create_app


@pytest.fixture
def empty_database_url(tmp_path: Path) -> str:
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        return f"sqlite:///{tmp_path}/migrations.sqlite"
    url = make_url(base)
    name = f"lp_migrations_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}_{os.getpid()}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


def _object_made_by(statement: str) -> str:
    """The index, trigger or table a statement makes, or ``table.column`` for a column."""
    if statement.startswith("ALTER TABLE"):
        parts = statement.split()
        return f"{parts[2]}.{parts[parts.index('EXISTS') + 1]}"
    return statement.split(" IF NOT EXISTS ")[1].split()[0]


def test_upgrade_then_check_finds_no_difference(empty_database_url: str) -> None:
    app = create_app({"SQLALCHEMY_DATABASE_URI": empty_database_url})
    runner: FlaskCliRunner = app.test_cli_runner()
    upgrade = runner.invoke(args=["db", "upgrade"])
    assert upgrade.exit_code == 0, upgrade.output
    check = runner.invoke(args=["db", "check"])
    assert check.exit_code == 0, check.output
    with app.app_context():
        from leerplatform.extensions import db
        from leerplatform.search.schema import statements_for

        # The search index lives beside the models; the migrations must have built all of it.
        with db.engine.connect() as conn:
            if conn.dialect.name == "sqlite":
                found = set(
                    conn.execute(
                        text("SELECT name FROM sqlite_master WHERE type IN ('trigger', 'table')")
                    ).scalars()
                )
            else:
                found = set(conn.execute(text("SELECT indexname FROM pg_indexes")).scalars()) | set(
                    conn.execute(
                        text(
                            "SELECT table_name || '.' || column_name"
                            " FROM information_schema.columns WHERE is_generated = 'ALWAYS'"
                        )
                    ).scalars()
                )
        wanted = {_object_made_by(statement) for statement in statements_for(conn.dialect.name)}
        assert wanted
        assert wanted <= found
        db.engine.dispose()
    downgrade = runner.invoke(args=["db", "downgrade", "base"])
    assert downgrade.exit_code == 0, downgrade.output
    with app.app_context():
        from leerplatform.extensions import db

        db.engine.dispose()

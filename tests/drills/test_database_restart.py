"""Drill: PostgreSQL restarts under load. Meanwhile /healthz answers 503; afterwards the same
gunicorn workers answer 200 again, without a restart of their own.

The restart happens on a throwaway cluster of the drill's own (initdb in a temporary folder, on
a free port, run as the ``postgres`` user), never on the shared server.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
import pytest

from leerplatform import create_app
from leerplatform.extensions import db
from leerplatform.regions.services import import_reference_data
from tests.drills.conftest import app_environment, children_of, free_port, get_status, gunicorn

DOWN_SECONDS = 4
RECOVERY_LIMIT = 30


def as_postgres(*command: str, check: bool = True) -> None:
    """Run a PostgreSQL program as the ``postgres`` user (initdb refuses to run as root)."""
    runuser = shutil.which("runuser") or "/usr/sbin/runuser"
    subprocess.run([runuser, "-u", "postgres", "--", *command], check=check, capture_output=True)  # noqa: S603


def postgres_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent if found else None


@dataclass
class Cluster:
    bin: Path
    folder: Path
    port: int

    def pg_ctl(self, *args: str) -> None:
        as_postgres(
            str(self.bin / "pg_ctl"), "-D", str(self.folder / "data"), "-l",
            str(self.folder / "log"), "-w", "-t", "30", *args,
        )  # fmt: skip

    def start(self) -> None:
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        self.pg_ctl("-o", options, "start")

    def stop(self) -> None:
        self.pg_ctl("-m", "fast", "stop")

    def url(self, name: str) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{name}"


@pytest.fixture
def cluster() -> Iterator[Cluster]:
    binaries = postgres_bin()
    if binaries is None or shutil.which("runuser") is None or os.geteuid() != 0:
        pytest.skip("needs PostgreSQL's initdb and root (to run it as the postgres user)")
    folder = Path(tempfile.mkdtemp(prefix="lp-drill-pg-"))
    shutil.chown(folder, user="postgres")
    as_postgres(
        str(binaries / "initdb"), "-D", str(folder / "data"), "-U", "postgres", "-A", "trust",
        "--no-sync", "-E", "UTF8",
    )  # fmt: skip
    throwaway = Cluster(binaries, folder, free_port())
    throwaway.start()
    try:
        yield throwaway
    finally:
        as_postgres(
            str(binaries / "pg_ctl"), "-D", str(folder / "data"), "-m", "immediate", "stop",
            check=False,
        )  # fmt: skip
        shutil.rmtree(folder, ignore_errors=True)


@dataclass
class Load:
    """Requests in a loop from a few threads; every answer is kept with the time it was asked."""

    base: str
    answers: list[tuple[float, str, int]] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)

    def run(self, path: str) -> None:
        while not self.stop.is_set():
            started = time.monotonic()
            status = get_status(self.base + path, timeout=10)
            self.answers.append((started, path, status))
            time.sleep(0.02)

    def statuses(self, path: str, since: float = 0.0, until: float = float("inf")) -> list[int]:
        return [s for t, p, s in list(self.answers) if p == path and since <= t <= until]


def test_the_app_answers_503_while_the_database_restarts_and_recovers(cluster: Cluster) -> None:
    with psycopg.connect(f"host=127.0.0.1 port={cluster.port} user=postgres dbname=postgres",
                         autocommit=True) as conn:  # fmt: skip
        conn.execute("CREATE DATABASE leerplatform")
    url = cluster.url("leerplatform")
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "drill-" * 8})
    with app.app_context():
        db.create_all()
        import_reference_data()
        db.session.commit()
        db.engine.dispose()

    with gunicorn(app_environment(url), workers=2) as (base, server):
        workers = children_of(server.pid)
        load = Load(base)
        threads = [
            threading.Thread(target=load.run, args=(path,), daemon=True)
            for path in ("/healthz", "/healthz", "/regios", "/regio/5515")
        ]
        for thread in threads:
            thread.start()
        try:
            time.sleep(2)
            stopping_at = time.monotonic()
            cluster.stop()
            down_at = time.monotonic()
            time.sleep(DOWN_SECONDS)
            up_at = time.monotonic()
            cluster.start()
            deadline = up_at + RECOVERY_LIMIT
            while get_status(base + "/healthz") != 200 and time.monotonic() < deadline:
                time.sleep(0.2)
            recovered_at = time.monotonic()
            time.sleep(2)
        finally:
            load.stop.set()
            for thread in threads:
                thread.join(timeout=15)

        # Asked more than a second before the stop began (so answered before it): 200. Asked
        # once it was down, and more than a second before it started again: 503.
        before = load.statuses("/healthz", until=stopping_at - 1)
        during = load.statuses("/healthz", since=down_at, until=up_at - 1)
        after = load.statuses("/healthz", since=recovered_at)
        pages_after = load.statuses("/regios", since=recovered_at) + load.statuses(
            "/regio/5515", since=recovered_at
        )
        assert before
        assert set(before) == {200}
        assert during
        assert set(during) == {503}, f"/healthz while the database was down: {set(during)}"
        assert recovered_at < deadline, "the app did not answer 200 again in time"
        assert after
        assert set(after) == {200}
        assert pages_after
        assert set(pages_after) == {200}
        # Every answer came from gunicorn (no refused connections), from the same workers.
        assert 0 not in {status for _t, _p, status in load.answers}
        assert server.poll() is None
        assert children_of(server.pid) == workers
        # And all of them answer again: as many requests in a row as there are workers, twice.
        assert [get_status(base + "/regios") for _ in range(4)] == [200] * 4

"""`make bench`: seed PostgreSQL, serve the app with gunicorn, load it with wrk, write the report.

Run from the repository root with the project's virtualenv:

    .venv/bin/python tools/bench/run.py [--threads 50000 ...] [--duration 20 --rounds 5]

Every page is measured with the same load (wrk, 2 threads, ``--connections`` connections) after
a warm-up; the queries per page come from the ``X-Query-Count`` header that the app adds when
``LEERPLATFORM_BENCH`` is on, read in-process once on the bench data and once on the demo data.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import os
import platform
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from importlib import metadata
from pathlib import Path
from statistics import median

import psycopg

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/"
CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
SECRET = "bench-secret-key-that-is-long-enough-for-gunicorn"  # noqa: S105 - local benchmark only


@dataclass(frozen=True)
class Page:
    name: str
    path: str
    demo_path: str
    login: bool = True
    optional: bool = False


@dataclass
class Result:
    page: Page
    status: int
    rps: float = 0.0
    p50_ms: float = 0.0
    p99_ms: float = 0.0
    errors: int = 0
    queries: int | None = None
    demo_queries: int | None = None
    cpu_ms: float | None = None
    ratio: float = 0.0
    rounds: list[Sample] = field(default_factory=list)
    ceiling_beside: list[Sample] = field(default_factory=list)
    """The ceiling's sample taken just before each of this page's rounds."""


@dataclass(frozen=True)
class Sample:
    """One wrk run: requests per second, p50 and p99 in milliseconds, failed requests."""

    rps: float
    p50_ms: float
    p99_ms: float
    errors: int


def combine(result: Result) -> None:
    """Fill a result from its rounds: the medians, and its ratio to the ceiling as the median of
    its ratios to the ceiling's sample taken just before it. The machine's speed drifts over
    minutes; a page and the ceiling measured seconds apart see nearly the same machine."""
    samples = result.rounds
    result.rps = median(s.rps for s in samples)
    result.p50_ms = median(s.p50_ms for s in samples)
    result.p99_ms = median(s.p99_ms for s in samples)
    result.errors = sum(s.errors for s in samples)
    beside = result.ceiling_beside or samples
    result.ratio = median(s.rps / (c.rps or 1.0) for s, c in zip(samples, beside, strict=True))


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", default=os.environ.get("BENCH_SERVER", SERVER))
    parser.add_argument("--database", default="leerplatform_bench")
    parser.add_argument("--demo-database", default="leerplatform_bench_demo")
    parser.add_argument("--users", type=int, default=10_000)
    parser.add_argument("--threads", type=int, default=50_000)
    parser.add_argument("--posts", type=int, default=500_000)
    parser.add_argument("--big-thread", type=int, default=500)
    parser.add_argument("--action-items", type=int, default=5_000)
    parser.add_argument("--places", type=int, default=2_000)
    parser.add_argument("--reseed", action="store_true", help="drop the bench database first")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--warmup", type=int, default=5, help="seconds per page")
    parser.add_argument("--duration", type=int, default=20, help="seconds per page, all rounds")
    parser.add_argument(
        "--rounds", type=int, default=5,
        help="the pages take turns with the ceiling this often; ratios are per round",
    )  # fmt: skip
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--output", default=str(ROOT / "BENCHMARKS.md"))
    return parser.parse_args()


def database_url(server: str, name: str) -> str:
    return server.rstrip("/") + "/" + name


def ensure_database(server: str, name: str, *, fresh: bool = False) -> None:
    conninfo = server.replace("postgresql+psycopg://", "postgresql://").rstrip("/") + "/postgres"
    with psycopg.connect(conninfo, autocommit=True) as conn:
        if fresh:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def flask(url: str, *args: str) -> None:
    env = {**os.environ, "FLASK_APP": "leerplatform", "DATABASE_URL": url}
    subprocess.run([str(BIN / "flask"), *args], check=True, cwd=ROOT, env=env)  # noqa: S603


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def pages(big_thread: int, demo_thread: int) -> list[Page]:
    return [
        Page("Ceiling: 20 rows, one indexed query", "/bench/plafond?regio=5515",
             "/bench/plafond?regio=5515", login=False),
        Page("Region page", "/regio/5515", "/regio/5515"),
        Page("Thread page (500 replies, page 1)", f"/onderwerp/{big_thread}",
             f"/onderwerp/{demo_thread}"),
        Page("Action board", "/regio/5515/actiepunten", "/regio/5515/actiepunten"),
        Page("Knelpuntenmonitor", "/knelpuntenmonitor", "/knelpuntenmonitor"),
        Page("Search", "/zoeken?q=dagbesteding", "/zoeken?q=dagbesteding", optional=True),
    ]  # fmt: skip


def count_queries(
    url: str, email: str, password: str, paths: list[tuple[str, bool]], cpu_rounds: int = 0
) -> list[tuple[int, float | None]]:
    """Per page: the statements it runs, read from X-Query-Count in-process (second request),
    and with ``cpu_rounds`` the app's CPU time per request in this process (milliseconds):
    unlike requests per second, that hardly changes with what else the machine is doing."""
    from leerplatform import create_app

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "BENCH": True,
            "RATELIMIT_ENABLED": False,
            "TWO_STEP_REQUIRED_FOR_MODERATORS": False,
            "SECRET_KEY": SECRET,
        }
    )
    anonymous, client = app.test_client(), app.test_client()
    page = client.get("/inloggen").get_data(as_text=True)
    token = CSRF_RE.search(page)
    if not token:
        raise RuntimeError("no CSRF token on /inloggen")
    done = client.post(
        "/inloggen", data={"csrf_token": token.group(1), "email": email, "password": password}
    )
    if done.status_code != 302:
        raise RuntimeError(f"login as {email} failed ({done.status_code})")
    counts: list[tuple[int, float | None]] = []
    for path, login in paths:
        who = client if login else anonymous
        who.get(path)
        response = who.get(path)
        if response.status_code != 200:
            counts.append((-1, None))
            continue
        cpu = _cpu_per_request(partial(who.get, path), cpu_rounds) if cpu_rounds else None
        counts.append((int(response.headers.get("X-Query-Count", -1)), cpu))
    return counts


def _cpu_per_request(request: Callable[[], object], requests: int, samples: int = 5) -> float:
    """This process's CPU time per request in milliseconds: the least of ``samples`` runs of
    ``requests`` requests, after as many to warm up (the first requests of a page fill its
    caches; another process that takes the core now and then only ever adds time)."""
    for _ in range(requests):
        request()
    best = float("inf")
    for _ in range(samples):
        started = time.process_time()
        for _ in range(requests):
            request()
        best = min(best, time.process_time() - started)
    return best / requests * 1000


def demo_thread_id(url: str) -> int:
    """The demo thread in Amsterdam with the most replies: the demo's busiest thread page."""
    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as conn:
        row = conn.execute(
            "SELECT t.id FROM threads t JOIN regions r ON r.id = t.region_id"
            " WHERE r.code = '5515' ORDER BY t.reply_count DESC, t.id LIMIT 1"
        ).fetchone()
    if not row:
        raise RuntimeError("no demo thread in 5515")
    return int(row[0])


def big_thread_id(url: str) -> int:
    from leerplatform.bench.seed import BIG_THREAD_TITLE

    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as conn:
        row = conn.execute(
            "SELECT id FROM threads WHERE title = %s", (BIG_THREAD_TITLE,)
        ).fetchone()
    if not row:
        raise RuntimeError("the bench database has no big thread")
    return int(row[0])


@contextmanager
def gunicorn(url: str, port: int, workers: int) -> Iterator[str]:
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "LEERPLATFORM_BENCH": "1",
        "RATELIMIT_ENABLED": "0",
        "SECRET_KEY": SECRET,
        "TWO_STEP_REQUIRED_FOR_MODERATORS": "0",
    }
    process = subprocess.Popen(  # noqa: S603
        [str(BIN / "gunicorn"), "-w", str(workers), "-b", f"127.0.0.1:{port}",
         "--log-level", "warning", "leerplatform:create_app()"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(base + "/healthz", timeout=2) as response:  # noqa: S310
                    if response.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError("gunicorn did not start")
            time.sleep(0.3)
        yield base
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)


def login_cookie(base: str, email: str, password: str) -> str:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    with opener.open(base + "/inloggen") as response:
        token = CSRF_RE.search(response.read().decode())
    if not token:
        raise RuntimeError("no CSRF token on /inloggen")
    data = urllib.parse.urlencode(
        {"csrf_token": token.group(1), "email": email, "password": password}
    ).encode()
    with opener.open(base + "/inloggen", data=data):
        pass
    cookie = "; ".join(f"{c.name}={c.value}" for c in jar)
    if "session=" not in cookie:
        raise RuntimeError("no session after logging in")
    return cookie


def status_of(base: str, path: str, cookie: str | None) -> int:
    request = urllib.request.Request(base + path, headers={"Cookie": cookie} if cookie else {})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def _ms(value: str) -> float:
    number = float(re.match(r"[\d.]+", value).group(0))  # type: ignore[union-attr]
    if value.endswith("us"):
        return number / 1000
    if value.endswith("ms"):
        return number
    if value.endswith("m"):
        return number * 60_000
    return number * 1000  # seconds


def wrk(url: str, cookie: str | None, connections: int, seconds: int) -> Sample:
    """One wrk run."""
    command = ["wrk", "-t", "2", "-c", str(connections), "-d", f"{seconds}s", "--latency",
               "--timeout", "10s"]  # fmt: skip
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    output = subprocess.run(  # noqa: S603
        [*command, url], check=True, capture_output=True, text=True
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    p50 = _ms(re.search(r"^\s+50%\s+(\S+)", output, re.M).group(1))  # type: ignore[union-attr]
    p99 = _ms(re.search(r"^\s+99%\s+(\S+)", output, re.M).group(1))  # type: ignore[union-attr]
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    errors = int(bad.group(1)) if bad else 0
    socket_errors = re.search(r"Socket errors:.*timeout (\d+)", output)
    if socket_errors:
        errors += int(socket_errors.group(1))
    return Sample(rps, p50, p99, errors)


def machine() -> dict[str, str]:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor() or "unknown",
    )
    memory_kb = next(
        int(line.split()[1])
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal")
    )
    wrk_version = subprocess.run(["wrk", "-v"], capture_output=True, text=True, check=False)  # noqa: S607
    return {
        "cores": str(os.cpu_count()),
        "memory": f"{memory_kb / 1024 / 1024:.1f} GiB",
        "cpu": cpu,
        "os": platform.platform(),
        "python": platform.python_version(),
        "load": "{:.2f} {:.2f} {:.2f}".format(*os.getloadavg()),
        "wrk": (wrk_version.stdout or wrk_version.stderr).split("[")[0].strip(),
        **{name: metadata.version(name) for name in ("flask", "sqlalchemy", "gunicorn", "psycopg")},
    }


def postgres_version(url: str) -> str:
    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as conn:
        row = conn.execute("SHOW server_version").fetchone()
    return str(row[0]) if row else "unknown"


def write_report(
    path: str, results: list[Result], info: dict[str, str], args: argparse.Namespace, load: str
) -> list[str]:
    """BENCHMARKS.md; returns the targets that were missed."""
    ceiling_cpu = results[0].cpu_ms or 1.0
    missed: list[str] = []
    lines = [
        "# Benchmarks",
        "",
        f"Written by `make bench` on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC. Data: {args.users:,}"
        f" users, {args.threads:,} threads, {args.posts:,} posts (one thread with"
        f" {args.big_thread} replies), {args.action_items:,} action items, {args.places:,} places"
        " in the 31 regions, seeded into PostgreSQL by `flask bench seed`.",
        "",
        f"Load: wrk, 2 threads, {args.connections} connections, against gunicorn with"
        f" {args.workers} sync workers on the same machine, logged in as a participant (the"
        f" ceiling anonymously). After a warm-up of {args.warmup} s a page, each page is measured"
        f" in {args.rounds} rounds of {max(2, round(args.duration / args.rounds))} s, each right"
        " after a run of the ceiling: req/s, p50 and p99 are the medians of the rounds, and a"
        " page's share of the ceiling is the median of its ratios to the ceiling run just before"
        " it (this machine's speed drifts from minute to minute; a page and the ceiling measured"
        " seconds apart meet the same machine). Queries: SQL"
        " statements per request, on the bench data and on the demo data (`flask demo load`)."
        " CPU ms: the app's own CPU time per request, in-process through the test client (the"
        " least of 5 runs of 40 requests, after 40 to warm up), which other work on the machine"
        " hardly changes; its ratio says what the ceiling would allow if only the app's own"
        " work counted.",
        "",
        "| page | path | req/s | p50 ms | p99 ms | errors | queries | on demo | of ceiling |"
        " CPU ms | CPU of ceiling |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for result in results:
        page = result.page
        if result.status != 200:
            lines.append(
                f"| {page.name} | `{page.path}` | — | — | — | — | — | — | not measured: HTTP"
                f" {result.status} | — | — |"
            )
            if not page.optional:
                missed.append(f"{page.name}: HTTP {result.status}")
            continue
        ratio = result.ratio
        lines.append(
            f"| {page.name} | `{page.path}` | {result.rps:.0f} | {result.p50_ms:.1f} |"
            f" {result.p99_ms:.1f} | {result.errors} | {result.queries} | {result.demo_queries} |"
            f" {ratio:.0%} | {result.cpu_ms or 0:.1f} | {ceiling_cpu / (result.cpu_ms or 1):.0%} |"
        )
        if result is results[0]:
            continue  # the ceiling is the yardstick, not a page with targets
        if result.errors:
            missed.append(f"{page.name}: {result.errors} failed requests")
        if result.p99_ms >= 250:
            missed.append(f"{page.name}: p99 {result.p99_ms:.0f} ms (target < 250 ms)")
        if result.queries != result.demo_queries:
            missed.append(
                f"{page.name}: {result.queries} queries, {result.demo_queries} on the demo data"
            )
        if page.name.startswith(("Region", "Thread")) and ratio < 0.5:
            missed.append(f"{page.name}: {ratio:.0%} of the ceiling (target ≥ 50%)")
    lines += [
        "",
        "Targets: region and thread pages at ≥ 50% of the ceiling's requests per second, p99 under"
        " 250 ms, and the same number of queries per page as on the demo data.",
        "",
        "**Missed:** " + "; ".join(missed) if missed else "All targets met.",
        "",
        "## Machine",
        "",
        f"- {info['cores']} cores, {info['memory']}, {info['cpu']}",
        f"- {info['os']}; Python {info['python']}, PostgreSQL {info['postgres']}",
        f"- Flask {info['flask']}, SQLAlchemy {info['sqlalchemy']}, gunicorn {info['gunicorn']},"
        f" psycopg {info['psycopg']}, {info['wrk']}",
        f"- load average before the run: {info['load']}; after: {load}"
        " (the load generator, the app and PostgreSQL share these cores, and other work on the"
        " machine shows in the load average)",
        "",
        "Run it again with `make bench` (sizes: `make bench BENCH_ARGS='--threads 5000 ...'`).",
        "",
    ]
    Path(path).write_text("\n".join(lines))
    return missed


def main() -> int:
    args = parse_args()
    if shutil.which("wrk") is None:
        print("wrk is missing: apt-get install wrk (make bench does this)", file=sys.stderr)
        return 2
    info = machine()
    bench_url = database_url(args.server, args.database)
    demo_url = database_url(args.server, args.demo_database)

    print(f"== bench data in {args.database} ==", flush=True)
    ensure_database(args.server, args.database, fresh=args.reseed)
    flask(bench_url, "db", "upgrade")
    flask(bench_url, "bench", "seed", "--users", str(args.users), "--threads", str(args.threads),
          "--posts", str(args.posts), "--big-thread", str(args.big_thread),
          "--action-items", str(args.action_items), "--places", str(args.places))  # fmt: skip
    print(f"== demo data in {args.demo_database} ==", flush=True)
    ensure_database(args.server, args.demo_database)
    flask(demo_url, "db", "upgrade")
    flask(demo_url, "demo", "load")
    info["postgres"] = postgres_version(bench_url)

    from leerplatform.bench.seed import BENCH_EMAIL, BENCH_PASSWORD
    from leerplatform.demo.services import DEMO_PASSWORD, demo_email

    todo = pages(big_thread_id(bench_url), demo_thread_id(demo_url))
    bench_counts = count_queries(
        bench_url, BENCH_EMAIL, BENCH_PASSWORD, [(p.path, p.login) for p in todo], cpu_rounds=40
    )
    demo_counts = count_queries(
        demo_url, demo_email("ouder"), DEMO_PASSWORD, [(p.demo_path, p.login) for p in todo]
    )
    results = []
    with gunicorn(bench_url, free_port(), args.workers) as base:
        cookie = login_cookie(base, BENCH_EMAIL, BENCH_PASSWORD)
        for page, (queries, cpu), (demo_queries, _) in zip(
            todo, bench_counts, demo_counts, strict=True
        ):
            use = cookie if page.login else None
            results.append(Result(
                page=page, status=status_of(base, page.path, use), queries=queries,
                demo_queries=demo_queries, cpu_ms=cpu,
            ))  # fmt: skip
        measured = [r for r in results if r.status == 200]
        for result in results:
            if result.status != 200:
                print(f"== {result.page.name}: {result.page.path} answers {result.status},"
                      " skipped ==")  # fmt: skip
        print(f"== warm-up: {args.warmup} s a page ==", flush=True)
        for result in measured:
            wrk(base + result.page.path, cookie if result.page.login else None,
                args.connections, args.warmup)  # fmt: skip
        seconds = max(2, round(args.duration / args.rounds))
        if not measured or measured[0] is not results[0]:
            print("the ceiling page did not answer: nothing to compare with", file=sys.stderr)
            return 1
        ceiling, pages_measured = measured[0], measured[1:]

        def run(result: Result) -> Sample:
            sample = wrk(base + result.page.path, cookie if result.page.login else None,
                         args.connections, seconds)  # fmt: skip
            print(f"   {result.page.name}: {sample.rps:.0f} req/s, p50 {sample.p50_ms:.1f}"
                  f" ms, p99 {sample.p99_ms:.1f} ms", flush=True)  # fmt: skip
            return sample

        for number in range(1, args.rounds + 1):
            print(f"== round {number} of {args.rounds}: {seconds} s a page, the ceiling before"
                  " each ==", flush=True)  # fmt: skip
            for result in pages_measured:
                before = run(ceiling)
                ceiling.rounds.append(before)
                result.ceiling_beside.append(before)
                result.rounds.append(run(result))
    for result in measured:
        combine(result)
        print(
            f"== {result.page.name}: {result.rps:.0f} req/s, {result.ratio:.0%} of the"
            f" ceiling, p99 {result.p99_ms:.1f} ms, {result.errors} errors,"
            f" {result.queries} queries ({result.demo_queries} on the demo data)"
        )
    load = "{:.2f} {:.2f} {:.2f}".format(*os.getloadavg())
    missed = write_report(args.output, results, info, args, load)
    print(Path(args.output).read_text())
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())

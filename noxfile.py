"""Developer tasks: ``nox -s tests lint typecheck``, ``docs``, and ``bench`` (which needs nginx)."""

from __future__ import annotations

import nox

nox.options.sessions = ["tests", "lint", "typecheck"]
nox.options.reuse_existing_virtualenvs = True

PYTHONS = ["3.10", "3.11", "3.12", "3.13"]


@nox.session(python=PYTHONS)
def tests(session: nox.Session) -> None:
    """Run the test suite."""
    session.install(".[test]")
    session.run("pytest", *session.posargs)


@nox.session
def lint(session: nox.Session) -> None:
    """ruff check and ruff format --check."""
    session.install("ruff")
    session.run("ruff", "check", "pushwoosh_async", "tests", "benchmarks", "noxfile.py")
    session.run("ruff", "format", "--check", "pushwoosh_async")


@nox.session
def typecheck(session: nox.Session) -> None:
    """mypy --strict over the package and the examples (which import the examples' frameworks)."""
    session.install(".[examples]", "mypy")
    session.run("mypy")


@nox.session
def docs(session: nox.Session) -> None:
    """Build the documentation site into build/docs; any warning (a broken link) fails it.

    ``-E`` rereads every page, so a warning is never hidden by a cached build.
    """
    session.install(".[docs]")
    session.run("sphinx-build", "-E", "-W", "--keep-going", "-b", "html", "docs", "build/docs")


@nox.session
def bench(session: nox.Session) -> None:
    """Client throughput against a local nginx (Debian's nginx-light), ratios vs raw clients.

    Then the rate limit's accuracy (real time, 30 s), the bulk engine (1M recipients to the fake
    server in a subprocess) and import time. ``posargs`` go to bench_client.py only.
    """
    session.install(".", "aiohttp", "httpx")
    session.run("bash", "benchmarks/server.sh", "start", external=True)
    try:
        session.run("python", "benchmarks/bench_client.py", *session.posargs)
    finally:
        session.run("bash", "benchmarks/server.sh", "stop", external=True)
    session.run("python", "benchmarks/bench_limiter.py")
    session.run("python", "benchmarks/bench_bulk.py")
    session.run("python", "benchmarks/bench_import.py")

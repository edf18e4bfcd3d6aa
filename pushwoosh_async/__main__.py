"""``pushwoosh`` (or ``python -m pushwoosh_async``): the operator's command line.

::

    pushwoosh send --content TEXT (--device HWID | --user ID)...
    pushwoosh bulk --content TEXT (--devices FILE | --users FILE) [--report PATH]
                   [--checkpoint PATH] [--concurrency N] [--fail-fast]
    pushwoosh call METHOD [JSON]            (JSON body from the argument, else from stdin)
    pushwoosh serve [--port 8080 ...]       (the fake Pushwoosh server, as python -m
                                             pushwoosh_async.testing serve)

Tokens come from ``PUSHWOOSH_API_TOKEN`` / ``PUSHWOOSH_DEVICE_TOKEN`` or ``--token`` /
``--device-token`` (the environment is safer: options show in the process list); the application
from ``--application`` or ``PUSHWOOSH_APPLICATION``. With no token at all, every command runs
through the full client against the built-in fake Pushwoosh
(``pushwoosh_async.testing.FakePushwoosh``) and says so. Token values are never printed.

Exit status: 0 success (a send may still report unknown devices); 1 partial failure (some bulk
chunks failed or are unconfirmed, e.g. after Ctrl-C, which still writes the report); 2 bad usage
(argparse errors, invalid JSON, ``ValidationError``, ``ConfigurationError``, unknown method);
3 total failure (no chunk accepted, an authentication or permission error, a failed send/call).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import difflib
import json
import logging
import os
import queue
import signal
import sys
import threading
import time
import warnings
from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from typing import IO, Any, Final, Literal

from pushwoosh_async import CreateMessage, Notification, PushwooshClient
from pushwoosh_async import commands as _commands
from pushwoosh_async._converter import CONVERTER, structure_one
from pushwoosh_async.bulk import BulkProgress, BulkReport, BulkSender
from pushwoosh_async.errors import (
    ConfigurationError,
    PushwooshError,
    PushwooshWarning,
    ValidationError,
)
from pushwoosh_async.testing import FakePushwoosh

__all__ = ["main"]

EXIT_OK: Final = 0
EXIT_PARTIAL: Final = 1
EXIT_USAGE: Final = 2
EXIT_FAILED: Final = 3

_EPILOG: Final = """\
exit status:
  0  success (a send may still report unknown devices)
  1  partial failure: some bulk chunks failed or are unconfirmed (e.g. after Ctrl-C)
  2  bad usage: wrong options, invalid JSON or command fields (ValidationError,
     ConfigurationError), unknown method
  3  total failure: no chunk was accepted, an authentication/permission error, or the
     send/call failed

tokens: PUSHWOOSH_API_TOKEN / PUSHWOOSH_DEVICE_TOKEN (or --token / --device-token);
without any token, commands run against the built-in fake Pushwoosh.
"""

_FAKE_APPLICATION = "ABCDE-12345"
_FAKE_DEVICES = ("hwid-1", "hwid-2", "hwid-3")
"""Devices the fake knows, so a demo send reaches some and reports the others as unknown."""

_READ_HINT: Final = 1 << 16
"""Bytes of recipient lines read per batch: the input is streamed, never read whole."""


class _UsageError(Exception):
    """Bad usage found after parsing (exit status 2)."""


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        msg = f"must be 1 or more, got {text}"
        raise argparse.ArgumentTypeError(msg)
    return value


def _interval(text: str) -> float:
    value = float(text)
    if value <= 0:
        msg = f"must be more than 0, got {text}"
        raise argparse.ArgumentTypeError(msg)
    return value


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--application", help="application code (default: $PUSHWOOSH_APPLICATION)")
    common.add_argument(
        "--token", help="server API token (default: $PUSHWOOSH_API_TOKEN, which is safer)"
    )
    common.add_argument(
        "--device-token", help="device API token (default: $PUSHWOOSH_DEVICE_TOKEN)"
    )
    common.add_argument("--verbose", "-v", action="store_true", help="log each request")

    formatter = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(
        prog="pushwoosh",
        description=(__doc__ or "").split("Exit status:")[0],
        epilog=_EPILOG,
        formatter_class=formatter,
    )
    commands = parser.add_subparsers(dest="command", required=True)

    send = commands.add_parser(
        "send", parents=[common], help="send one push notification", epilog=_EPILOG,
        formatter_class=formatter,
    )  # fmt: skip
    send.add_argument("--content", required=True, help="the message text")
    send.add_argument("--title", help="the message title")
    send.add_argument("--device", action="append", default=[], help="an hwid (repeatable)")
    send.add_argument("--user", action="append", default=[], help="a user id (repeatable)")

    bulk = commands.add_parser(
        "bulk",
        parents=[common],
        help="send one message to many recipients, read from a file, in chunks",
        description="Send one message to every recipient of a file (one per line, blank lines "
        "skipped; - for stdin), in chunks of up to 1000, with progress and a final summary.",
        epilog=_EPILOG,
        formatter_class=formatter,
    )
    bulk.add_argument("--content", required=True, help="the message text")
    bulk.add_argument("--title", help="the message title")
    source = bulk.add_mutually_exclusive_group(required=True)
    source.add_argument("--devices", metavar="FILE", help="hwids, one per line (- for stdin)")
    source.add_argument("--users", metavar="FILE", help="user ids, one per line (- for stdin)")
    bulk.add_argument("--report", metavar="PATH", help="write the run's report here as JSON")
    bulk.add_argument(
        "--checkpoint", metavar="PATH", help="JSON checkpoint file: a stopped run resumes from it"
    )
    bulk.add_argument(
        "--concurrency", type=_positive, default=8, help="chunks in flight (default 8)"
    )
    bulk.add_argument(
        "--chunk-size", type=_positive, default=1000, help="recipients per chunk (max 1000)"
    )
    bulk.add_argument("--fail-fast", action="store_true", help="stop at the first failed chunk")
    bulk.add_argument(
        "--progress-every",
        type=_interval,
        default=5.0,
        metavar="SECONDS",
        help="when stderr is not a terminal, a progress line this often (default 5)",
    )

    call = commands.add_parser(
        "call",
        parents=[common],
        help="call any API method by its wire name with a JSON body; print the result as JSON",
        epilog=_EPILOG,
        formatter_class=formatter,
    )
    call.add_argument("method", metavar="METHOD", help="wire name, e.g. getTags, createMessage")
    call.add_argument("body", metavar="JSON", nargs="?", help="the request (default: stdin)")

    # Listed for --help only: main() hands "serve" to the fake server's own command line.
    commands.add_parser(
        "serve",
        help="serve a fake Pushwoosh over HTTP (see: pushwoosh serve --help)",
        add_help=False,
    )
    return parser


# --- clients --------------------------------------------------------------------------------


def _tokens(args: argparse.Namespace) -> tuple[str | None, str | None]:
    api = args.token or os.environ.get("PUSHWOOSH_API_TOKEN") or None
    device = args.device_token or os.environ.get("PUSHWOOSH_DEVICE_TOKEN") or None
    return api, device


def _real_client(args: argparse.Namespace, **options: Any) -> PushwooshClient:
    api, device = _tokens(args)
    overrides: dict[str, Any] = {"api_token": api, "device_token": device, **options}
    if args.application:
        overrides["application"] = args.application
    return PushwooshClient.from_env(**overrides)


def _fake_client(*, unlimited: bool = False) -> tuple[PushwooshClient, FakePushwoosh]:
    """A client wired to a fresh fake knowing ``_FAKE_DEVICES``; ``unlimited``: no rate limits."""
    limits: dict[str, Any] | None = {} if unlimited else None
    fake = FakePushwoosh(applications=[_FAKE_APPLICATION], rate_limits=limits)
    for hwid in _FAKE_DEVICES:
        fake.add_device(hwid)
    client = PushwooshClient(
        fake.api_token,
        device_token=fake.device_token,
        application=_FAKE_APPLICATION,
        transport=fake.transport,
        rate_limits=limits,
    )
    return client, fake


def _demo(args: argparse.Namespace) -> bool:
    return _tokens(args) == (None, None)


# --- send -----------------------------------------------------------------------------------


async def _send(args: argparse.Namespace) -> int:
    note = Notification(
        content=args.content,
        title=args.title,
        devices=args.device or None,
        users=args.user or None,
    )
    command = CreateMessage(notifications=[note], application=args.application)
    fake = None
    if not _demo(args):
        client = _real_client(args)
    else:
        print(
            "PUSHWOOSH_API_TOKEN is not set: sending to the built-in fake Pushwoosh "
            f"(application {_FAKE_APPLICATION}, known devices {', '.join(_FAKE_DEVICES)})."
        )
        client, fake = _fake_client()
    async with client:
        print("sending:", json.dumps(CONVERTER.unstructure(note), ensure_ascii=False))
        result = await client(command)
    print("message codes:", ", ".join(result.message_codes))
    for code, devices in result.unknown_devices.items():
        print(f"unknown devices ({code}):", ", ".join(devices))
    if fake is not None:
        (call,) = fake.calls_to("createMessage")
        message = list(fake.state.messages.values())[-1]
        print(
            f"the fake recorded: {len(fake.calls)} call, {call.method} -> HTTP {call.status}, "
            f"transactionId {message.transaction_id}"
        )
        print("devices reached:", ", ".join(message.devices) or "none")
    return EXIT_OK


# --- bulk: input ----------------------------------------------------------------------------


def _open_source(name: str) -> IO[str]:
    if name == "-":
        return sys.stdin
    try:
        return Path(name).open(encoding="utf-8")
    except OSError as exc:
        msg = f"cannot read {name}: {exc.strerror or exc}"
        raise _UsageError(msg) from exc


def _count_recipients(name: str) -> int | None:
    """The number of non-blank lines of a regular file (one cheap pass); ``None`` for stdin."""
    if name == "-" or not Path(name).is_file():
        return None
    count = 0
    with Path(name).open("rb") as file:
        for line in file:
            if line.strip():
                count += 1
    return count


async def _lines(stream: IO[str]) -> AsyncIterator[str]:
    """The non-blank lines of ``stream``, stripped, read in batches by a daemon thread.

    The thread keeps a slow pipe from blocking the event loop, and being a daemon it never
    holds up the exit after Ctrl-C. The bounded queue keeps memory flat.
    """
    batches: queue.Queue[list[str] | BaseException | None] = queue.Queue(maxsize=4)

    def read() -> None:
        try:
            while batch := stream.readlines(_READ_HINT):
                batches.put(batch)
            batches.put(None)
        except BaseException as exc:  # noqa: BLE001 (handed to the event loop's side)
            batches.put(exc)

    threading.Thread(target=read, name="pushwoosh-recipients", daemon=True).start()
    while True:
        try:
            item = batches.get_nowait()
        except queue.Empty:
            item = await asyncio.to_thread(batches.get)
        if item is None:
            return
        if isinstance(item, BaseException):
            raise item
        for line in item:
            if recipient := line.strip():
                yield recipient


async def _registering(recipients: AsyncIterator[str], fake: FakePushwoosh) -> AsyncIterator[str]:
    """Demo mode: register each recipient in the fake as it streams past, but ``unknown*``."""
    async for recipient in recipients:
        if not recipient.startswith("unknown"):
            fake.add_device(recipient)
        yield recipient


# --- bulk: progress and summary -------------------------------------------------------------


def _duration(seconds: float) -> str:
    whole = int(seconds)
    hours, rest = divmod(whole, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"


class _Progress:
    """Progress on stderr: a one-line bar redrawn in place on a terminal, else periodic lines."""

    def __init__(self, every: float, stream: IO[str] | None = None) -> None:
        self._stream = stream or sys.stderr
        self._tty = self._stream.isatty()
        self._every = 0.1 if self._tty else every
        self._last = -1e9
        self._drawn = False

    def __call__(self, progress: BulkProgress, *, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._last < self._every:
            return
        self._last = now
        done = progress.sent + progress.unknown + progress.failed + progress.unconfirmed
        parts = [f"{done:,}"]
        bar = ""
        if progress.total:
            share = min(1.0, done / progress.total)
            filled = int(share * 24)
            bar = f"[{'#' * filled}{'.' * (24 - filled)}] {share:4.0%} "
            parts[0] += f"/{progress.total:,}"
        parts.append(f"{progress.rate:,.0f}/s")
        if progress.eta is not None:
            parts.append(f"ETA {_duration(progress.eta)}")
        if progress.unknown:
            parts.append(f"unknown {progress.unknown:,}")
        if progress.failed or progress.unconfirmed:
            parts.append(f"failed {progress.failed:,} unconfirmed {progress.unconfirmed:,}")
        line = bar + "  ".join(parts)
        if self._tty:
            self._stream.write(f"\r{line}\x1b[K")
            self._drawn = True
        else:
            self._stream.write(f"progress: {line}\n")
        self._stream.flush()

    def close(self) -> None:
        if self._drawn:
            self._stream.write("\n")
            self._stream.flush()


def _summary(report: BulkReport) -> str:
    statuses = [chunk.status for chunk in report.chunks]
    rows = [
        ("sent", f"{report.sent:,}"),
        ("unknown", f"{report.unknown:,} (devices Pushwoosh does not know)"),
        ("failed", f"{report.failed:,}"),
        ("unconfirmed", f"{report.unconfirmed:,} (may have been sent; resume to be sure)"),
        (
            "chunks",
            (
                f"{len(statuses):,} ({statuses.count('sent')} sent, "
                f"{statuses.count('failed')} failed, {statuses.count('unconfirmed')} unconfirmed)"
            ),
        ),
        ("elapsed", f"{report.elapsed:.2f} s"),
        ("rate", f"{report.rate:,.0f} recipients/s"),
    ]
    if report.cancelled:
        rows.append(("cancelled", "yes: chunks in flight are counted unconfirmed"))
    if report.stopped_by:
        rows.append(("stopped by", report.stopped_by))
    return "\n".join(f"{name:<13}{value}" for name, value in rows)


def _bulk_status(report: BulkReport) -> int:
    trouble = report.failed or report.unconfirmed or report.cancelled or report.stopped_by
    accepted = any(chunk.status == "sent" for chunk in report.chunks)
    if trouble and not accepted:  # also an auth error: it stops the run at its first chunk
        return EXIT_FAILED
    return EXIT_PARTIAL if trouble else EXIT_OK


def _write_report(path: str, report: BulkReport) -> None:
    target = Path(path)
    partial = target.with_name(target.name + ".part")
    text = json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n"
    partial.write_text(text, encoding="utf-8")
    partial.replace(target)


# --- bulk -----------------------------------------------------------------------------------


async def _bulk(args: argparse.Namespace) -> int:
    by: Literal["devices", "users"] = "devices" if args.devices is not None else "users"
    source_name: str = args.devices if args.devices is not None else args.users
    total = _count_recipients(source_name)
    stream = _open_source(source_name)
    try:
        recipients: AsyncIterator[str] = _lines(stream)
        if not _demo(args):
            client = _real_client(args)
        else:
            client, fake = _fake_client(unlimited=True)
            if by == "devices":
                recipients = _registering(recipients, fake)
            print(
                "no PUSHWOOSH_API_TOKEN: sending to the built-in fake Pushwoosh "
                f"(application {_FAKE_APPLICATION}, no rate limits); each recipient is "
                'registered in it as it streams past, except those starting with "unknown"',
                file=sys.stderr,
            )
        template = {"content": args.content} | ({"title": args.title} if args.title else {})
        progress = _Progress(args.progress_every)
        async with client:
            sender = BulkSender(
                client,
                template,
                recipients,
                by=by,
                chunk_size=args.chunk_size,
                concurrency=args.concurrency,
                fail_fast=args.fail_fast,
                on_progress=progress,
                checkpoint=args.checkpoint,
                application=args.application,
                total=total,
            )
            report = await _run_interruptible(sender)
        progress.close()
    finally:
        if stream is not sys.stdin:
            stream.close()
    if args.report:
        _write_report(args.report, report)
    print(_summary(report))
    if args.report:
        print(f"{'report':<13}{args.report}")
    return _bulk_status(report)


async def _run_interruptible(sender: BulkSender) -> BulkReport:
    """Run ``sender`` in a task that Ctrl-C (SIGINT) cancels; then its report so far."""
    task = asyncio.ensure_future(sender.run())
    loop = asyncio.get_running_loop()
    interrupted = False

    def interrupt() -> None:
        nonlocal interrupted
        interrupted = True
        print("\ninterrupted: stopping, chunks in flight are unconfirmed", file=sys.stderr)
        task.cancel()

    installed = False
    with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):  # Windows, threads
        loop.add_signal_handler(signal.SIGINT, interrupt)
        installed = True
    try:
        return await task
    except asyncio.CancelledError:
        if not interrupted:
            raise
        return sender.report()
    finally:
        if installed:
            loop.remove_signal_handler(signal.SIGINT)


# --- call -----------------------------------------------------------------------------------


def _command_class(method: str) -> type[_commands.Command[Any]]:
    by_name = {cls.method_name(): cls for cls in _commands.ALL}
    found = by_name.get(method)
    if found is None:
        folded = {name.casefold(): cls for name, cls in by_name.items()}
        found = folded.get(method.casefold())
    if found is None:
        close = difflib.get_close_matches(method, by_name, n=3)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        msg = f"no API method called {method!r}{hint}"
        raise _UsageError(msg)
    return found


async def _call(args: argparse.Namespace) -> int:
    cls = _command_class(args.method)
    text = args.body if args.body is not None else sys.stdin.read()
    try:
        data = json.loads(text) if text.strip() else {}
    except json.JSONDecodeError as exc:
        msg = f"the JSON body is not valid JSON: {exc}"
        raise _UsageError(msg) from exc
    if not isinstance(data, dict):
        msg = f"the JSON body must be an object, got {type(data).__name__}"
        raise _UsageError(msg)
    command = structure_one(data, cls)
    if _demo(args):
        print(
            "no token: calling the built-in fake Pushwoosh "
            f"(application {_FAKE_APPLICATION}, known devices {', '.join(_FAKE_DEVICES)})",
            file=sys.stderr,
        )
        client, _ = _fake_client()
    else:
        client = _real_client(args)
    async with client:
        result = await client(command)
    print(json.dumps(CONVERTER.unstructure(result), indent=2, ensure_ascii=False, default=str))
    return EXIT_OK


# --- entry point ----------------------------------------------------------------------------


def _serve(argv: Sequence[str]) -> int:
    from pushwoosh_async.testing.__main__ import main as serve_main  # noqa: PLC0415

    try:
        return serve_main(["serve", *argv])
    except SystemExit as exit_:  # its argparse: 2 for bad usage, 0 for --help
        return exit_.code if isinstance(exit_.code, int) else EXIT_USAGE


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``python -m pushwoosh_async`` and the ``pushwoosh`` script."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    if arguments[:1] == ["serve"]:
        return _serve(arguments[1:])
    parser = _parser()
    try:
        args = parser.parse_args(arguments)
    except SystemExit as exit_:  # argparse: 2 for bad usage, 0 for --help
        return exit_.code if isinstance(exit_.code, int) else EXIT_USAGE
    if args.verbose:
        logging.basicConfig(level=logging.DEBUG, format="%(name)s %(levelname)s %(message)s")
    # Unknown devices are printed with the result; the warning would say it twice.
    warnings.simplefilter("ignore", PushwooshWarning)
    run = {"send": _send, "bulk": _bulk, "call": _call}[args.command]
    try:
        return asyncio.run(run(args))
    except (_UsageError, ValidationError, ConfigurationError) as error:
        print(f"{parser.prog} {args.command}: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except PushwooshError as error:
        print(f"error: {type(error).__name__}: {error}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return EXIT_FAILED


if __name__ == "__main__":
    sys.exit(main())

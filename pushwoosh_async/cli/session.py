"""The client a subcommand talks through: the real one from the tokens, else a demo one.

Tokens come from ``--token`` / ``--device-token`` or ``PUSHWOOSH_API_TOKEN`` /
``PUSHWOOSH_DEVICE_TOKEN``; they are handed to the client and never printed. With neither, the
client is wired to a fresh built-in fake Pushwoosh, which is imported only then, under the base
URL :data:`FAKE_URL`: the notice, ``--verbose`` logs and errors name the fake, never production.
"""

from __future__ import annotations

import argparse
import os
from typing import IO, TYPE_CHECKING, Any, Final

from pushwoosh_async import PushwooshClient

if TYPE_CHECKING:
    from pushwoosh_async.testing import FakePushwoosh

__all__ = [
    "DEMO_POLL",
    "FAKE_APPLICATION",
    "FAKE_DEVICES",
    "FAKE_URL",
    "FAKE_USERS",
    "connect",
    "demo_account",
    "demo_fake",
    "demo_notice",
    "is_demo",
    "poll_interval",
]

FAKE_APPLICATION: Final = "ABCDE-12345"
"""The application of the demo account."""
FAKE_DEVICES: Final = ("hwid-1", "hwid-2", "hwid-3")
"""Devices the fake knows, so a demo send reaches some and reports the others as unknown."""
FAKE_USERS: Final = ("user-1", "user-2", "user-3")
"""The users of ``FAKE_DEVICES`` (in order), so a demo import tags them and finds no others."""
_FAKE_TAGS: Final = ({"Language": "en"}, {"Language": "es"}, {"Language": "en"})
FAKE_URL: Final = "https://fake-pushwoosh.invalid"
"""The demo client's base URL. The in-process fake answers whatever the host; ``.invalid`` is
reserved (RFC 2606), so this one could never reach a real server, and a log line cannot be
mistaken for production."""


def _tokens(args: argparse.Namespace) -> tuple[str | None, str | None]:
    api = args.token or os.environ.get("PUSHWOOSH_API_TOKEN") or None
    device = args.device_token or os.environ.get("PUSHWOOSH_DEVICE_TOKEN") or None
    return api, device


def is_demo(args: argparse.Namespace) -> bool:
    """No API token and no device token: the command runs against the built-in fake."""
    return _tokens(args) == (None, None)


def demo_account() -> str:
    """The demo account, as the notices print it."""
    return f"application {FAKE_APPLICATION}, known devices {', '.join(FAKE_DEVICES)}"


def demo_notice(detail: str) -> str:
    """What demo mode says first: no token, so the fake at :data:`FAKE_URL`; then ``detail``."""
    return (
        f"no token (PUSHWOOSH_API_TOKEN / PUSHWOOSH_DEVICE_TOKEN): using the built-in fake "
        f"Pushwoosh at {FAKE_URL} (in process: nothing leaves this machine); {detail}"
    )


DEMO_POLL: Final = 0.05
"""The longest a demo waits between two looks at a job: the fake's jobs end at once."""


def poll_interval(args: argparse.Namespace, fake: FakePushwoosh | None) -> float:
    """``--poll-interval``, at most :data:`DEMO_POLL` in demo mode."""
    seconds: float = args.poll_interval
    return seconds if fake is None else min(seconds, DEMO_POLL)


def _real_client(args: argparse.Namespace) -> PushwooshClient:
    api, device = _tokens(args)
    overrides: dict[str, Any] = {"api_token": api, "device_token": device}
    if args.application:
        overrides["application"] = args.application
    return PushwooshClient.from_env(**overrides)


def demo_fake(*, unlimited: bool) -> FakePushwoosh:
    """A fresh fake knowing ``FAKE_DEVICES`` (of ``FAKE_USERS``); ``unlimited``: no rate limits."""
    from pushwoosh_async.testing import FakePushwoosh  # noqa: PLC0415 (demo mode only)

    fake = FakePushwoosh(applications=[FAKE_APPLICATION], rate_limits={} if unlimited else None)
    for hwid, user, tags in zip(FAKE_DEVICES, FAKE_USERS, _FAKE_TAGS, strict=True):
        fake.add_device(hwid, user_id=user, tags=tags)
    return fake


def _demo_client(*, unlimited: bool) -> tuple[PushwooshClient, FakePushwoosh]:
    """A client wired to :func:`demo_fake`; ``unlimited``: neither applies rate limits."""
    limits: dict[str, Any] | None = {} if unlimited else None
    fake = demo_fake(unlimited=unlimited)
    client = PushwooshClient(
        fake.api_token,
        device_token=fake.device_token,
        application=FAKE_APPLICATION,
        base_url=FAKE_URL,
        transport=fake.transport,
        rate_limits=limits,
    )
    return client, fake


def connect(
    args: argparse.Namespace, *, notice: str, to: IO[str], unlimited: bool = False
) -> tuple[PushwooshClient, FakePushwoosh | None]:
    """The client for ``args`` and, in demo mode, its fake (after printing ``notice`` to ``to``).

    ``unlimited``: the demo client and fake apply no rate limits (for bulk runs).
    """
    if not is_demo(args):
        return _real_client(args), None
    print(notice, file=to)
    return _demo_client(unlimited=unlimited)

"""How commands are rendered: application defaults, dict/typed equivalence, extra keys, send_date,
transaction ids and token checks.

What each command sends for its catalogue example is in the wire cases under ``tests/commands/``;
these tests prove the rules that hold across commands and client settings.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import pytest
import respx

from pushwoosh_async import (
    BulkSetTags,
    CreateMessage,
    DeleteMessage,
    GetTags,
    Notification,
    PushwooshClient,
    RegisterDevice,
    SetTags,
)
from pushwoosh_async.commands import IOSOptions
from pushwoosh_async.errors import ConfigurationError, ValidationError
from tests.commands.wire import UUID
from tests.support import API_TOKEN, APPLICATION, DEVICE_TOKEN, ok, transaction_ids

MakeClient = Callable[..., PushwooshClient]

HWID = "5E0C7A1F-3B2D-4E8A-9C61-0D2F4B7A9E13"


def all_keys(value: Any) -> set[str]:
    """Every mapping key anywhere inside a JSON document."""
    if isinstance(value, dict):
        return set(value).union(*(all_keys(v) for v in value.values()))
    if isinstance(value, list):
        return set().union(*(all_keys(v) for v in value))
    return set()


def sent(route: respx.Route) -> tuple[Any, Any]:
    """The one request a route saw, and its parsed JSON body."""
    assert route.call_count == 1
    request = route.calls.last.request
    return request, json.loads(request.content)


# --- transaction ids ------------------------------------------------------------------------


async def test_each_notification_gets_its_own_transaction_id(
    pw: PushwooshClient, router: respx.Router
) -> None:
    """Notifications without transactionId get distinct UUIDs; a given one is sent unchanged."""
    route = router.route().respond(json=ok({"Messages": ["a", "b", "c"]}))
    command = CreateMessage(
        notifications=[
            Notification(content="1", users=["u"]),
            Notification(content="2", users=["u"]),
            Notification(content="3", users=["u"], transaction_id="mine"),
        ]
    )

    await pw(command)

    _, body = sent(route)
    first, second, third = transaction_ids(body)
    assert first == UUID
    assert second == UUID
    assert first != second
    assert third == "mine"
    assert command.notifications[0].transaction_id is None  # the caller's value is not mutated


# --- application ----------------------------------------------------------------------------

APPLICATION_CASES = [
    pytest.param(
        lambda app: CreateMessage(
            notifications=[Notification(content="Hi", users=["u"], transaction_id="t")],
            application=app,
        ),
        lambda body: body["request"]["application"],
        ok({"Messages": ["x"]}),
        id="createMessage",
    ),
    pytest.param(
        lambda app: GetTags(hwid=HWID, application=app),
        lambda body: body["request"]["application"],
        ok({"result": {}}),
        id="getTags",
    ),
    pytest.param(
        lambda app: BulkSetTags(devices=[{"hwid": HWID, "tags": {"A": 1}}], application=app),
        lambda body: body["application"],
        {"request_id": "r", "status": "Pending"},
        id="bulkSetTags",
    ),
]


@pytest.mark.parametrize(("build", "application_of", "reply"), APPLICATION_CASES)
@pytest.mark.parametrize(
    ("on_command", "expected"),
    [(None, APPLICATION), ("OTHER-00000", "OTHER-00000")],
    ids=["client-default", "command-wins"],
)
async def test_application_defaults_to_the_clients(  # noqa: PLR0917
    pw: PushwooshClient,
    router: respx.Router,
    build: Callable[[str | None], Any],
    application_of: Callable[[Any], str],
    reply: dict[str, Any],
    on_command: str | None,
    expected: str,
) -> None:
    """The client's application fills an unset command application; the command's own wins."""
    route = router.route().respond(json=reply)

    await pw(build(on_command))

    _, body = sent(route)
    assert application_of(body) == expected


async def test_applications_group_replaces_the_default_application(
    pw: PushwooshClient, router: respx.Router
) -> None:
    """applications_group is sent instead of the client's default application."""
    route = router.route().respond(json=ok({"Messages": ["x"]}))
    notification = Notification(content="Hi", users=["u"], transaction_id="t")

    await pw(CreateMessage(notifications=[notification], applications_group="GROUP-1"))

    _, body = sent(route)
    assert body["request"]["applications_group"] == "GROUP-1"
    assert "application" not in body["request"]


@pytest.mark.parametrize(
    "command",
    [
        CreateMessage(notifications=[Notification(content="Hi", users=["u"])]),
        SetTags(hwid=HWID, tags={"A": 1}),
        BulkSetTags(devices=[{"hwid": HWID, "tags": {"A": 1}}]),
    ],
    ids=["createMessage", "setTags", "bulkSetTags"],
)
async def test_missing_application_raises_before_sending(
    make_client: MakeClient, router: respx.Router, command: Any
) -> None:
    """No application on the command or the client raises ValidationError and sends nothing."""
    route = router.route().respond(json=ok())
    pw = make_client(application=None)

    with pytest.raises(ValidationError, match="application"):
        await pw(command)

    assert route.call_count == 0


# --- notification rendering -----------------------------------------------------------------


async def test_dict_notification_matches_typed_notification(
    pw: PushwooshClient, router: respx.Router
) -> None:
    """A notification given as a dict of wire names is sent exactly like the typed form."""
    route = router.route().respond(json=ok({"Messages": ["x"]}))
    as_dict = {
        "content": "Hi",
        "users": ["customer-1042"],
        "ios_badges": "+1",
        "transactionId": "t",
    }
    typed = Notification(
        content="Hi", users=["customer-1042"], ios=IOSOptions(badges="+1"), transaction_id="t"
    )

    await pw(CreateMessage(notifications=[as_dict]))
    await pw(CreateMessage(notifications=[typed]))

    assert route.call_count == 2
    dict_body, typed_body = (json.loads(call.request.content) for call in route.calls)
    assert dict_body == typed_body
    assert typed_body["request"]["notifications"] == [
        {
            "send_date": "now",
            "content": "Hi",
            "users": ["customer-1042"],
            "ios_badges": "+1",
            "transactionId": "t",
        }
    ]


async def test_extra_keys_are_merged_into_the_notification(
    pw: PushwooshClient, router: respx.Router
) -> None:
    """Notification.extra keys land flat in the wire object next to the modelled ones."""
    route = router.route().respond(json=ok({"Messages": ["x"]}))
    notification = Notification(
        content="Hi", users=["u"], transaction_id="t", extra={"android_custom_key": 1}
    )

    await pw(CreateMessage(notifications=[notification]))

    _, body = sent(route)
    assert body["request"]["notifications"] == [
        {
            "send_date": "now",
            "content": "Hi",
            "users": ["u"],
            "transactionId": "t",
            "android_custom_key": 1,
        }
    ]


@pytest.mark.parametrize(
    ("send_date", "expected"),
    [
        (dt.datetime(2024, 11, 3, 10, 0), "2024-11-03 10:00"),
        (dt.datetime(2024, 11, 3, 10, 5, 59), "2024-11-03 10:05"),
        (dt.datetime(2024, 11, 3, 10, 0, tzinfo=dt.timezone.utc), "2024-11-03 10:00"),
        (
            dt.datetime(2024, 11, 3, 12, 30, tzinfo=dt.timezone(dt.timedelta(hours=2))),
            "2024-11-03 10:30",
        ),
        (
            dt.datetime(2024, 12, 31, 22, 15, tzinfo=dt.timezone(dt.timedelta(hours=-5))),
            "2025-01-01 03:15",
        ),
        ("2024-11-03 10:00", "2024-11-03 10:00"),
    ],
    ids=["naive", "naive-seconds-dropped", "utc", "plus-2h", "minus-5h-next-year", "string"],
)
async def test_send_date_rendering(
    pw: PushwooshClient, router: respx.Router, send_date: Any, expected: str
) -> None:
    """send_date goes out as YYYY-MM-DD HH:MM; aware datetimes are converted to UTC first."""
    route = router.route().respond(json=ok({"Messages": ["x"]}))
    notification = Notification(content="Hi", users=["u"], send_date=send_date)

    await pw(CreateMessage(notifications=[notification]))

    _, body = sent(route)
    assert body["request"]["notifications"][0]["send_date"] == expected


# --- tokens ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tokens", "command"),
    [
        (
            {"api_token": None, "device_token": DEVICE_TOKEN},
            CreateMessage(notifications=[Notification(content="Hi", users=["u"])]),
        ),
        ({"api_token": None, "device_token": DEVICE_TOKEN}, DeleteMessage(message="x")),
        (
            {"api_token": None, "device_token": DEVICE_TOKEN},
            BulkSetTags(devices=[{"hwid": HWID, "tags": {"A": 1}}]),
        ),
        ({"api_token": API_TOKEN, "device_token": None}, SetTags(hwid=HWID, tags={"A": 1})),
        ({"api_token": API_TOKEN, "device_token": None}, GetTags(hwid=HWID)),
        ({"api_token": API_TOKEN, "device_token": None}, RegisterDevice(hwid=HWID, device_type=3)),
    ],
    ids=[
        "createMessage-no-api-token",
        "deleteMessage-no-api-token",
        "bulkSetTags-no-api-token",
        "setTags-no-device-token",
        "getTags-no-device-token",
        "registerDevice-no-device-token",
    ],
)
async def test_missing_token_raises_before_sending(
    make_client: MakeClient, router: respx.Router, tokens: dict[str, Any], command: Any
) -> None:
    """A method whose token the client lacks raises ConfigurationError and sends nothing."""
    route = router.route().respond(json=ok())
    pw = make_client(tokens["api_token"], device_token=tokens["device_token"])

    with pytest.raises(ConfigurationError, match="token"):
        await pw(command)

    assert route.call_count == 0


async def test_device_method_never_carries_the_server_token(
    pw: PushwooshClient, router: respx.Router
) -> None:
    """A client holding both tokens sends only the device token to a device method."""
    route = router.route().respond(json=ok())

    await pw(SetTags(hwid=HWID, tags={"A": 1}))

    request, body = sent(route)
    assert request.headers["Authorization"] == f"Token {DEVICE_TOKEN}"
    assert "auth" not in all_keys(body)
    assert API_TOKEN not in request.content.decode()
    assert API_TOKEN not in str(request.headers)

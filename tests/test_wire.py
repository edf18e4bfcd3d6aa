"""What goes on the wire for each command, and how each example reply is structured.

Requests and replies are the catalogue's examples (vendored in tests/data/examples/), copied
here so the tests do not depend on that folder.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Callable
from typing import Any

import pytest
import respx

from pushwoosh_async import (
    BulkSetTags,
    CreateMessage,
    DeleteMessage,
    GetMessageDetails,
    GetTags,
    Notification,
    PushwooshClient,
    RegisterDevice,
    SetTags,
)
from pushwoosh_async.commands import (
    Ack,
    BulkSetTagsJob,
    CreateMessageResult,
    DeviceTags,
    IOSOptions,
    MessageDetails,
    Tags,
)
from pushwoosh_async.errors import ConfigurationError, ValidationError

# The values the root conftest's client fixtures use.
BASE_URL = "https://api.pushwoosh.com"
API_TOKEN = "SERVER_API_TOKEN"
DEVICE_TOKEN = "DEVICE_API_TOKEN"
APPLICATION = "ABCDE-12345"

MakeClient = Callable[..., PushwooshClient]

OK_NULL: dict[str, Any] = {"status_code": 200, "status_message": "OK", "response": None}
MESSAGE_CODE = "7D1E-4C9A2B10-5F3E8A77"
HWID = "5E0C7A1F-3B2D-4E8A-9C61-0D2F4B7A9E13"
ORDER_NOTIFICATION: dict[str, Any] = {
    "send_date": "now",
    "ignore_user_timezone": True,
    "content": {"en": "Your order has shipped", "de": "Ihre Bestellung ist unterwegs"},
    "title": {"en": "Order #1042"},
    "users": ["customer-1042"],
    "data": {"order_id": 1042},
    "link": "https://shop.example.com/orders/1042",
    "minimize_link": 0,
    "platforms": [1, 3],
}
DETAILS: dict[str, Any] = {
    "id": 2068991743,
    "created": "2024-05-02 09:14:20",
    "send_date": "2024-05-02 09:14:19",
    "status": "done",
    "content": {"en": "Your order has shipped"},
    "platforms": "[1,3]",
    "ignore_user_timezone": "1",
    "code": MESSAGE_CODE,
}
EXPECTED_DETAILS = MessageDetails(
    id=2068991743,
    code=MESSAGE_CODE,
    created="2024-05-02 09:14:20",
    send_date="2024-05-02 09:14:19",
    status="done",
    content={"en": "Your order has shipped"},
    platforms=(1, 3),
    ignore_user_timezone=True,
)


def ok(response: Any) -> dict[str, Any]:
    return {"status_code": 200, "status_message": "OK", "response": response}


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


def pop_transaction_ids(body: dict[str, Any]) -> list[str]:
    """Remove and return the ``transactionId`` of every notification in a createMessage body."""
    return [n.pop("transactionId") for n in body["request"]["notifications"]]


def assert_uuid(value: Any) -> None:
    assert isinstance(value, str)
    assert str(uuid.UUID(value)) == value


# One row per command: the command, the catalogue path, the token it uses, the example request
# body (minus createMessage's generated transactionId), the example reply and the typed result.
WIRE_CASES = [
    pytest.param(
        CreateMessage(
            notifications=[
                Notification(
                    send_date="now",
                    ignore_user_timezone=True,
                    content={
                        "en": "Your order has shipped",
                        "de": "Ihre Bestellung ist unterwegs",
                    },
                    title={"en": "Order #1042"},
                    users=["customer-1042"],
                    data={"order_id": 1042},
                    link="https://shop.example.com/orders/1042",
                    minimize_link=0,
                    platforms=[1, 3],
                )
            ]
        ),
        "/json/1.3/createMessage",
        "server",
        {
            "request": {
                "auth": API_TOKEN,
                "application": APPLICATION,
                "notifications": [ORDER_NOTIFICATION],
            }
        },
        ok({"Messages": [MESSAGE_CODE]}),
        CreateMessageResult(message_codes=(MESSAGE_CODE,), unknown_devices={}),
        id="createMessage",
    ),
    pytest.param(
        DeleteMessage(message=MESSAGE_CODE),
        "/json/1.3/deleteMessage",
        "server",
        {"request": {"auth": API_TOKEN, "message": MESSAGE_CODE}},
        OK_NULL,
        Ack(),
        id="deleteMessage",
    ),
    pytest.param(
        GetMessageDetails(message=MESSAGE_CODE),
        "/json/1.3/getMessageDetails",
        "server",
        {"request": {"auth": API_TOKEN, "message": MESSAGE_CODE}},
        ok(DETAILS),
        EXPECTED_DETAILS,
        id="getMessageDetails",
    ),
    pytest.param(
        GetMessageDetails(message=MESSAGE_CODE),
        "/json/1.3/getMessageDetails",
        "server",
        {"request": {"auth": API_TOKEN, "message": MESSAGE_CODE}},
        ok({"message": DETAILS}),
        EXPECTED_DETAILS,
        id="getMessageDetails-nested",
    ),
    pytest.param(
        RegisterDevice(
            hwid=HWID,
            push_token="e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            device_type=1,
            language="en",
            timezone=7200,
            user_id="customer-1042",
            tags={
                "Plan": "pro",
                "Favorite categories": ["shoes", "bags"],
                "Signup date": "2024-11-03 10:00",
            },
        ),
        "/json/1.3/registerDevice",
        "device",
        {
            "request": {
                "application": APPLICATION,
                "hwid": HWID,
                "push_token": "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
                "device_type": 1,
                "language": "en",
                "timezone": 7200,
                "userId": "customer-1042",
                "tags": {
                    "Plan": "pro",
                    "Favorite categories": ["shoes", "bags"],
                    "Signup date": "2024-11-03 10:00",
                },
            }
        },
        OK_NULL,
        Ack(),
        id="registerDevice",
    ),
    pytest.param(
        SetTags(hwid=HWID, tags={"Plan": "enterprise", "Orders count": 12}),
        "/json/1.3/setTags",
        "device",
        {
            "request": {
                "application": APPLICATION,
                "hwid": HWID,
                "tags": {"Plan": "enterprise", "Orders count": 12},
            }
        },
        OK_NULL,
        Ack(),
        id="setTags",
    ),
    pytest.param(
        GetTags(user_id="customer-1042"),
        "/json/1.3/getTags",
        "device",
        {"request": {"application": APPLICATION, "userId": "customer-1042"}},
        ok({"result": {"Language": "en", "Plan": "enterprise"}}),
        Tags(values={"Language": "en", "Plan": "enterprise"}),
        id="getTags",
    ),
    pytest.param(
        BulkSetTags(
            create_missing_tags=False,
            devices=[
                DeviceTags(hwid=HWID, tags={"Plan": "pro"}),
                DeviceTags(
                    user_id="customer-2077",
                    list_operator="append",
                    tags={"Favorite categories": ["hats"]},
                ),
            ],
        ),
        "/api/v2/audience/bulkSetTags",
        "server",
        {
            "auth": API_TOKEN,
            "application": APPLICATION,
            "create_missing_tags": False,
            "devices": [
                {"hwid": HWID, "tags": {"Plan": "pro"}},
                {
                    "user_id": "customer-2077",
                    "list_operator": "append",
                    "tags": {"Favorite categories": ["hats"]},
                },
            ],
        },
        {"request_id": "3f2b9d0e-6a1c-4b7e-8f21-9c0d5e4a3b12", "status": "Pending"},
        BulkSetTagsJob(request_id="3f2b9d0e-6a1c-4b7e-8f21-9c0d5e4a3b12", status="Pending"),
        id="bulkSetTags",
    ),
]


@pytest.mark.parametrize(
    ("command", "path", "token", "expected_body", "reply", "expected_result"), WIRE_CASES
)
async def test_command_wire_format_and_result(  # noqa: PLR0917
    pw: PushwooshClient,
    router: respx.Router,
    command: Any,
    path: str,
    token: str,
    expected_body: dict[str, Any],
    reply: dict[str, Any],
    expected_result: Any,
) -> None:
    """Each command sends the catalogue's method, URL, body and auth, and structures its reply."""
    route = router.route().respond(json=reply)

    result = await pw(command)

    request, body = sent(route)
    assert request.method == "POST"
    assert str(request.url) == BASE_URL + path
    assert request.headers["Content-Type"] == "application/json"
    if isinstance(command, CreateMessage):
        for transaction_id in pop_transaction_ids(body):
            assert_uuid(transaction_id)
    assert body == expected_body
    if token == "server":
        assert "Authorization" not in request.headers
        assert "auth" in body.get("request", body)
    else:
        assert request.headers["Authorization"] == f"Token {DEVICE_TOKEN}"
        assert "auth" not in all_keys(body)
        assert API_TOKEN not in request.content.decode()
    assert type(result) is type(expected_result)
    assert result == expected_result
    assert result.warnings == ()


async def test_create_message_result_is_a_tuple_of_codes(
    pw: PushwooshClient, router: respx.Router
) -> None:
    """message_codes is a tuple in reply order, one code per notification."""
    router.route().respond(json=ok({"Messages": [MESSAGE_CODE, "AAAA-BBBBBBBB-CCCCCCCC"]}))
    notification = Notification(content="Hi", users=["customer-1042"])

    result = await pw(CreateMessage(notifications=[notification, notification]))

    assert result.message_codes == (MESSAGE_CODE, "AAAA-BBBBBBBB-CCCCCCCC")
    assert isinstance(result.message_codes, tuple)
    assert result.unknown_devices == {}


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
    first, second, third = pop_transaction_ids(body)
    assert_uuid(first)
    assert_uuid(second)
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


async def test_command_without_application_field_gets_none(
    pw: PushwooshClient, router: respx.Router
) -> None:
    """A command that has no application field (deleteMessage) is sent without one."""
    route = router.route().respond(json=OK_NULL)

    await pw(DeleteMessage(message=MESSAGE_CODE))

    _, body = sent(route)
    assert "application" not in body["request"]


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
    route = router.route().respond(json=OK_NULL)
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
    route = router.route().respond(json=OK_NULL)
    pw = make_client(tokens["api_token"], device_token=tokens["device_token"])

    with pytest.raises(ConfigurationError, match="token"):
        await pw(command)

    assert route.call_count == 0


async def test_device_method_never_carries_the_server_token(
    pw: PushwooshClient, router: respx.Router
) -> None:
    """A client holding both tokens sends only the device token to a device method."""
    route = router.route().respond(json=OK_NULL)

    await pw(SetTags(hwid=HWID, tags={"A": 1}))

    request, body = sent(route)
    assert request.headers["Authorization"] == f"Token {DEVICE_TOKEN}"
    assert "auth" not in all_keys(body)
    assert API_TOKEN not in request.content.decode()
    assert API_TOKEN not in str(request.headers)

"""How every failure Pushwoosh (or the network) can produce maps onto the exception tree."""

from __future__ import annotations

import email.utils
import json
import pickle
import time
from collections.abc import Callable
from typing import Any

import attrs
import httpx
import pytest
import respx

from pushwoosh_async import CreateMessage, GetMessageDetails, GetTags, Notification, PushwooshClient
from pushwoosh_async.commands import BulkSetTags
from pushwoosh_async.errors import (
    APIError,
    ArgumentError,
    BadRequest,
    ClientClosedError,
    ConfigurationError,
    ConnectError,
    ConnectTimeout,
    DecodeError,
    Forbidden,
    NotFound,
    PoolTimeout,
    PushwooshError,
    RateLimited,
    ReadTimeout,
    ServerError,
    Timeout,
    TransportError,
    Unauthorized,
    ValidationError,
    WriteTimeout,
)
from tests.support import ok, refused

MakeClient = Callable[..., PushwooshClient]

NGINX_502 = (
    "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    "<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n"
    "</body>\r\n</html>\r\n"
)
HTML_200 = "<!DOCTYPE html>\n<html><body><h1>Maintenance</h1></body></html>\n"
DETAILS = GetMessageDetails(message="7D1E-4C9A2B10-5F3E8A77")
CREATE = CreateMessage(notifications=[Notification(content="Hi", users=["u"], transaction_id="t")])
GET_TAGS = GetTags(hwid="hwid-1")
BULK = BulkSetTags(devices=[{"hwid": "hwid-1", "tags": {"Plan": "pro"}}])
METHOD_OF = [
    (DETAILS, "getMessageDetails"),
    (CREATE, "createMessage"),
    (GET_TAGS, "getTags"),
    (BULK, "bulkSetTags"),
]
"""Each command the cases send and the wire method name its errors must carry (written out)."""
JSON = {"Content-Type": "application/json"}


class Containing:
    """Equal to any string that contains ``part`` (for bodies whose exact rendering is free)."""

    __hash__ = None  # type: ignore[assignment]

    def __init__(self, part: str) -> None:
        self.part = part

    def __eq__(self, other: object) -> bool:
        return isinstance(other, str) and self.part in other

    def __repr__(self) -> str:
        return f"Containing({self.part!r})"


def case(
    case_id: str,
    http_status: int,
    body: Any,
    cls: type[PushwooshError],
    *,
    command: Any = DETAILS,
    headers: dict[str, str] | None = None,
    **fields: Any,
) -> Any:
    """One row: the reply (HTTP status, headers, body) and the error it must raise.

    A ``dict``/``list`` body is sent as JSON and, for API errors, expected on ``error.response``.
    """
    if isinstance(body, (dict, list)):
        content = json.dumps(body).encode()
        headers = {**JSON, **(headers or {})}
        if issubclass(cls, APIError):
            fields.setdefault("response", body)
    else:
        content = body.encode()
        headers = headers or {}
        if issubclass(cls, APIError):
            fields.setdefault("response", None)
    fields.setdefault("http_status", http_status)
    fields["method"] = next(method for sent, method in METHOD_OF if sent is command)
    return pytest.param(command, http_status, headers, content, cls, fields, id=case_id)


def throttled(
    case_id: str, header: str | None, retry_after: float | None, body: Any = "", **fields: Any
) -> Any:
    """One 429 row: the Retry-After header sent (or none) and the seconds expected on the error."""
    fields.setdefault("status_message", "HTTP 429")
    headers = None if header is None else {"Retry-After": header}
    return case(
        case_id,
        429,
        body,
        RateLimited,
        headers=headers,
        status_code=429,
        retry_after=retry_after,
        **fields,
    )


def misfit(case_id: str, body: Any, command: Any, result_type: str) -> Any:
    """One row: an HTTP 200 JSON reply whose data does not fit ``result_type`` (a DecodeError)."""
    return case(case_id, 200, body, DecodeError, command=command, message=Containing(result_type))


ERROR_CASES = [
    # v1.3 envelope: the body's status_code decides, HTTP is 200.
    case(
        "v1.3-210-access-denied",
        200,
        refused(210, "Access denied or application not found", {"Messages": []}),
        ArgumentError,
        command=CREATE,
        status_code=210,
        status_message="Access denied or application not found",
    ),
    case(
        "v1.3-210-application-not-found",
        200,
        refused(210, "Application not found"),
        ArgumentError,
        status_code=210,
        status_message="Application not found",
    ),
    case(
        "v1.3-403-token-restrictions",
        200,
        refused(403, "Token restrictions forbid this operation"),
        Forbidden,
        status_code=403,
        status_message="Token restrictions forbid this operation",
    ),
    case(
        "v1.3-404",
        200,
        refused(404, "Resource not found"),
        NotFound,
        status_code=404,
        status_message="Resource not found",
    ),
    case(
        "v1.3-500-with-http-200",
        200,
        refused(500, "Internal error"),
        ServerError,
        status_code=500,
        status_message="Internal error",
    ),
    case(
        "v1.3-500-with-http-500",
        500,
        refused(500, "Internal error"),
        ServerError,
        status_code=500,
        status_message="Internal error",
    ),
    case(
        "v1.3-unknown-code",
        200,
        refused(409, "Something new"),
        APIError,
        status_code=409,
        status_message="Something new",
    ),
    # HTTP error statuses without a Pushwoosh code: the HTTP status decides.
    case(
        "http-400-bad-request-text",
        400,
        "Bad request",
        BadRequest,
        status_code=400,
        status_message="Bad request",
    ),
    case(
        "http-401-text",
        401,
        "Unauthorized",
        Unauthorized,
        status_code=401,
        status_message="Unauthorized",
    ),
    case(
        "http-401-empty",
        401,
        "",
        Unauthorized,
        status_code=401,
        status_message="HTTP 401",
    ),
    case(
        "http-403-text",
        403,
        "Token restrictions forbid this operation.",
        Forbidden,
        status_code=403,
        status_message="Token restrictions forbid this operation.",
    ),
    case(
        "http-404-text",
        404,
        "Resource not found",
        NotFound,
        status_code=404,
        status_message="Resource not found",
    ),
    throttled(
        "http-429-retry-after-seconds",
        "7",
        7.0,
        {"message": "too many requests"},
        command=CREATE,
        status_message="too many requests",
    ),
    throttled("http-429-retry-after-past-date", "Wed, 21 Oct 2015 07:28:00 GMT", 0.0),
    throttled("http-429-no-retry-after", None, None),
    case(
        "http-502-html-page",
        502,
        NGINX_502,
        ServerError,
        status_code=502,
        status_message=Containing("502 Bad Gateway"),
    ),
    case(
        "http-504-empty",
        504,
        "",
        ServerError,
        status_code=504,
        status_message="HTTP 504",
    ),
    # Audience v2: bare JSON; errors are {"message": ...} with an HTTP error status.
    case(
        "v2-400-message",
        400,
        {"message": "invalid request"},
        BadRequest,
        command=BULK,
        status_code=400,
        status_message="invalid request",
    ),
    # gRPC gateway: {"code", "message", "details"}; the HTTP status decides.
    case(
        "grpc-404",
        404,
        {"code": 5, "message": "message not found", "details": []},
        NotFound,
        status_code=404,
        status_message="message not found",
    ),
    # {"error": ...} bodies with HTTP 200, as getMessageLog documents them: a typed refusal.
    case(
        "error-member-http-200",
        200,
        {"error": "account not found"},
        ArgumentError,
        status_code=200,
        status_message="account not found",
    ),
    # A success status with a body that is not the JSON expected.
    case("http-200-html-page", 200, HTML_200, DecodeError, excerpt=" ".join(HTML_200.split())),
    case(
        "http-200-truncated-json",
        200,
        '{"status_code": 200, "status_message": "OK", "respo',
        DecodeError,
        excerpt='{"status_code": 200, "status_message": "OK", "respo',
    ),
    case("http-200-empty-body", 200, "", DecodeError, excerpt=""),
    case(
        "v1.3-status-code-not-a-number",
        200,
        refused("210", "Access denied"),  # type: ignore[arg-type]
        DecodeError,
        excerpt=Containing('"status_code": "210"'),
    ),
    # A well-formed reply whose data does not fit the result type.
    misfit("result-missing-required-field", {"status": "Pending"}, BULK, "BulkSetTagsJob"),
    misfit("result-not-an-object", ["3f2b9d0e"], BULK, "BulkSetTagsJob"),
    misfit("result-tags-not-a-mapping", ok({"result": "Plan=pro"}), GET_TAGS, "Tags"),
    misfit(
        "result-message-codes-not-a-list",
        ok({"Messages": "7D1E-4C9A2B10-5F3E8A77"}),
        CREATE,
        "CreateMessageResult",
    ),
]

ERROR_ARGS = ("command", "http_status", "headers", "content", "cls", "fields")


def fields_of(error: BaseException) -> dict[str, Any]:
    """An error's fields: attrs fields for the structured errors, ``args`` for the plain ones."""
    if attrs.has(type(error)):
        return attrs.asdict(error, recurse=False)
    return {"args": error.args}


@pytest.mark.parametrize(ERROR_ARGS, ERROR_CASES)
async def test_reply_maps_to_error(  # noqa: PLR0917
    pw: PushwooshClient,
    router: respx.Router,
    command: Any,
    http_status: int,
    headers: dict[str, str],
    content: bytes,
    cls: type[PushwooshError],
    fields: dict[str, Any],
) -> None:
    """Each (HTTP status, body) raises the documented class and fields, printable and picklable."""
    router.route().respond(http_status, headers=headers, content=content)
    with pytest.raises(PushwooshError) as info:
        await pw(command)
    error = info.value

    assert type(error) is cls
    actual = {name: getattr(error, name) for name in fields}
    assert actual == fields

    # str() is one line: the method, then the code and message.
    text = str(error)
    assert "\n" not in text
    assert "\r" not in text
    assert text.startswith(f"{fields['method']}: ")
    if isinstance(error, APIError):
        assert str(error.status_code) in text
        assert error.status_message.split()[0] in text
    else:
        assert f"HTTP {http_status}" in text

    # It survives pickle (job queues) with its class and all its fields.
    copy = pickle.loads(pickle.dumps(error))  # noqa: S301

    assert type(copy) is type(error)
    assert fields_of(copy) == fields_of(error)
    assert str(copy) == str(error)


async def test_retry_after_http_date_in_the_future(
    pw: PushwooshClient, router: respx.Router
) -> None:
    """A Retry-After HTTP date becomes the number of seconds until that date."""
    when = email.utils.formatdate(time.time() + 120, usegmt=True)
    router.route().respond(429, headers={"Retry-After": when})

    with pytest.raises(RateLimited) as info:
        await pw(DETAILS)

    assert isinstance(info.value.retry_after, float)
    assert info.value.retry_after == pytest.approx(120, abs=2)


ALL_ERRORS = [
    ConfigurationError("give api_token"),
    ValidationError("needs an application"),
    ClientClosedError("closed"),
    TransportError("ConnectError: refused", "createMessage"),
    Timeout("timed out", "getTags"),
    DecodeError("expected JSON", "createMessage", 200, "<html>"),
    APIError(777, "Something new", 200, "createMessage", {"status_code": 777}),
    ArgumentError(210, "Application not found", 200, "createMessage", {"response": None}),
    BadRequest(400, "Bad request", 400, "createMessage"),
    Unauthorized(401, "Unauthorized", 401, "setTags"),
    Forbidden(403, "Token restrictions forbid this operation", 200, "createMessage"),
    NotFound(404, "message not found", 404, "getMessageDetails", {"code": 5}),
    RateLimited(429, "too many requests", 429, "createMessage", None, 7.5),
    ServerError(502, "Bad Gateway", 502, "createMessage"),
]


@pytest.mark.parametrize("error", ALL_ERRORS, ids=lambda e: type(e).__name__)
def test_every_error_class_pickles(error: PushwooshError) -> None:
    """Every exception class round-trips through pickle with equal fields."""
    copy = pickle.loads(pickle.dumps(error))  # noqa: S301

    assert type(copy) is type(error)
    assert fields_of(copy) == fields_of(error)
    assert copy.args == error.args
    assert str(copy) == str(error)


@pytest.mark.parametrize(
    ("cls", "bases"),
    [
        (ConfigurationError, (PushwooshError, ValueError)),
        (ValidationError, (PushwooshError, ValueError)),
        (ClientClosedError, (PushwooshError, RuntimeError)),
        (TransportError, (PushwooshError,)),
        (Timeout, (TransportError, PushwooshError)),
        (DecodeError, (PushwooshError,)),
        (APIError, (PushwooshError,)),
        (ArgumentError, (APIError,)),
        (BadRequest, (APIError,)),
        (Unauthorized, (APIError,)),
        (Forbidden, (APIError,)),
        (NotFound, (APIError,)),
        (RateLimited, (APIError,)),
        (ServerError, (APIError,)),
    ],
    ids=lambda v: v.__name__ if isinstance(v, type) else "is-" + "-".join(b.__name__ for b in v),
)
def test_error_hierarchy(cls: type[Exception], bases: tuple[type[Exception], ...]) -> None:
    """Each class sits where the documented tree puts it."""
    for base in bases:
        assert issubclass(cls, base)


SEPARATE = [
    (TransportError, APIError),
    (Timeout, APIError),
    (DecodeError, APIError),
    (APIError, TransportError),
    (ValidationError, APIError),
    (APIError, ValueError),
]


@pytest.mark.parametrize(
    ("cls", "not_a"), SEPARATE, ids=[f"{a.__name__}-is-not-{b.__name__}" for a, b in SEPARATE]
)
def test_error_hierarchy_branches_are_separate(
    cls: type[Exception], not_a: type[Exception]
) -> None:
    """Network, decoding, API and local errors are separate branches of the tree."""
    assert not issubclass(cls, not_a)


@pytest.mark.parametrize(
    ("raised", "expected", "not_sent"),
    [
        (httpx.ConnectError("connection refused"), ConnectError, True),
        (httpx.ReadTimeout("read timed out"), ReadTimeout, False),
        (httpx.ConnectTimeout("connect timed out"), ConnectTimeout, True),
        (httpx.PoolTimeout("no connection free"), PoolTimeout, True),
        (httpx.WriteTimeout("write timed out"), WriteTimeout, False),
        (httpx.RemoteProtocolError("peer closed connection"), TransportError, False),
    ],
    ids=[
        "connect-error",
        "read-timeout",
        "connect-timeout",
        "pool-timeout",
        "write-timeout",
        "protocol-error",
    ],
)
async def test_network_failure_maps_to_transport_error(
    pw: PushwooshClient,
    router: respx.Router,
    raised: httpx.TransportError,
    expected: type[TransportError],
    not_sent: bool,
) -> None:
    """httpx network failures become the matching TransportError, saying whether it was sent."""

    def fail(request: httpx.Request) -> httpx.Response:
        raise raised

    router.route().mock(side_effect=fail)

    with pytest.raises(TransportError) as info:
        await pw(DETAILS)

    assert type(info.value) is expected
    assert info.value.not_sent is not_sent
    assert info.value.__cause__ is raised
    assert info.value.method == "getMessageDetails"


async def test_closed_client_raises_client_closed_error(
    make_client: MakeClient, router: respx.Router
) -> None:
    """A call after aclose() raises ClientClosedError and sends nothing."""
    route = router.route().respond(json=ok())
    pw = make_client()
    await pw.aclose()

    with pytest.raises(ClientClosedError):
        await pw(DETAILS)

    assert route.call_count == 0

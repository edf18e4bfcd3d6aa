"""Bad input is refused with a ``ValidationError`` naming the command and the field, unsent.

One test per input that used to escape as a raw exception or go out as invalid JSON: NaN, a set
or bytes in ``data``/``extra``, a lone surrogate, ``notifications=None``, empty and ``None``
dates, a 2,000-deep dict, and path/query values that made an invalid URL.
"""

from __future__ import annotations

import math
from typing import Any

import httpx
import pytest

from pushwoosh_async import PushwooshClient, RetryPolicy
from pushwoosh_async.commands import (
    BulkSetTagsStatus,
    CreateMessage,
    DeleteMessage,
    GetApplications,
    GetAppStats,
    GetTags,
    JourneyStatistics,
    Notification,
    SetTags,
    UnregisterDevice,
)
from pushwoosh_async.commands.statistics import DateRange
from pushwoosh_async.errors import ValidationError
from pushwoosh_async.retries import RETRYABLE
from pushwoosh_async.testing import FakePushwoosh
from tests.support import fake_client


def nested(depth: int) -> dict[str, Any]:
    value: dict[str, Any] = {}
    for _ in range(depth):
        value = {"a": value}
    return value


def message(**notification: Any) -> CreateMessage:
    return CreateMessage(notifications=[Notification(devices=["h"], **notification)])


async def refused(fake: FakePushwoosh, command: Any, *, retry: RetryPolicy | None = None) -> str:
    """Send ``command`` (retries on, by default) and return the ``ValidationError``'s text."""
    async with fake_client(fake, retry=retry or RetryPolicy(initial_delay=0)) as pw:
        with pytest.raises(ValidationError) as caught:
            await pw(command)
    assert fake.calls == []
    return str(caught.value)


# --- at encode time: the codec ----------------------------------------------------------------


async def test_nan_in_data_is_refused_with_its_path(fake: FakePushwoosh) -> None:
    """NaN is not JSON: the encoder refuses it and the message gives the value's path."""
    text = await refused(fake, message(content="Hi", data={"v": math.nan}))
    assert text == "CreateMessage: notifications[0].data.v is NaN, which JSON cannot carry"


async def test_infinity_in_extra_is_refused(fake: FakePushwoosh) -> None:
    """Infinity is refused like NaN, wherever it sits (here in a notification's extra keys)."""
    text = await refused(fake, message(content="Hi", extra={"w": [1, math.inf]}))
    assert text == "CreateMessage: notifications[0].w[1] is inf, which JSON cannot carry"


async def test_a_set_in_data_is_refused(fake: FakePushwoosh) -> None:
    """A set (the JSON encoder's TypeError) becomes a ValidationError naming its path."""
    text = await refused(fake, message(content="Hi", data={"s": {1, 2}}))
    assert text == "CreateMessage: notifications[0].data.s is a set, which JSON cannot carry"


async def test_bytes_in_extra_are_refused(fake: FakePushwoosh) -> None:
    """Bytes are not JSON: refused with the path of the extra key that holds them."""
    text = await refused(fake, GetApplications(extra={"blob": b"\x00"}))
    assert text == "GetApplications: blob is a bytes, which JSON cannot carry"


async def test_a_lone_surrogate_is_refused(fake: FakePushwoosh) -> None:
    """'\\ud800' cannot be UTF-8 encoded: a ValidationError, not a UnicodeEncodeError."""
    text = await refused(fake, message(content="\ud800"))
    assert text.startswith("CreateMessage: notifications[0].content contains a lone surrogate")


async def test_absurd_nesting_is_refused(fake: FakePushwoosh) -> None:
    """A dict nested 2,000 deep is a ValidationError naming the field, not a RecursionError."""
    text = await refused(fake, SetTags(hwid="h", tags={"deep": nested(2000)}))
    assert text.startswith("SetTags: tags.deep.a.a")
    assert "is nested more than 200 levels deep" in text


async def test_an_encoding_failure_is_not_retried(fake: FakePushwoosh) -> None:
    """ValidationError is not retryable, so the refused body is tried once and never sent."""
    assert not issubclass(ValidationError, RETRYABLE)
    await refused(fake, message(content="Hi", data={"v": math.nan}), retry=RetryPolicy(attempts=4))


async def test_nothing_reaches_the_transport() -> None:
    """With a recording transport: a refused body never becomes an HTTP request."""
    seen: list[httpx.Request] = []
    transport = httpx.MockTransport(lambda request: seen.append(request) or httpx.Response(500))
    async with PushwooshClient("t", application="A", transport=transport) as pw:
        with pytest.raises(ValidationError, match=r"^CreateMessage: notifications\[0\]\.data"):
            await pw(message(content="Hi", data={"v": math.nan}))
    assert seen == []


# --- at encode time: the URL -------------------------------------------------------------------


async def test_an_overlong_path_value_is_refused(fake: FakePushwoosh) -> None:
    """A path placeholder that would make a URL httpx cannot build (httpx.InvalidURL before)."""
    text = await refused(fake, BulkSetTagsStatus(request_id="r" * 70_000))
    assert text.startswith("BulkSetTagsStatus: the URL would be 70,")


async def test_dot_segments_are_not_path_values(fake: FakePushwoosh) -> None:
    """'..' would climb out of the method's path once the URL is normalised: refused."""
    text = await refused(fake, JourneyStatistics(id=".."))
    assert text == "JourneyStatistics.id: a str cannot be a path segment"


async def test_a_lone_surrogate_in_a_path_value_is_refused(fake: FakePushwoosh) -> None:
    """A path value UTF-8 cannot carry is refused before the URL is built."""
    text = await refused(fake, JourneyStatistics(id="\udc00"))
    assert text == "JourneyStatistics: id contains a lone surrogate, which a URL cannot carry"


async def test_a_get_query_carries_only_scalars(fake: FakePushwoosh) -> None:
    """A nested object in a GET's query would go out as Python's str(): refused instead."""
    text = await refused(fake, BulkSetTagsStatus(request_id="r", extra={"q": {"a": 1}}))
    assert text.startswith("BulkSetTagsStatus: the query value q is a dict")


# --- at construction ---------------------------------------------------------------------------


def test_notifications_none_names_the_field() -> None:
    """A converter's TypeError becomes a ValidationError naming command, field and value."""
    with pytest.raises(ValidationError) as caught:
        CreateMessage(notifications=None)  # type: ignore[arg-type]
    assert str(caught.value) == (
        "CreateMessage.notifications: expected a list of Notification, got None"
    )


def test_a_converters_own_message_gains_the_field() -> None:
    """A ValidationError a converter raised keeps its text behind the 'Command.field:' prefix."""
    with pytest.raises(ValidationError) as caught:
        CreateMessage(notifications="abc")  # type: ignore[arg-type]
    assert str(caught.value) == (
        "CreateMessage.notifications: expected a list of Notification, got str"
    )


def test_empty_and_missing_dates_name_their_field() -> None:
    """GetAppStats: '' is refused as empty, None as a non-string (an AttributeError before)."""
    with pytest.raises(ValidationError, match=r"^GetAppStats\.datefrom: must not be empty$"):
        GetAppStats(datefrom="", dateto=None)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match=r"^GetAppStats\.dateto: expected .*, got None$"):
        GetAppStats(datefrom="2024-01-01 00:00:00", dateto=None)  # type: ignore[arg-type]


def test_wrong_types_are_refused_by_the_annotation() -> None:
    """The checker compiled from annotations: int for str, bool for int, None where not allowed."""
    with pytest.raises(
        ValidationError, match=r"^GetTags\.hwid: expected a string or None, got int"
    ):
        GetTags(hwid=5)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match=r"^DeleteMessage\.message: expected a string"):
        DeleteMessage(message=None)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match=r"\.minimize_link: expected an integer or None"):
        Notification(content="Hi", devices=["h"], minimize_link=True)


def test_required_identifiers_refuse_the_empty_string() -> None:
    """A required str field must be non-empty: '' is no message code, hwid, ..."""
    with pytest.raises(ValidationError, match=r"^DeleteMessage\.message: must not be empty$"):
        DeleteMessage(message="")
    with pytest.raises(ValidationError, match=r"^UnregisterDevice\.hwid: "):
        UnregisterDevice(hwid="")


def test_nested_values_are_checked_when_built() -> None:
    """Values a command holds (DateRange, Notification) are checked at their own construction."""
    with pytest.raises(
        ValidationError, match=r"^DateRange\.date_from: expected a string, got None"
    ):
        DateRange(date_from=None, date_to="2024-01-01")  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match=r"^Notification\.content: expected a string, a map"):
        Notification(content=5, devices=["h"])  # type: ignore[arg-type]


def test_a_malformed_call_stays_a_type_error() -> None:
    """A missing or unknown keyword is a programming error, not bad input: TypeError as usual."""
    with pytest.raises(TypeError) as caught:
        DeleteMessage()  # type: ignore[call-arg]
    assert not isinstance(caught.value, ValidationError)
    with pytest.raises(TypeError):
        DeleteMessage(message="m", nope=1)  # type: ignore[call-arg]

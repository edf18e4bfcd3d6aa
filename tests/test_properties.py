"""Property: whatever a caller passes, a command ends in a typed result or a ``PushwooshError``.

For every class in ``commands.ALL`` a strategy is built from its attrs fields and resolved
annotations: a valid value per field type, and now and then one field (or one field of a nested
value) replaced by something wrong: ``None``, an int for a string, a string for an int, a set,
bytes, NaN, infinity, a lone surrogate, a dict nested 2,000 deep, an empty string, a huge list.
The command is built and sent to an in-process ``FakePushwoosh``. Never may another exception
escape, and every request the fake recorded must have carried JSON.

``PROPERTY_EXAMPLES`` (default 25) sets the examples per class; runs are derandomized so CI
repeats them exactly.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import enum
import json
import math
import os
import types
import typing
from collections.abc import Mapping, Sequence
from typing import Any, Literal, Union

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pushwoosh_async import PushwooshClient, RetryPolicy
from pushwoosh_async.commands import ALL, Command
from pushwoosh_async.errors import PushwooshError, ValidationError
from pushwoosh_async.testing import FakePushwoosh
from tests.support import APPLICATION, fake_account

EXAMPLES = int(os.environ.get("PROPERTY_EXAMPLES", "25"))
PROFILE = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


class Deep(dict):  # type: ignore[type-arg]
    """A dict nested ``depth`` levels deep that prints short (reports must not recurse)."""

    def __init__(self, depth: int) -> None:
        value: dict[str, Any] = {}
        for _ in range(depth - 1):
            value = {"a": value}
        super().__init__(a=value)
        self.depth = depth

    def __repr__(self) -> str:
        return f"<dict nested {self.depth} deep>"

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(repr(self))


DEEP = Deep(2000)
HUGE = ["h"] * 5000
WRONG_LEAVES: tuple[Any, ...] = (
    None,
    0,
    -1,
    True,
    "",
    "x",
    "\ud800",
    math.nan,
    math.inf,
    -math.inf,
    b"bytes",
    {1, 2},
    frozenset({"a"}),
    object(),
)
WRONG = st.one_of(
    st.sampled_from(WRONG_LEAVES),
    st.just(DEEP),
    st.just(HUGE),
    st.sampled_from(WRONG_LEAVES).map(lambda v: {"v": v}),
    st.sampled_from(WRONG_LEAVES).map(lambda v: [v]),
    st.just({1: "non-string key"}),
)
"""Values no field should take, or that no JSON body can carry."""

JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**40), 2**40) | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=6,
)


@attrs.frozen
class Build:
    """A nested attrs value to construct inside the property (its errors are the outcome)."""

    cls: type[Any]
    kwargs: Mapping[str, Any]


def realize(value: Any) -> Any:
    """``value`` with every :class:`Build` constructed (lists stay lists)."""
    if isinstance(value, Build):
        return value.cls(**{k: realize(v) for k, v in value.kwargs.items()})
    if isinstance(value, list) and value is not HUGE:
        return [realize(v) for v in value]
    return value


def valid(hint: Any) -> st.SearchStrategy[Any]:  # noqa: C901, PLR0911, PLR0912
    """Values the annotation allows (enums also as their raw values)."""
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin in (Union, types.UnionType):
        return st.one_of([valid(a) for a in args])
    if origin is Literal:
        return st.sampled_from(args)
    if origin in (tuple, list, Sequence):
        return st.lists(valid(args[0]) if args else JSON, min_size=1, max_size=3)
    if origin in (Mapping, dict):
        values = JSON if not args or args[1] is Any else valid(args[1])
        return st.dictionaries(st.text(min_size=1, max_size=6), values, max_size=3)
    if hint is Any:
        return JSON
    if hint is str:
        return st.text(min_size=1, max_size=12)
    if hint is bool:
        return st.booleans()
    if hint is int:
        return st.integers(0, 10**6)
    if hint is float:
        return st.floats(-1000, 1000, allow_nan=False)
    if hint is type(None):
        return st.none()
    if hint is dt.datetime:
        return st.datetimes(min_value=dt.datetime(2020, 1, 1))
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        members = list(hint)
        return st.sampled_from(members) | st.sampled_from([m.value for m in members])
    if attrs.has(hint):
        return builds(hint, wrong_rate=4)
    return st.none()


def _fields(cls: type[Any]) -> list[tuple[attrs.Attribute[Any], Any]]:
    hints = typing.get_type_hints(cls)
    return [(a, hints.get(a.name, Any)) for a in attrs.fields(cls) if a.init]


def builds(cls: type[Any], wrong_rate: int) -> st.SearchStrategy[Build]:
    """Keyword arguments for ``cls``: required ones always, optional ones sometimes, and now and
    then (one in ``wrong_rate``) one of them wrong."""
    fields = _fields(cls)
    names = [a.alias for a, _ in fields]

    @st.composite
    def draw(draw: st.DrawFn) -> Build:
        wrong = draw(st.sampled_from([None] * (wrong_rate - 1) + names)) if names else None
        kwargs: dict[str, Any] = {}
        for a, hint in fields:
            required = a.default is attrs.NOTHING
            if a.alias != wrong and not required and not draw(st.booleans()):
                continue
            kwargs[a.alias] = draw(WRONG if a.alias == wrong else valid(hint))
        return Build(cls, kwargs)

    return draw()


async def outcome(cls: type[Command[Any]], build: Build) -> None:
    """Build and send; fail on anything but a typed result or a ``PushwooshError``."""
    fake = fake_account()
    async with client_for(fake) as pw:
        try:
            command = realize(build)
        except ValidationError:
            assert not fake.calls
            return
        try:
            result = await pw(command)
        except PushwooshError:
            pass
        else:
            assert isinstance(result, cls.result_type)
    for call in fake.calls:
        if call.http_method != "GET":
            assert call.body is not None, f"{call.method} sent a body that is not JSON"
            # Python's parser reads NaN and Infinity; strict JSON has neither.
            json.dumps(call.body, allow_nan=False)


def client_for(fake: FakePushwoosh) -> PushwooshClient:
    """A client into ``fake`` in process: both tokens, the test application, no retries."""
    return PushwooshClient(
        api_token=fake.api_token,
        device_token=fake.device_token,
        application=APPLICATION,
        transport=fake.transport,
        retry=RetryPolicy.off(),
        rate_limits={},
    )


@pytest.mark.parametrize("cls", ALL, ids=lambda c: c.__name__)
def test_any_input_ends_in_a_result_or_a_pushwoosh_error(cls: type[Command[Any]]) -> None:
    """No input makes a command escape as a raw exception or go out as a body that is not JSON."""

    @PROFILE
    @given(build=builds(cls, wrong_rate=2))
    def run(build: Build) -> None:
        asyncio.run(outcome(cls, build))

    run()

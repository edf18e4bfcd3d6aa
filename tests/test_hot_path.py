"""The one-pass hot path (issue 13): what it saves must not change what a call does.

* a call is one library frame from the caller's await to the sender (rate limit, send, decode,
  log, the typed result), and still raises every error at the await;
* the sender's reply is the one every step sees, decoded in place, not copied;
* the JSON encoder built once writes exactly what ``json.dumps`` with the library's settings
  writes, and refuses the same values;
* a reply structured by cattrs' lean hook still fails with the detailed message;
* commands and results write their slots directly, and keep everything attrs' ``__init__`` does.
"""

from __future__ import annotations

import asyncio
import json
import math
import sys
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pushwoosh_async import PushwooshClient
from pushwoosh_async._slot_init import set_slots_directly
from pushwoosh_async.commands import GetTags
from pushwoosh_async.errors import (
    ClientClosedError,
    ConfigurationError,
    DecodeError,
    Throttled,
    UnknownDevicesWarning,
    ValidationError,
)
from pushwoosh_async.json_backend import dumps
from pushwoosh_async.pipeline import Call, Next, Reply

TAGS = b'{"status_code":200,"status_message":"OK","response":{"result":{"Plan":"pro"}}}'


class Sender:
    """Answers ``body``; records the library frames above it and the replies it built."""

    def __init__(self, body: bytes = TAGS) -> None:
        self.body = body
        self.frames: list[str] = []
        self.replies: list[Reply] = []

    async def __call__(self, call: Call, /) -> Reply:
        frame = sys._getframe(1)  # the caller: the pipeline above the sender
        while frame is not None and frame.f_globals.get("__name__", "").startswith(
            "pushwoosh_async"
        ):
            self.frames.append(frame.f_code.co_qualname)
            frame = frame.f_back
        reply = Reply(200, {}, self.body)
        self.replies.append(reply)
        return reply

    async def aclose(self) -> None:
        return


def client(sender: Sender, **options: Any) -> PushwooshClient:
    options.setdefault("rate_limits", {})
    return PushwooshClient(
        device_token="dev-token",
        application="A1B2C-3D4E5",
        sender=sender,
        **options,
    )


async def test_a_call_is_one_library_frame_from_the_await_to_the_sender() -> None:
    sender = Sender()
    async with client(sender) as pw:
        tags = await pw(GetTags(hwid="h1"))
    # Every wake-up of a call passes through each of these frames: one, where the client's
    # coroutine over the chain of Retry, RateLimit and Decode steps made four.
    assert sender.frames == ["Attempts.run"]
    assert tags.values == {"Plan": "pro"}


async def test_a_rate_limited_method_adds_no_frame_above_the_sender() -> None:
    sender = Sender()
    async with client(sender, rate_limits={"getTags": (1, 60)}) as pw:
        await pw(GetTags(hwid="h1"))
        with pytest.raises(Throttled):  # the limit is live: the second call may not wait for it
            await pw(GetTags(hwid="h1"), max_wait=0)
    assert sender.frames == ["Attempts.run"]
    assert len(sender.replies) == 1


async def test_a_refused_call_raises_at_the_await_not_at_the_call() -> None:
    sender = Sender()
    pw = client(sender)
    async with pw:
        refused = pw(GetTags(hwid="h1"), deadline=-1)  # builds nothing that escapes
        with pytest.raises(ConfigurationError, match="deadline"):
            await refused
    closed = pw(GetTags(hwid="h1"))
    with pytest.raises(ClientClosedError):
        await closed
    assert sender.replies == []


def test_a_call_made_before_its_loop_runs_is_built_inside_it() -> None:
    sender = Sender()
    pw = client(sender)
    tags = asyncio.run(pw(GetTags(hwid="h1")))  # pw(...) runs with no event loop yet
    assert tags.values == {"Plan": "pro"}
    assert len(sender.replies) == 1


@pytest.mark.parametrize(
    "steps", [[], [lambda call, next_: next_(call)]], ids=["no step", "a step"]
)
async def test_a_reply_warning_points_at_the_awaiting_line(steps: list[Any]) -> None:
    warned = (
        b'{"status_code":200,"status_message":"OK",'
        b'"response":{"result":{},"UnknownDevices":{"h1":[]}}}'
    )
    async with client(Sender(warned), steps=steps) as pw:
        with pytest.warns(UnknownDevicesWarning) as record:
            tags = await pw(GetTags(hwid="h1"))
    assert record[0].filename == __file__
    assert [type(w) for w in tags.warnings] == [UnknownDevicesWarning]


async def test_every_step_sees_the_senders_reply_decoded_in_place() -> None:
    seen: list[Reply] = []

    async def keep(call: Call, next_: Next) -> Reply:
        reply = await next_(call)
        seen.append(reply)
        return reply

    sender = Sender()
    async with client(sender, steps=[keep]) as pw:
        tags = await pw(GetTags(hwid="h1"))
    assert tags.values == {"Plan": "pro"}
    assert seen == sender.replies
    assert seen[0] is sender.replies[0]  # one Reply per attempt, not a second one per step
    assert seen[0].data == {"result": {"Plan": "pro"}}


def _library_json(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda children: (
        st.lists(children)
        | st.tuples(children, children)
        | st.dictionaries(st.text() | st.integers() | st.booleans() | st.none(), children)
    ),
    max_leaves=30,
)


@given(json_values)
def test_the_prebuilt_encoder_writes_what_json_dumps_writes(value: Any) -> None:
    assert dumps(value) == _library_json(value)


@pytest.mark.parametrize(
    "value", [math.nan, {"a": [math.inf]}, {1, 2}, b"x", {(1, 2): 3}, object()]
)
def test_the_prebuilt_encoder_refuses_what_json_dumps_refuses(value: Any) -> None:
    with pytest.raises((ValueError, TypeError)) as standard:
        _library_json(value)
    with pytest.raises(standard.type):
        dumps(value)


async def test_a_cyclic_value_is_refused_before_anything_is_sent() -> None:
    cycle: list[Any] = []
    cycle.append(cycle)
    sender = Sender()
    async with client(sender) as pw:
        from pushwoosh_async.commands import SetTags  # noqa: PLC0415

        with pytest.raises(ValidationError, match="tags"):
            await pw(SetTags(hwid="h1", tags={"loop": cycle}))
    assert sender.replies == []


async def test_a_reply_that_does_not_fit_still_names_the_problem() -> None:
    sender = Sender(b'{"status_code":200,"status_message":"OK","response":{"other":1}}')
    async with client(sender) as pw:
        # cattrs' detailed account, not the lean hook's bare KeyError.
        with pytest.raises(DecodeError, match=r"does not fit Tags: While structuring Tags"):
            await pw(GetTags(hwid="h1"))


def _writes_through_object_setattr(cls: type[Any]) -> bool:
    init = getattr(cls.__init__, "__wrapped__", cls.__init__)  # under the construction checks
    return "_cached_setattr_get" in init.__code__.co_names


def test_every_command_and_result_writes_its_slots_directly() -> None:
    from pushwoosh_async.commands import ALL  # noqa: PLC0415

    slow = [
        cls.__name__
        for command in ALL
        for cls in (command, command.result_type)
        if attrs.fields(cls) and _writes_through_object_setattr(cls)
    ]
    assert slow == []
    from pushwoosh_async.commands.messages import Notification  # noqa: PLC0415

    assert not _writes_through_object_setattr(Notification)  # a nested value, checked too


def test_a_rewritten_init_keeps_everything_attrs_does() -> None:
    @attrs.frozen(kw_only=True)
    class Sample:
        plain: int
        converted: str = attrs.field(default=1, converter=str)
        made: list[int] = attrs.field(factory=list)
        checked: int = attrs.field(default=0, validator=attrs.validators.ge(0))
        seen: list[str] = attrs.field(factory=list, init=False)

        def __attrs_post_init__(self) -> None:
            self.seen.append("post-init")

    assert set_slots_directly(Sample)
    sample = Sample(plain=1)
    assert sample == Sample(plain=1, converted="1", made=[], checked=0)
    assert sample.seen == ["post-init"]
    assert Sample(plain=2).made is not sample.made  # the factory runs per instance
    with pytest.raises(ValueError, match="checked"):
        Sample(plain=1, checked=-1)
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        sample.plain = 2  # type: ignore[misc]
    with pytest.raises(TypeError, match="plain"):
        Sample()  # type: ignore[call-arg]


def test_a_scalar_union_field_is_sent_as_it_is_without_a_hook_call() -> None:
    from pushwoosh_async._converter import CONVERTER  # noqa: PLC0415
    from pushwoosh_async.commands import GetApplication  # noqa: PLC0415

    hook = CONVERTER.get_unstructure_hook(GetTags)
    # cattrs names each field hook it calls __c_unstr_<field>: str | None needs none.
    assert [n for n in hook.__code__.co_varnames if n.startswith("__c_unstr_")] == []
    assert CONVERTER.unstructure(GetTags(hwid="h1", application="A")) == {
        "hwid": "h1",
        "application": "A",
    }
    assert CONVERTER.unstructure(GetTags(user_id="u1")) == {"userId": "u1"}
    assert CONVERTER.unstructure(GetApplication(application="A")) == {"application": "A"}

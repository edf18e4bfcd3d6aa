"""Unknown keys: refused in input (a typo is never sent), kept or dropped in replies.

Input is any dict a command or a nested value is built from; a reply is what is structured into
a ``Result`` (and everything nested in it). ``extra={...}`` is the explicit escape hatch.
"""

from __future__ import annotations

import typing
from typing import Any

import attrs
import httpx
import pytest

from pushwoosh_async import CreateMessage, Notification
from pushwoosh_async._converter import CONVERTER, known_keys, structure_one
from pushwoosh_async.bulk import BulkSender
from pushwoosh_async.commands import ALL, Command, GetPushHistory, GetTags, ListTags, Result
from pushwoosh_async.errors import ValidationError
from tests.support import APPLICATION, fake_account, fake_client, mock_client, ok

TYPO = "zz_not_a_field"


def _nested_input_classes() -> set[type[Any]]:
    """Every attrs class a command's annotations name (directly or nested), results excluded."""
    found: set[type[Any]] = set()

    def visit(hint: Any) -> None:
        for arg in typing.get_args(hint):
            visit(arg)
        if isinstance(hint, type) and attrs.has(hint) and hint not in found:
            if issubclass(hint, (Result, Command)):
                return
            found.add(hint)
            for inner in typing.get_type_hints(hint).values():
                visit(inner)

    for cls in ALL:
        for name, hint in typing.get_type_hints(cls).items():
            if name in {a.name for a in attrs.fields(cls)}:
                visit(hint)
    return found


NESTED = sorted(_nested_input_classes(), key=lambda c: c.__name__)


def test_a_typo_in_a_nested_notification_dict_is_refused_naming_it() -> None:
    with pytest.raises(ValidationError) as caught:
        CreateMessage(
            notifications=[{"content": "Hi", "send_dat": "now", "devices": ["hwid-1"]}],
            application=APPLICATION,
        )
    text = str(caught.value)
    assert "CreateMessage.notifications" in text
    assert "'send_dat' (did you mean 'send_date'?)" in text
    assert "known fields: " in text
    assert "send_date" in text.split("known fields: ", 1)[1]
    assert "transactionId" in text  # wire names are listed, not Python names
    assert "extra={...}" in text  # the escape hatch is named where there is one


def test_a_typo_in_a_top_level_command_dict_is_refused() -> None:
    with pytest.raises(ValidationError, match=r"GetTags has no field 'foo'; known fields: .*hwid"):
        structure_one({"hwid": "h", "foo": 1}, GetTags)
    with pytest.raises(ValidationError, match=r"no fields 'a', 'b'"):
        structure_one({"hwid": "h", "b": 1, "a": 2}, GetTags)


def test_a_typo_in_a_flattened_block_given_as_a_dict_is_refused() -> None:
    with pytest.raises(ValidationError, match="IOSOptions has no field 'ios_sond'"):
        Notification(content="Hi", devices=["h"], ios={"ios_sond": "x.caf"})  # type: ignore[arg-type]


@pytest.mark.parametrize("cls", sorted(ALL, key=lambda c: c.__name__), ids=lambda c: c.method)
def test_every_command_refuses_an_unknown_key(cls: type[Command[Any]]) -> None:
    """Checked before any other rule, so even an otherwise empty dict names the unknown key."""
    with pytest.raises(ValidationError, match=f"no field '{TYPO}'; known fields: "):
        structure_one({TYPO: 1}, cls)


@pytest.mark.parametrize("cls", NESTED, ids=lambda c: c.__name__)
def test_every_nested_input_class_refuses_an_unknown_key(cls: type[Any]) -> None:
    with pytest.raises(ValidationError, match=f"{cls.__name__} has no field '{TYPO}'"):
        structure_one({TYPO: 1}, cls)


def test_the_nested_input_classes_were_found() -> None:
    names = {c.__name__ for c in NESTED}
    assert {"Notification", "IOSOptions", "GeoZone", "BulkDevice", "Schedule"} <= names


async def test_extra_still_carries_keys_the_model_lacks_to_the_wire() -> None:
    fake = fake_account()
    fake.add_device("hwid-1")
    command = CreateMessage(
        notifications=[{"content": "Hi", "devices": ["hwid-1"], "extra": {"voip_push": True}}]
    )
    async with fake_client(fake) as pw:
        await pw(command)
    (call,) = fake.calls_to("createMessage")
    assert call.body["request"]["notifications"][0]["voip_push"] is True


def test_every_known_key_is_accepted() -> None:
    """The known list is exactly what is accepted: a dict of only known keys is not refused
    for its keys (Notification's own rules may still refuse it)."""
    keys = known_keys(Notification)
    assert {"content", "send_date", "transactionId", "ios_sound", "ios", "extra"} <= keys
    assert "broadcast" not in keys  # a client-side switch, never a wire key
    note = structure_one({"content": "Hi", "devices": ["h"], "ios_sound": "a.caf"}, Notification)
    assert note.ios is not None
    assert note.ios.sound == "a.caf"


def _history_reply(request: httpx.Request) -> httpx.Response:
    rows = [{"id": 1, "content": "Hi", "new_row_key": 1}]
    return httpx.Response(200, json=ok({"rows": rows, "brand_new": True}))


async def test_results_still_collect_unknown_keys_at_every_level() -> None:
    async with mock_client(_history_reply, "T", application=APPLICATION) as pw:
        page = await pw(GetPushHistory())
    assert page.extra == {"brand_new": True}
    assert page.rows[0].extra == {"new_row_key": 1}
    # and after a reply, input is strict again (the reply context does not leak)
    with pytest.raises(ValidationError, match="no field 'foo'"):
        structure_one({"hwid": "h", "foo": 1}, GetTags)


async def test_a_closed_reply_drops_unknown_keys_at_every_level() -> None:
    def reply(request: httpx.Request) -> httpx.Response:
        tags = [{"name": "Plan", "type": 3, "addedLater": 1}]
        return httpx.Response(200, json=ok({"tags": tags, "total": 1}))

    async with mock_client(reply, "T", application=APPLICATION) as pw:
        listed = await pw(ListTags())
    assert [t.name for t in listed.tags] == ["Plan"]


def test_a_nested_reply_class_structured_directly_as_input_is_strict() -> None:
    """A reply class is lenient because it is read into a result, not by its name."""
    entry = CONVERTER.get_structure_hook(GetPushHistory.result_type)
    assert entry({"rows": [{"id": 1, "x": 2}]}, GetPushHistory.result_type).rows[0].extra == {
        "x": 2
    }
    row_type = typing.get_type_hints(GetPushHistory.result_type)["rows"].__args__[0]
    with pytest.raises(ValidationError, match="no field 'x'"):
        structure_one({"id": 1, "x": 2}, row_type)


async def test_a_bulk_template_keeps_its_extra_and_a_dict_template_typo_is_refused() -> None:
    fake = fake_account()
    fake.add_device("hwid-1")
    template = Notification(content="Hi", broadcast=True, extra={"voip_push": True})
    async with fake_client(fake) as pw:
        report = await BulkSender(pw, template, ["hwid-1"]).run()
        assert report.sent == 1
        with pytest.raises(ValidationError, match="'contnet' \\(did you mean 'content'\\?\\)"):
            BulkSender(pw, {"contnet": "Hi"}, ["hwid-1"])
    (call,) = fake.calls_to("createMessage")
    assert call.body["request"]["notifications"][0]["voip_push"] is True

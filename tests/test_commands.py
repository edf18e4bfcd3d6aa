"""Command values: registry facts against the API catalogue, validation, and the wire rendering."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import attrs
import pytest

from pushwoosh_async import commands
from pushwoosh_async._converter import CONVERTER
from pushwoosh_async.commands import (
    AndroidOptions,
    BulkSetTags,
    CreateMessage,
    DeviceTags,
    GetTags,
    IOSOptions,
    Notification,
    RegisterDevice,
    SetTags,
)
from pushwoosh_async.enums import DeviceType, ListOperator
from pushwoosh_async.errors import ValidationError


def _defined_in_sections() -> set[type[commands.Command[Any]]]:
    """Every class with a path defined in a section module, found by reading the modules."""
    return {
        obj
        for module in commands.SECTIONS
        for obj in vars(module).values()
        if isinstance(obj, type)
        and issubclass(obj, commands.Command)
        and obj.__module__ == module.__name__
        and "path" in vars(obj)
    }


def test_all_holds_every_command_class_defined_in_a_section() -> None:
    """commands.ALL is exactly the command classes the section modules define: none is missed."""
    assert set(commands.ALL) == _defined_in_sections()
    assert len(commands.ALL) == len(set(commands.ALL))


def test_every_command_is_importable_from_commands() -> None:
    """Each command in ALL is exported by name from pushwoosh_async.commands (its __all__)."""
    missing = [c.__name__ for c in commands.ALL if getattr(commands, c.__name__, None) is not c]
    assert missing == []


def test_defining_a_command_registers_it() -> None:
    """A new class with a path joins the registry, named after its path, typed by Command[X]."""

    @attrs.frozen(kw_only=True)
    class Ping(commands.Command[commands.Ack]):
        path = "/json/1.3/ping"
        token = commands.TokenKind.SERVER

    assert Ping in commands.registered()
    assert Ping.method == "ping"
    assert Ping.result_type is commands.Ack
    assert Ping not in commands.ALL  # ALL is the library's own commands


def test_a_declared_method_name_wins() -> None:
    """``method = ...`` in the class body is the wire name, whatever the path says."""

    @attrs.frozen(kw_only=True)
    class Status(commands.Command[commands.Ack]):
        path = "/api/v2/audience/job/{request_id}"
        method = "job status"
        token = commands.TokenKind.SERVER

        request_id: str

    assert Status.method == "job status"


def test_a_result_type_that_contradicts_the_generic_is_refused() -> None:
    """``Command[A]`` with ``result_type = B`` fails when the class is defined."""
    with pytest.raises(TypeError, match="result_type"):

        class Wrong(commands.Command[commands.Ack]):
            path = "/json/1.3/wrong"
            token = commands.TokenKind.SERVER
            result_type = commands.Result


def test_a_command_without_a_result_type_is_refused() -> None:
    """A method class that names no result type fails when it is defined."""
    with pytest.raises(TypeError, match="no result type"):

        class Untyped(commands.Command):  # type: ignore[type-arg]
            path = "/json/1.3/untyped"
            token = commands.TokenKind.SERVER


def test_result_types_come_from_the_generic_argument() -> None:
    """Every library command's result_type is the X of its Command[X] declaration."""
    assert CreateMessage.result_type is commands.CreateMessageResult
    assert commands.GetResults.result_type is commands.ScheduledResults
    assert all(issubclass(c.result_type, commands.Result) for c in commands.ALL)


def test_commands_are_frozen() -> None:
    """Commands are values: assigning a field raises."""
    command = GetTags(hwid="h")
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        command.hwid = "other"  # type: ignore[misc]


def note(**kwargs: Any) -> Notification:
    kwargs.setdefault("content", "Hi")
    kwargs.setdefault("devices", ["hwid-1"])
    return Notification(**kwargs)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"content": None}, "content or a preset"),
        ({"devices": None}, "no target"),
        ({"devices": []}, "empty list"),
        ({"devices": None, "users": []}, "empty list"),
        ({"devices": [f"h{i}" for i in range(1001)]}, "limit is 1000"),
        ({"devices": None, "users": [f"u{i}" for i in range(1001)]}, "limit is 1000"),
        ({"devices": "hwid-1"}, "single string"),
        ({"devices": ["ok", ""]}, "non-empty strings"),
        ({"devices": ["ok", 7]}, "non-empty strings"),
        ({"broadcast": True}, "contradicts"),
        ({"devices": None, "platforms": [DeviceType.IOS]}, "no target"),
        ({"send_date": "tomorrow"}, "send_date"),
        (
            {"send_date": dt.datetime(2030, 1, 1, tzinfo=dt.timezone.utc), "timezone": "UTC"},
            "naive",
        ),
        ({"conditions": [["Plan", "EQ"]]}, "condition"),
    ],
)
def test_notification_refuses_bad_input(kwargs: dict[str, Any], message: str) -> None:
    """Bad notifications raise ValidationError (a ValueError) when they are built."""
    with pytest.raises(ValidationError, match=message):
        note(**kwargs)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"devices": [f"h{i}" for i in range(1000)]},
        {"devices": None, "users": ["u1"]},
        {"devices": None, "filter": "VIPs"},
        {"devices": None, "conditions": [["Plan", "EQ", "pro"]]},
        {"devices": None, "geozone": {"lat": 52.5, "lng": 13.4, "range": 500}},
        {"devices": None, "broadcast": True, "platforms": [1, 3]},
        {"content": None, "preset": "PRESET-1"},
    ],
)
def test_notification_accepts_targeted_input(kwargs: dict[str, Any]) -> None:
    """Each documented way to target (or an explicit broadcast) builds a notification."""
    assert isinstance(note(**kwargs), Notification)


def test_broadcast_flag_stays_off_the_wire() -> None:
    """broadcast=True is a client-side switch; an explicit broadcast sends no target keys."""
    wire = CONVERTER.unstructure(note(devices=None, broadcast=True))
    assert wire == {"send_date": "now", "content": "Hi"}


def test_create_message_needs_notifications() -> None:
    """An empty notification list is refused."""
    with pytest.raises(ValidationError, match="must not be empty"):
        CreateMessage(notifications=[])


def test_application_and_group_are_exclusive() -> None:
    """application and applications_group cannot both be given."""
    with pytest.raises(ValidationError):
        CreateMessage(notifications=[note()], application="A", applications_group="G")


def test_full_notification_renders_documented_wire_names() -> None:
    """Every modelled field goes out under its documented wire name, platform keys flat."""
    n = note(
        title={"en": "T"},
        subtitle="S",
        platforms=[DeviceType.IOS, DeviceType.ANDROID],
        ignore_user_timezone=True,
        timezone="Europe/Berlin",
        campaign="CAMP-1",
        preset="P-1",
        link="https://example.com",
        minimize_link=0,
        data={"k": "v"},
        page_id=7,
        rich_media="RM-1",
        remote_page="https://example.com/p",
        send_rate=100,
        transaction_id="tx-1",
        send_date=dt.datetime(2030, 5, 6, 7, 8),
        ios=IOSOptions(badges="+1", sound="default", ttl=60, trim_content=1),
        android={"android_header": "H", "android_gcm_ttl": 30},
        extra={"huawei_android_header": "X"},
    )
    assert CONVERTER.unstructure(n) == {
        "content": "Hi",
        "send_date": "2030-05-06 07:08",
        "title": {"en": "T"},
        "subtitle": "S",
        "devices": ["hwid-1"],
        "platforms": [1, 3],
        "ignore_user_timezone": True,
        "timezone": "Europe/Berlin",
        "campaign": "CAMP-1",
        "preset": "P-1",
        "link": "https://example.com",
        "minimize_link": 0,
        "data": {"k": "v"},
        "page_id": 7,
        "rich_media": "RM-1",
        "remote_page": "https://example.com/p",
        "send_rate": 100,
        "transactionId": "tx-1",
        "ios_badges": "+1",
        "ios_sound": "default",
        "ios_ttl": 60,
        "apns_trim_content": 1,
        "android_header": "H",
        "android_gcm_ttl": 30,
        "huawei_android_header": "X",
    }


def test_aware_send_date_goes_out_in_utc() -> None:
    """An aware datetime is converted to UTC before it is formatted."""
    berlin = dt.timezone(dt.timedelta(hours=2))
    n = note(send_date=dt.datetime(2030, 5, 6, 9, 30, tzinfo=berlin))
    assert CONVERTER.unstructure(n)["send_date"] == "2030-05-06 07:30"


def test_dict_and_typed_notifications_are_the_same_value() -> None:
    """A dict with wire names structures into the same Notification as the typed form."""
    typed = note(ios=IOSOptions(badges=3), android=AndroidOptions(header="H"), transaction_id="t")
    from_dict = CreateMessage(
        notifications=[
            {
                "content": "Hi",
                "devices": ["hwid-1"],
                "ios_badges": 3,
                "android_header": "H",
                "transactionId": "t",
            }
        ]
    ).notifications[0]
    assert from_dict == typed


def test_unknown_dict_keys_are_refused_and_extra_carries_them() -> None:
    """A key the model does not know is refused (a typo must not go out); given in extra, it is
    kept and sent out unchanged."""
    with pytest.raises(ValidationError, match="no field 'voip_push'"):
        CreateMessage(notifications=[{"content": "Hi", "devices": ["h"], "voip_push": True}])
    n = CreateMessage(
        notifications=[{"content": "Hi", "devices": ["h"], "extra": {"voip_push": True}}]
    ).notifications[0]
    assert n.extra == {"voip_push": True}
    assert CONVERTER.unstructure(n)["voip_push"] is True


def test_bad_dict_notification_is_a_validation_error() -> None:
    """A dict that breaks a rule raises the same typed error as the typed form."""
    with pytest.raises(ValidationError, match="no target"):
        CreateMessage(notifications=[{"content": "Hi"}])
    with pytest.raises(ValidationError):
        CreateMessage(notifications=["not a notification"])  # type: ignore[list-item]


def test_dedup_keys_fill_only_the_missing_ids() -> None:
    """with_dedup_keys gives each unset notification a fresh UUID and keeps the caller's ids."""
    command = CreateMessage(notifications=[note(transaction_id="mine"), note(), note()])
    keyed = command.with_dedup_keys()
    ids = [n.transaction_id for n in keyed.notifications]
    assert ids[0] == "mine"
    assert all(re.fullmatch(r"[0-9a-f-]{36}", i or "") for i in ids[1:])
    assert ids[1] != ids[2]
    assert command.notifications[1].transaction_id is None  # the original is untouched
    assert keyed.with_dedup_keys() is keyed
    # The copies are built without re-running the checks: they must equal what evolve builds.
    assert keyed == attrs.evolve(
        command,
        notifications=[
            attrs.evolve(n, transaction_id=i)
            for n, i in zip(command.notifications, ids, strict=True)
        ],
    )


def test_device_commands_need_one_identity() -> None:
    """setTags and getTags take exactly one of hwid and user_id."""
    with pytest.raises(ValidationError):
        SetTags(tags={"a": 1})
    with pytest.raises(ValidationError):
        GetTags(hwid="h", user_id="u")
    assert CONVERTER.unstructure(GetTags(user_id="u")) == {"userId": "u"}


def test_register_device_takes_enum_or_int() -> None:
    """device_type accepts DeviceType members and raw ints alike."""
    assert RegisterDevice(hwid="h", device_type=DeviceType.ANDROID) == RegisterDevice(
        hwid="h", device_type=3
    )


def test_bulk_set_tags_entries() -> None:
    """Each bulkSetTags entry names exactly one identity; list operators accept strings."""
    command = BulkSetTags(
        devices=[
            DeviceTags(hwid="h", tags={"a": 1}),
            {"user_id": "u", "tags": {"l": ["x"]}, "list_operator": "append"},
        ]
    )
    assert command.devices[1].list_operator is ListOperator.APPEND
    assert CONVERTER.unstructure(command)["devices"][1] == {
        "tags": {"l": ["x"]},
        "user_id": "u",
        "list_operator": "append",
    }
    with pytest.raises(ValidationError):
        DeviceTags(hwid="h", user_id="u", tags={})
    with pytest.raises(ValidationError):
        BulkSetTags(devices=[])

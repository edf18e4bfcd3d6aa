"""The typing markers agree with the specs: ``StartedJob[F]`` is what ``wait`` really returns and
``PageOf[T]`` what ``paginate`` really yields, for every command that has a job or pages."""

from __future__ import annotations

import sys
import types
import typing
from typing import Any

import pytest

from pushwoosh_async.commands import (
    ALL,
    Command,
    CreateCampaign,
    CreateMessage,
    GetCampaigns,
    GetMessageLog,
    GetPushHistory,
    MessagesList,
    Notification,
)
from pushwoosh_async.commands._base import PageOf, StartedJob
from pushwoosh_async.sync import PushwooshClient
from tests.support import API_TOKEN, APPLICATION, DEVICE_TOKEN, fake_account

JOBS = [c for c in ALL if c.job is not None]
LISTINGS = [c for c in ALL if c.pages is not None]


def marked(result: type[Any], marker: type[Any]) -> Any:
    """The argument of ``marker[...]`` among ``result``'s bases (a forward reference resolved)."""
    for cls in result.__mro__:
        for base in getattr(cls, "__orig_bases__", ()):
            if typing.get_origin(base) is marker:
                (argument,) = typing.get_args(base)
                if isinstance(argument, typing.ForwardRef):
                    return vars(sys.modules[cls.__module__])[argument.__forward_arg__]
                return argument
    return None


def test_every_job_and_listing_is_marked_and_nothing_else_is() -> None:
    assert len(JOBS) >= 10
    assert len(LISTINGS) >= 4
    for command in ALL:
        assert (marked(command.result_type, StartedJob) is not None) == (command.job is not None)
        assert (marked(command.result_type, PageOf) is not None) == (command.pages is not None)


@pytest.mark.parametrize("command", JOBS, ids=lambda c: c.__name__)
def test_a_jobs_poll_reads_the_marked_result(command: type[Command[Any]]) -> None:
    assert command.job is not None
    started = types.SimpleNamespace(request_id="r-1", task_id="t-1")
    poll = command.job.poll(started)
    assert type(poll).result_type is marked(command.result_type, StartedJob)


def test_a_listings_items_are_the_marked_type() -> None:
    fake = fake_account()
    fake.add_device("hwid-1")
    examples = {
        MessagesList: MessagesList(filters={"application": APPLICATION}),
        GetPushHistory: GetPushHistory(),
        GetCampaigns: GetCampaigns(),
        GetMessageLog: GetMessageLog(hwid="hwid-1"),
    }
    assert set(examples) == set(LISTINGS)  # a new listing needs its example here
    with PushwooshClient(
        API_TOKEN, device_token=DEVICE_TOKEN, application=APPLICATION, transport=fake.transport
    ) as pw:
        pw(CreateMessage(notifications=[Notification(content="Hi", devices=["hwid-1"])]))
        pw(CreateCampaign(name="Spring"))
        for listing, command in examples.items():
            item_type = marked(listing.result_type, PageOf)
            items = list(pw.paginate(command))
            if item_type is Any:
                continue
            assert items, listing
            assert all(isinstance(item, item_type) for item in items), listing

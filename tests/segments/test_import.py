"""pw.import_segment end to end against the fake: batches on the wire, outcomes, the filter."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest

from pushwoosh_async import PushwooshClient
from pushwoosh_async.commands import BulkSetTags, CompileFilter
from pushwoosh_async.errors import SegmentConflict, Unauthorized
from pushwoosh_async.segments import ImportOptions, SegmentImport, import_segment
from pushwoosh_async.testing import FakePushwoosh
from pushwoosh_async.testing.faults import Fault, When
from pushwoosh_async.testing.handlers import seglang
from tests.support import APPLICATION, fake_account, fake_client

FAST: ImportOptions = {"poll_interval": 0.001}
"""The fake's jobs read Pending once: poll again at once, not after the default second."""


class Recording(httpx.AsyncBaseTransport):
    """The fake's transport, keeping every request URL (the fake records paths, not queries)."""

    def __init__(self, fake: FakePushwoosh) -> None:
        self.inner = fake.transport
        self.urls: list[httpx.URL] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.urls.append(request.url)
        return await self.inner.handle_async_request(request)


@pytest.fixture
def fake() -> FakePushwoosh:
    account = fake_account()
    for n in range(2500):
        account.add_device(f"h{n}", user_id=f"u{n}")
    account.add_device("h-second", user_id="u7")  # a user with two devices
    account.add_device("h-other")  # in no import
    return account


@pytest.fixture
async def pw(fake: FakePushwoosh) -> AsyncIterator[PushwooshClient]:
    async with fake_client(fake) as client:
        yield client


def sent_entries(fake: FakePushwoosh) -> list[list[dict[str, Any]]]:
    return [call.body["devices"] for call in fake.calls_to("bulkSetTags")]


def tagged(fake: FakePushwoosh, tag: str = "import_vip") -> set[str]:
    return {d.hwid for d in fake.state.devices.values() if tag in d.tags}


async def test_batches_on_the_wire_and_the_filter(pw: PushwooshClient, fake: FakePushwoosh) -> None:
    """1000 entries a call (the last one short), by user_id; every id once; then the filter."""
    report = await pw.import_segment("vip", (f"u{n}" for n in range(2500)), **FAST)
    calls = fake.calls_to("bulkSetTags")
    assert [len(c.body["devices"]) for c in calls] == [1000, 1000, 500]
    assert all(c.body["application"] == APPLICATION for c in calls)
    assert all(c.body["create_missing_tags"] is True for c in calls)
    entries = [e for batch in sent_entries(fake) for e in batch]
    assert entries[0] == {"user_id": "u0", "tags": {"import_vip": "yes"}}
    assert [e["user_id"] for e in entries] == [f"u{n}" for n in range(2500)]  # each once, in order
    assert tagged(fake) == {f"h{n}" for n in range(2500)} | {"h-second"}
    expression = 'T("import_vip", EQ, "yes")'
    assert fake.state.filters["vip"]["filter_expression"] == expression
    assert report.filter_expression == expression
    selected = seglang.select(seglang.parse(expression), fake.state.devices.values())
    assert {d.hwid for d in selected} == tagged(fake)  # exactly the imported devices
    compiled = await pw(CompileFilter(devices_filter=expression))
    assert compiled.extra["devices_count"] == 2501
    assert (report.identifiers, report.batches, report.tagged, report.not_found) == (
        2500,
        3,
        2500,
        0,
    )
    assert report.complete
    assert report.filter_created
    json.dumps(report.to_dict())  # the command line prints it


async def test_job_status_is_read_in_detail(fake: FakePushwoosh) -> None:
    """Each job's status GET asks detailed=true (per-entry outcomes), after the paced start."""
    transport = Recording(fake)
    async with PushwooshClient(
        "SERVER_API_TOKEN", application=APPLICATION, transport=transport
    ) as pw:
        await pw.import_segment("vip", ["u1", "u2"], **FAST)
    polls = [u for u in transport.urls if "/bulkSetTags/" in u.path]
    assert polls
    assert all(u.params.get("detailed") == "true" for u in polls)


async def test_by_hwid_and_unknown_and_failed_identifiers(
    pw: PushwooshClient, fake: FakePushwoosh
) -> None:
    """Unknown ids end not_found; counts are exact and examples bounded by max_examples."""
    ids = ["h1", "nobody-1", "h2", "nobody-2", "nobody-3"]
    report = await pw.import_segment("by-hwid", ids, by="hwid", max_examples=2, **FAST)
    assert sent_entries(fake)[0][0] == {"hwid": "h1", "tags": {"import_by-hwid": "yes"}}
    assert (report.tagged, report.not_found, report.failed) == (2, 3, 0)
    assert [(e.identifier, e.status) for e in report.examples] == [
        ("nobody-1", "not_found"),
        ("nobody-2", "not_found"),
    ]
    assert report.complete  # not_found is an outcome, not a batch left to do


async def test_undefined_tag_without_create_missing_tags_fails_each_entry(
    pw: PushwooshClient, fake: FakePushwoosh
) -> None:
    """create_missing_tags=False on an undefined tag: every entry failed, with the error."""
    report = await pw.import_segment(
        "strict", ["u1", "u2"], create_missing_tags=False, max_examples=5, **FAST
    )
    assert fake.calls_to("bulkSetTags")[0].body["create_missing_tags"] is False
    assert (report.tagged, report.failed) == (0, 2)
    assert report.examples[0].status == "failed"
    assert report.examples[0].error is not None
    assert "does not exist" in report.examples[0].error
    assert tagged(fake, "import_strict") == set()


async def test_value_tag_and_quoting(pw: PushwooshClient, fake: FakePushwoosh) -> None:
    """A chosen tag and a value needing escapes: the filter still selects the imported devices."""
    value = 'spring "VIP" \\ list'
    report = await pw.import_segment("q", ["u1", "u3"], tag="Campaign", value=value, **FAST)
    assert report.filter_expression == 'T("Campaign", EQ, "spring \\"VIP\\" \\\\ list")'
    selected = seglang.select(seglang.parse(report.filter_expression), fake.state.devices.values())
    assert {d.hwid for d in selected} == {"h1", "h3"}


async def test_boolean_value(pw: PushwooshClient, fake: FakePushwoosh) -> None:
    report = await pw.import_segment("flag", ["u4"], value=True, **FAST)
    assert report.filter_expression == 'T("import_flag", EQ, true)'
    assert fake.state.tags["import_flag"] == 5  # created as a boolean tag
    compiled = await pw(CompileFilter(devices_filter=report.filter_expression))
    assert compiled.extra["devices_count"] == 1


async def test_async_iterable_source_and_duplicates(
    pw: PushwooshClient, fake: FakePushwoosh
) -> None:
    """An async source is read lazily; a repeat within a batch is sent once and counted."""

    async def source() -> AsyncIterator[str]:
        for identifier in ["u1", "u2", "u1", "u3", "u3"]:
            yield identifier

    report = await pw.import_segment("dups", source(), batch_size=3, **FAST)
    assert [[e["user_id"] for e in batch] for batch in sent_entries(fake)] == [
        ["u1", "u2"],
        ["u3"],
    ]
    assert (report.identifiers, report.duplicates, report.tagged) == (5, 2, 3)


async def test_source_is_read_batch_by_batch(pw: PushwooshClient, fake: FakePushwoosh) -> None:
    """Identifiers are pulled as batches are cut: never the whole source up front."""
    pulled: list[int] = []

    def source() -> Iterator[str]:
        for n in range(30):
            pulled.append(n)
            yield f"u{n}"

    seen: list[int] = []
    await pw.import_segment(
        "lazy",
        source(),
        batch_size=10,
        concurrency=1,
        on_progress=lambda _: seen.append(len(pulled)),
        **FAST,
    )
    assert seen[0] <= 20  # the first batch was done before the third was read


async def test_existing_filter_same_expression_is_kept(
    pw: PushwooshClient, fake: FakePushwoosh
) -> None:
    """A re-run finds its own filter: no error, and createFilter is not sent again."""
    await pw.import_segment("again", ["u1"], **FAST)
    report = await pw.import_segment("again", ["u1", "u2"], **FAST)
    assert report.complete
    assert len(fake.calls_to("createFilter")) == 1
    assert tagged(fake, "import_again") == {"h1", "h2"}


async def test_existing_filter_other_expression_is_a_conflict(
    pw: PushwooshClient, fake: FakePushwoosh
) -> None:
    """A filter of that name with another expression: SegmentConflict, nothing tagged."""
    fake.state.filters["taken"] = {"code": "X", "name": "taken", "filter_expression": 'A("X")'}
    with pytest.raises(SegmentConflict, match="already exists"):
        await pw.import_segment("taken", ["u1"], **FAST)
    assert fake.calls_to("bulkSetTags") == []


async def test_lost_reply_leaves_the_batch_unconfirmed(
    pw: PushwooshClient, fake: FakePushwoosh
) -> None:
    """A bulkSetTags whose reply is lost is never retried; no filter for an incomplete import."""
    fake.inject(Fault.reset(When.AFTER), method="bulkSetTags")
    report = await pw.import_segment("lost", ["u1", "u2", "u3"], batch_size=2, **FAST)
    assert len(fake.calls_to("bulkSetTags")) == 2  # not retried
    assert report.unsent == 2
    assert not report.complete
    assert not report.filter_created
    assert "lost" not in fake.state.filters


async def test_refused_batch_is_failed(pw: PushwooshClient, fake: FakePushwoosh) -> None:
    fake.inject(Fault.http_error(400), method="bulkSetTags")
    report = await pw.import_segment("refused", ["u1", "u2"], batch_size=1, **FAST)
    assert report.unsent == 1
    assert report.tagged == 1
    assert not report.complete


async def test_unauthorized_stops_the_run(fake: FakePushwoosh) -> None:
    async with fake_client(fake, api_token="wrong") as pw:
        fake.state.filters.clear()
        with pytest.raises(Unauthorized):
            await pw.import_segment("x", ["u1"], **FAST)  # listFilters is refused first


async def test_throughput_10k(pw: PushwooshClient, fake: FakePushwoosh) -> None:
    """10,000 identifiers in ten batches against the in-process fake: well under a few seconds."""
    for n in range(2500, 10_000):
        fake.add_device(f"h{n}", user_id=f"u{n}")
    report = await import_segment(pw, "many", (f"u{n}" for n in range(10_000)), **FAST)
    assert report.tagged == 10_000
    assert report.elapsed < 10


def test_options_match_the_constructor() -> None:
    """pw.import_segment's typed options are exactly SegmentImport's keywords."""
    import inspect  # noqa: PLC0415

    keywords = [
        name
        for name, p in inspect.signature(SegmentImport).parameters.items()
        if p.kind is inspect.Parameter.KEYWORD_ONLY
    ]
    assert sorted(keywords) == sorted(ImportOptions.__annotations__)
    assert BulkSetTags.max_devices == 1000

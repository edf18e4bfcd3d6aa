"""The fake's segmentation: filters, compileFilter and segment exports that count real devices."""

from __future__ import annotations

import pytest

from pushwoosh_async import PushwooshClient
from pushwoosh_async.commands import (
    CompileFilter,
    CreateFilter,
    DeleteFilter,
    ExportSegment,
    ExportSegmentLegacy,
    ExportSegmentResult,
    ListFilters,
)
from pushwoosh_async.errors import APIError
from pushwoosh_async.testing import FakePushwoosh
from tests.support import APPLICATION, fake_account

PRO = 'T("Plan", EQ, "pro")'


@pytest.fixture
def fake() -> FakePushwoosh:
    account = fake_account()
    account.add_device("h1", tags={"Plan": "pro", "City": "Madrid"})
    account.add_device("h2", device_type=1, tags={"Plan": "free", "Sports": ["tennis"]})
    account.add_device("h3", tags={"Plan": "PRO"})
    return account


async def test_create_list_delete_list(pw: PushwooshClient, fake: FakePushwoosh) -> None:
    """A created filter is listed with its code and expression, then gone once deleted."""
    created = await pw(
        CreateFilter(name="Pro", filter_expression=PRO, expiration_date="2030-01-01")
    )
    assert created.name == "Pro"
    (listed,) = (await pw(ListFilters())).filters
    assert (listed.name, listed.filter_expression, listed.expiration_date) == (
        "Pro",
        PRO,
        "2030-01-01",
    )
    assert listed.code == fake.state.filters["Pro"]["code"]
    await pw(DeleteFilter(name="Pro"))
    assert (await pw(ListFilters())).filters == ()
    with pytest.raises(APIError, match="Filter not found"):
        await pw(DeleteFilter(name="Pro"))


async def test_filters_of_another_application_are_not_listed(pw: PushwooshClient) -> None:
    """listFilters answers the application's own filters and the account-wide ones."""
    await pw(CreateFilter(name="Mine", filter_expression=PRO))
    await pw(CreateFilter(name="Theirs", filter_expression=PRO, application="OTHER-00000"))
    assert [f.name for f in (await pw(ListFilters())).filters] == ["Mine"]


async def test_legacy_conditions_are_listed_as_text(pw: PushwooshClient) -> None:
    """A filter made of the older conditions is listed with them spelled out, as the old page."""
    await pw(CreateFilter(name="L", conditions=[["Plan", "IN", ["pro", "vip"]]], operator="AND"))
    (listed,) = (await pw(ListFilters())).filters
    assert listed.conditions == "#Plan(pro, vip)"


@pytest.mark.parametrize(
    "expression",
    ['T("Plan", EQ, "pro"', 'T("Plan", EQ, "pro") +', "Plan = pro", '"pro"', ""],
)
async def test_malformed_expressions_are_refused(pw: PushwooshClient, expression: str) -> None:
    """createFilter and compileFilter refuse an expression that is not of the language's shape."""
    with pytest.raises(APIError, match="Invalid"):
        await pw(CompileFilter(devices_filter=expression or " "))
    if expression:
        with pytest.raises(APIError, match="Invalid filter expression"):
            await pw(CreateFilter(name="bad", filter_expression=expression))


async def test_compile_filter_counts_what_it_can_evaluate(pw: PushwooshClient) -> None:
    """A well-formed expression compiles; the count is given where the fake can evaluate it."""
    compiled = await pw(CompileFilter(devices_filter=f'A("{APPLICATION}") * {PRO}'))
    assert compiled.extra["devices_count"] == 2
    unknown = await pw(CompileFilter(devices_filter='TL("Visits", GTE, 3, 7)'))
    assert unknown.extra["devices_count"] is None


@pytest.mark.parametrize(
    ("expression", "count"),
    [
        pytest.param(f'A("{APPLICATION}")', 3, id="whole-application"),
        pytest.param(f'A("{APPLICATION}", ["iOS"])', 1, id="platform"),
        pytest.param(PRO, 2, id="tag-equality-ignoring-case"),
        pytest.param('T("Sports", EQ, "tennis")', 1, id="list-tag-holds"),
        pytest.param(f'AT("{APPLICATION}", "City", EQ, "madrid")', 1, id="app-tag"),
        pytest.param(f'A("{APPLICATION}") \\ {PRO}', 1, id="difference"),
        pytest.param(f'{PRO} + T("Plan", EQ, "free")', 3, id="union"),
        pytest.param('A("OTHER-00000")', 0, id="no-device"),
    ],
)
async def test_export_counts_the_devices_that_match(
    pw: PushwooshClient, expression: str, count: int
) -> None:
    """exportSegment goes in-progress -> completed; its count is the matching devices'."""
    status = await pw.wait(ExportSegment(filter_expression=expression), interval=0.01)
    assert status.status == "completed"
    assert status.devices_count == count
    assert status.url is not None


async def test_export_goes_pending_then_done(pw: PushwooshClient) -> None:
    """The export reads in-progress once before it completes."""
    task = await pw(ExportSegment(filter_expression=PRO))
    first = await pw(ExportSegmentResult(task_id=task.task_id))
    second = await pw(ExportSegmentResult(task_id=task.task_id))
    assert (first.status, second.status) == ("in-progress", "completed")


async def test_export_of_an_unsupported_expression_is_refused(pw: PushwooshClient) -> None:
    """The fake says plainly when it cannot evaluate an expression instead of inventing a count."""
    with pytest.raises(APIError, match="Unsupported by FakePushwoosh"):
        await pw(ExportSegment(filter_expression='T("Plan", NOTEQ, "pro")'))


async def test_legacy_export_is_read_with_get_results(pw: PushwooshClient) -> None:
    """The v1.3 exportSegment is a scheduled request: getResults gives its count once done."""
    results = await pw.wait(ExportSegmentLegacy(devices_filter=PRO), interval=0.01)
    assert results.extra["devices_count"] == 2

"""What an import refuses before sending, the CSV reader, and the quoting of filter values."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pushwoosh_async import PushwooshClient
from pushwoosh_async.errors import ValidationError
from pushwoosh_async.segments import filter_expression, identifiers_from_csv
from pushwoosh_async.testing import FakePushwoosh
from pushwoosh_async.testing.handlers import seglang
from tests.support import fake_account, fake_client


@pytest.fixture
def fake() -> FakePushwoosh:
    account = fake_account()
    for n in range(5):
        account.add_device(f"h{n}", user_id=f"u{n}")
    return account


@pytest.fixture
async def pw(fake: FakePushwoosh) -> AsyncIterator[PushwooshClient]:
    async with fake_client(fake) as client:
        yield client


@pytest.mark.parametrize(
    ("arguments", "options", "message"),
    [
        (("", ["u1"]), {}, "name"),
        (("s", "u1,u2"), {}, "iterable"),
        (("s", 42), {}, "iterable"),
        (("s", ["u1"]), {"by": "email"}, "by"),
        (("s", ["u1"]), {"tag": " "}, "tag"),
        (("s", ["u1"]), {"value": ["a"]}, "value"),
        (("s", ["u1"]), {"value": ""}, "value"),
        (("s", ["u1"]), {"batch_size": 0}, "batch_size"),
        (("s", ["u1"]), {"batch_size": 1001}, "batch_size"),
        (("s", ["u1"]), {"batch_size": True}, "batch_size"),
        (("s", ["u1"]), {"concurrency": 2.5}, "concurrency"),
        (("s", ["u1"]), {"max_examples": -1}, "max_examples"),
        (("s", ["u1"]), {"poll_interval": 0}, "poll_interval"),
    ],
)
async def test_bad_options_are_refused_before_sending(
    pw: PushwooshClient,
    fake: FakePushwoosh,
    arguments: tuple[Any, ...],
    options: dict[str, Any],
    message: str,
) -> None:
    with pytest.raises(ValidationError, match=message):
        await pw.import_segment(*arguments, **options)
    assert fake.calls == []


@pytest.mark.parametrize("bad", ["", "   ", None, 7])
async def test_a_bad_identifier_stops_before_its_batch(
    pw: PushwooshClient, fake: FakePushwoosh, bad: object
) -> None:
    """Batches before it were sent; its own batch and later ones are not."""
    ids: list[Any] = ["u0", "u1", "u2", bad, "u4"]
    with pytest.raises(ValidationError, match="identifier 3"):
        await pw.import_segment("s", ids, batch_size=2, poll_interval=0.001)
    assert [len(c.body["devices"]) for c in fake.calls_to("bulkSetTags")] == [2]
    assert "s" not in fake.state.filters


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_csv_first_column_with_a_header_blanks_skipped(tmp_path: Path) -> None:
    path = write(tmp_path / "a.csv", "user_id,name\n u1 ,Ann\n\n,\nu2,Bob\n  \nu3\n")
    assert list(identifiers_from_csv(path)) == ["u1", "u2", "u3"]


def test_csv_without_a_header(tmp_path: Path) -> None:
    path = write(tmp_path / "b.csv", "u1\nu2\n")
    assert list(identifiers_from_csv(path)) == ["u1", "u2"]
    assert list(identifiers_from_csv(path, header=True)) == ["u2"]


def test_csv_named_column_and_bom(tmp_path: Path) -> None:
    path = write(tmp_path / "c.csv", "\ufeffName;HWID\nAnn;h1\nBob;h2\n")
    assert list(identifiers_from_csv(path, "hwid", delimiter=";")) == ["h1", "h2"]
    with pytest.raises(ValidationError, match="'email' is not in the first row"):
        list(identifiers_from_csv(path, "email", delimiter=";"))


def test_csv_short_row_names_its_line(tmp_path: Path) -> None:
    path = write(tmp_path / "d.csv", "id,user\n1,u1\n2\n")
    with pytest.raises(ValidationError, match="line 3"):
        list(identifiers_from_csv(path, 1))


def test_csv_is_read_lazily(tmp_path: Path) -> None:
    """A generator: the file is read as it is iterated (here, one id taken of many)."""
    path = write(tmp_path / "e.csv", "".join(f"u{n}\n" for n in range(100_000)))
    first = next(iter(identifiers_from_csv(path)))
    assert first == "u0"


async def test_csv_source_end_to_end(
    pw: PushwooshClient, fake: FakePushwoosh, tmp_path: Path
) -> None:
    path = write(tmp_path / "vip.csv", "user_id\nu1\nu2\nnobody\n")
    report = await pw.import_segment("vip", identifiers_from_csv(path), poll_interval=0.001)
    assert (report.tagged, report.not_found) == (2, 1)


values = st.one_of(
    st.text(min_size=1).filter(str.strip),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.booleans(),
)


@given(tag=st.text(min_size=1), value=values)
def test_expression_round_trips_through_the_fakes_parser(tag: str, value: Any) -> None:
    """Quotes, backslashes, control and non-ASCII characters survive the quoting."""
    parsed = seglang.parse(filter_expression(tag, value))
    assert parsed == seglang.Call("T", (tag, seglang.Word("EQ"), value))
    assert type(parsed.arguments[2]) is type(value)

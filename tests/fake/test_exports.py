"""The fake's export files: real ZIPs with the selected devices and fields, hosted and recorded."""

from __future__ import annotations

import csv
import io
import json
import zipfile

import httpx
import pytest

from pushwoosh_async import PushwooshClient
from pushwoosh_async.commands import ExportSegment
from pushwoosh_async.errors import BadRequest
from pushwoosh_async.testing import FakePushwoosh
from pushwoosh_async.testing._exports import EXPORT_HOST
from pushwoosh_async.testing.server import running


async def _zip(pw: PushwooshClient, fake: FakePushwoosh, **options: object) -> zipfile.ZipFile:
    status = await pw.wait(ExportSegment(**options), interval=0.01)  # type: ignore[arg-type]
    assert status.url is not None
    async with httpx.AsyncClient(transport=fake.transport) as http:
        body = (await http.get(status.url)).content
    return zipfile.ZipFile(io.BytesIO(body))


async def test_a_csv_export_holds_the_selected_devices_and_fields(
    pw: PushwooshClient, fake: FakePushwoosh
) -> None:
    fake.add_device("h1", user_id="u1", tags={"City": "Madrid"})
    fake.add_device("h2", user_id="u2", tags={"City": "Paris"})
    archive = await _zip(
        pw, fake, filter_expression='T("City", EQ, "Madrid")', export_data=["hwids", "tags"]
    )
    assert archive.namelist() == ["export.csv"]
    rows = list(csv.reader(io.StringIO(archive.read("export.csv").decode())))
    assert rows == [["hwid", "tags"], ["h1", '{"City":"Madrid"}']]


async def test_a_json_export_is_an_array_of_objects(
    pw: PushwooshClient, fake: FakePushwoosh
) -> None:
    fake.add_devices(3, prefix="d")
    archive = await _zip(pw, fake, filter_expression='A("ABCDE-12345")', format="JSON")
    records = json.loads(archive.read("export.json"))
    assert [r["hwid"] for r in records] == ["d0", "d1", "d2"]
    assert records[0] == {"hwid": "d0", "push_token": "token-d0", "user_id": "user-d0", "tags": {}}


async def test_links_point_at_the_export_host_or_the_loopback_server(
    pw: PushwooshClient, fake: FakePushwoosh
) -> None:
    status = await pw.wait(ExportSegment(filter_expression='A("ABCDE-12345")'), interval=0.01)
    assert str(status.url).startswith(f"{EXPORT_HOST}/exports/")
    async with running(fake) as url:
        served = await pw.wait(ExportSegment(filter_expression='A("ABCDE-12345")'), interval=0.01)
        assert str(served.url).startswith(f"{url}/exports/")
        async with httpx.AsyncClient() as http:
            reply = await http.get(str(served.url), headers={"X-Probe": "1"})
        assert reply.status_code == 200
        assert reply.content[:2] == b"PK"
    assert fake.exports.base_url == f"{EXPORT_HOST}/exports"  # restored when the server stops
    (download,) = fake.exports.downloads
    assert (download.method, download.url, download.headers["x-probe"]) == ("GET", served.url, "1")


async def test_unknown_export_data_is_refused(pw: PushwooshClient, fake: FakePushwoosh) -> None:
    with pytest.raises(BadRequest, match="exportData"):
        await pw(ExportSegment(filter_expression='A("ABCDE-12345")', export_data=["emails"]))
    assert fake.exports.path("0001-00001EEF-00019919.zip") is None

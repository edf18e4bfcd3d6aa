"""Every request and reply example of the Pushwoosh documentation, sent as it stands.

Each file in ``tests/data/documented/`` is one example copied from a documentation page (the page
is the file's ``page``): the documented HTTP verb and URL, headers, request body and reply. The
test builds the command from the documented request, sends it through a real client, and
compares what went out with the example: verb, URL (query included), where the token went and
the body, exactly. Then it decodes the documented reply into the command's result type.

The example is the truth and is never reshaped. Two substitutions are all the test makes, both
stated here: the page's token placeholder (the file's ``token``) becomes the test token of the
command's kind, and a ``transactionId`` that a :class:`~pushwoosh_async.commands.KeyedSend` adds
to a notification the page left without one is checked to be a UUID, then set aside.

File keys: ``page``, ``command`` (class name in ``pushwoosh_async.commands``), ``token`` (the
placeholder, if the page shows one), ``http`` (``"POST https://..."``), ``headers`` (documented
headers, optional), ``request`` (the body; ``null`` for a GET), ``response`` (optional) and
``arguments`` (optional: the command's fields in wire names, for a request that cannot be read
back into them, such as a GET whose query holds typed values).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest

from pushwoosh_async import PushwooshClient, commands
from pushwoosh_async._converter import known_keys, structure_one
from pushwoosh_async.codec import request_object
from pushwoosh_async.commands import Command, OpenResult, TokenKind
from pushwoosh_async.commands._base import KeyedSend
from pushwoosh_async.commands._source import Confidence
from pushwoosh_async.errors import DecodeError
from pushwoosh_async.families import family_of
from pushwoosh_async.testing._routes import find
from tests.support import API_TOKEN, DEVICE_TOKEN

DOCUMENTED = Path(__file__).resolve().parent.parent / "data" / "documented"
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
CLASSES = {c.__name__: c for c in commands.ALL}


def examples() -> list[Any]:
    return [pytest.param(path, id=path.stem) for path in sorted(DOCUMENTED.glob("*.json"))]


def load(path: Path) -> tuple[type[Command[Any]], dict[str, Any]]:
    """The example with the page's token placeholder replaced by the test token."""
    raw = json.loads(path.read_text())
    cls = CLASSES[raw["command"]]
    text = path.read_text()
    if raw.get("token"):
        secret = DEVICE_TOKEN if cls.token is TokenKind.DEVICE else API_TOKEN
        text = text.replace(raw["token"], secret)
    return cls, json.loads(text)


def arguments(cls: type[Command[Any]], example: dict[str, Any]) -> dict[str, Any]:
    """The command's fields as the documented request gives them."""
    if "arguments" in example:
        return dict(example["arguments"])
    verb, url = example["http"].split(" ", 1)
    parts = urlsplit(url)
    _, path_args, _ = find(verb, parts.path)
    fields: dict[str, Any] = {**path_args, **dict(parse_qsl(parts.query))}
    if example.get("request") is not None:
        body = request_object(family_of(cls.path), example["request"])
        assert body is not None, "the documented body is not an object of this family's shape"
        fields.update(body)
    fields.pop("auth", None)
    if "extra" in known_keys(cls):  # an open command: the keys it does not model go in extra
        unmodelled = {k: fields.pop(k) for k in list(fields) if k not in known_keys(cls)}
        if unmodelled:
            fields["extra"] = unmodelled
    return fields


def without_added_keys(sent: Any, documented: Any, cls: type[Command[Any]]) -> Any:
    """``sent`` minus the ``transactionId`` a KeyedSend added where the page had none."""
    if not issubclass(cls, KeyedSend):
        return sent
    inner = sent.get("request", sent)
    expected = documented.get("request", documented)
    for note, doc_note in zip(inner["notifications"], expected["notifications"], strict=True):
        if "transactionId" not in doc_note:
            assert UUID.fullmatch(note.pop("transactionId"))
    return sent


def test_every_example_names_a_page_and_a_command() -> None:
    files = sorted(DOCUMENTED.glob("*.json"))
    assert files, "no documented examples vendored"
    for path in files:
        raw = json.loads(path.read_text())
        assert raw["page"].startswith("https://"), path.name
        assert raw["command"] in CLASSES, path.name


@pytest.mark.parametrize("path", examples())
async def test_the_documented_request_is_what_the_client_sends(path: Path) -> None:
    cls, example = load(path)
    command = structure_one(arguments(cls, example), cls)
    verb, url = example["http"].split(" ", 1)
    seen: list[httpx.Request] = []
    reply = example.get("response")

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json=reply if reply is not None else _empty(cls))

    async with PushwooshClient(
        API_TOKEN, device_token=DEVICE_TOKEN, transport=httpx.MockTransport(answer)
    ) as pw:
        try:
            result = await pw(command)
        except DecodeError:
            if reply is not None:
                raise
            result = None  # the page shows no reply: only the request is compared

    (request,) = seen
    assert request.method == verb
    sent, documented = urlsplit(str(request.url)), urlsplit(url)
    assert (sent.scheme, sent.netloc, sent.path) == (
        documented.scheme,
        documented.netloc,
        documented.path,
    )
    assert sorted(parse_qsl(sent.query)) == sorted(parse_qsl(documented.query))
    for name, value in example.get("headers", {}).items():
        assert request.headers.get(name) == value, name
    if example["request"] is None:
        assert request.content == b""
    else:
        body = without_added_keys(json.loads(request.content), example["request"], cls)
        assert body == example["request"]
    checked = cls.provenance is not None and cls.provenance.confidence is Confidence.DOCUMENTED
    if reply is not None and checked and isinstance(result, OpenResult):
        assert result.extra == {}, "the documented reply has keys the result does not model"


def _empty(cls: type[Command[Any]]) -> Any:
    family = family_of(cls.path)
    if family.replies.name == "ENVELOPE":
        return {"status_code": 200, "status_message": "OK", "response": None}
    return {}

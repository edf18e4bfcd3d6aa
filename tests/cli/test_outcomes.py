"""What a run says it did: nothing delivered is not success, demo mode names the fake, ``serve``
prints the tokens it accepts."""

from __future__ import annotations

import asyncio
import logging
import re
from pathlib import Path

import pytest

from pushwoosh_async import PushwooshClient
from pushwoosh_async.cli import ExitCode, build_parser, main
from pushwoosh_async.cli import serve as cli_serve
from pushwoosh_async.cli.session import FAKE_URL
from pushwoosh_async.commands import GetTags
from pushwoosh_async.testing.server import running


def _file(path: Path, lines: list[str]) -> str:
    path.write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")
    return str(path)


def test_a_send_to_only_unknown_devices_is_not_delivered(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = main(["send", "--content", "Hi", "--device", "unknown-1", "--device", "unknown-2"])
    assert code == ExitCode.NOT_DELIVERED
    assert "nothing delivered" in capsys.readouterr().err


def test_a_send_reaching_some_devices_is_ok(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["send", "--content", "Hi", "--device", "hwid-1", "--device", "unknown-2"]) == 0
    assert "nothing delivered" not in capsys.readouterr().err


def test_a_bulk_run_where_every_recipient_is_unknown_is_not_delivered(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The ``sent 0 / unknown 5,000`` run: every chunk accepted, nobody reached: exit 4."""
    source = _file(tmp_path / "d.txt", [f"unknown-{n}" for n in range(5000)])
    assert main(["bulk", "--content", "Hi", "--devices", source]) == ExitCode.NOT_DELIVERED
    captured = capsys.readouterr()
    assert captured.out.startswith("sent         0\nunknown      5,000 ")
    assert "nothing delivered" in captured.err


def test_a_bulk_run_over_an_empty_file_is_not_delivered(tmp_path: Path) -> None:
    source = _file(tmp_path / "d.txt", [])
    assert main(["bulk", "--content", "Hi", "--devices", source]) == ExitCode.NOT_DELIVERED


def test_a_bulk_run_with_one_known_recipient_is_ok(tmp_path: Path) -> None:
    source = _file(tmp_path / "d.txt", ["unknown-1", "hwid-1", "unknown-2"])
    assert main(["bulk", "--content", "Hi", "--devices", source]) == ExitCode.OK


@pytest.mark.parametrize("command", [["send"], ["call"]])
def test_demo_mode_names_the_fake_url_not_production(
    command: list[str], capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    """The notice says the fake's URL, and so does every request ``--verbose`` logs."""
    argv = (
        ["send", "--content", "Hi", "--device", "hwid-1"]
        if command == ["send"]
        else ["call", "getTags", '{"hwid": "hwid-1"}']
    )
    with caplog.at_level(logging.DEBUG):
        assert main([*argv, "--verbose"]) == ExitCode.OK
    captured = capsys.readouterr()
    assert f"built-in fake Pushwoosh at {FAKE_URL}" in captured.out + captured.err
    requests = [r.getMessage() for r in caplog.records if "HTTP Request" in r.getMessage()]
    assert requests, "httpx logged no request"
    assert all(FAKE_URL in line for line in requests), requests
    logged = " ".join(r.getMessage() for r in caplog.records)
    assert "api.pushwoosh.com" not in logged + captured.out + captured.err


def test_the_fake_url_can_never_be_a_real_host() -> None:
    assert FAKE_URL.startswith("https://")
    assert FAKE_URL.endswith(".invalid")  # RFC 2606: never resolves


def _printed(text: str) -> dict[str, str]:
    found = dict(
        re.findall(r"^  (API token|device API token) \(test\): +(\S+)$", text, re.MULTILINE)
    )
    assert set(found) == {"API token", "device API token"}, text
    return found


@pytest.mark.parametrize(
    "options",
    [[], ["--api-token", "my-api-token", "--device-token", "my-device-token"]],
    ids=["defaults", "given"],
)
def test_serve_prints_tokens_it_accepts(options: list[str]) -> None:
    """The tokens ``serve`` prints are the ones it takes: a client using them gets an answer."""
    args = build_parser().parse_args(["serve", "--port", "0", *options])
    fake = cli_serve.build_fake(args)
    fake.add_device("hwid-1")

    async def use_printed_tokens() -> tuple[str, dict[str, str]]:
        async with running(fake, "127.0.0.1", 0) as url:
            text = cli_serve.listening(fake, url)
            tokens = _printed(text)
            client = PushwooshClient(
                tokens["API token"],
                device_token=tokens["device API token"],
                application="ABCDE-12345",
                base_url=url,
            )
            async with client:
                await client(GetTags(hwid="hwid-1"))
            return text, tokens

    text, tokens = asyncio.run(use_printed_tokens())
    assert text.startswith("FakePushwoosh listening on http://127.0.0.1:")
    if options:
        assert tokens == {"API token": "my-api-token", "device API token": "my-device-token"}
    else:
        assert tokens == {"API token": fake.api_token, "device API token": fake.device_token}
        assert all(re.fullmatch(r"[a-z-]+", t) for t in tokens.values())  # readable
    assert f"PUSHWOOSH_API_TOKEN={tokens['API token']}" in text

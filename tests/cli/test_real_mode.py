"""Outside demo mode (a token is given) the command line never imports the fake."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.support import API_TOKEN, APPLICATION, DEVICE_TOKEN

ROOT = Path(__file__).resolve().parents[2]

_SCRIPT = """
import json, sys
import httpx
from pushwoosh_async import PushwooshClient
from pushwoosh_async.cli import main
API_TOKEN, DEVICE_TOKEN, APPLICATION = sys.argv[2:5]
def ok(response):
    return {"status_code": 200, "status_message": "OK", "response": response}

paths = []
def reply(request):
    paths.append(request.url.path)
    return httpx.Response(200, json=ok({"result": {"Language": "fr"}}))

from_env = PushwooshClient.from_env.__func__
PushwooshClient.from_env = classmethod(
    lambda cls, **options: from_env(cls, transport=httpx.MockTransport(reply), **options)
)
tokens = ["--token", API_TOKEN, "--device-token", DEVICE_TOKEN, "--application", APPLICATION]
code = main(["call", "getTags", '{"hwid": "hwid-1"}', *(tokens if sys.argv[1] == "real" else [])])
print(json.dumps({"code": code, "paths": paths, "fake": "pushwoosh_async.testing" in sys.modules}))
"""


def _run(mode: str) -> tuple[dict[str, object], str]:
    done = subprocess.run(  # noqa: S603 (our own interpreter, fixed arguments)
        [sys.executable, "-c", _SCRIPT, mode, API_TOKEN, DEVICE_TOKEN, APPLICATION],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
        env={k: v for k, v in os.environ.items() if not k.startswith("PUSHWOOSH_")},
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    *printed, last = done.stdout.splitlines()
    return json.loads(last), "\n".join(printed) + done.stderr


def test_importing_the_cli_does_not_import_the_fake() -> None:
    """``import pushwoosh_async.cli`` (and the ``python -m`` shim) leaves the fake unimported."""
    code = (
        "import sys, pushwoosh_async.cli, pushwoosh_async.__main__; "
        "print('pushwoosh_async.testing' in sys.modules)"
    )
    done = subprocess.run(  # noqa: S603 (our own interpreter, fixed arguments)
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert done.stdout.strip() == "False"


def test_call_with_a_token_goes_to_the_api_without_importing_the_fake() -> None:
    """With tokens, ``call`` reaches the API (a mock transport) and never imports the fake."""
    outcome, output = _run("real")
    assert outcome == {"code": 0, "paths": ["/json/1.3/getTags"], "fake": False}
    assert json.loads(output) == {"result": {"Language": "fr"}}  # the result, and no demo notice
    assert "SERVER_API_TOKEN" not in output
    assert "DEVICE_API_TOKEN" not in output


def test_the_check_sees_the_fake_in_demo_mode() -> None:
    """Control: without a token the same script does import the fake (and sends nothing out)."""
    outcome, _ = _run("demo")
    assert outcome == {"code": 0, "paths": [], "fake": True}

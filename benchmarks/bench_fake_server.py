"""Requests per second of the standalone fake server (``python -m pushwoosh_async.testing serve``).

    python benchmarks/bench_fake_server.py [--duration 5] [--connections 1,16,64] [--nginx]

The server runs pinned to CPU 0 and wrk to CPU 1 (taskset), on loopback. Each request is a
``POST /json/1.3/getTags`` with the device token, for a device registered beforehand, so every
reply is a 200 with content. ``--nginx`` also measures benchmarks/nginx.conf (canned replies, no
logic) through ``bash benchmarks/server.sh start``, as a ceiling for the same machine.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DEVICE_TOKEN = "bench-device-token"  # noqa: S105 (the fake's own token)
APPLICATION = "ABCDE-12345"
BODY = json.dumps({"request": {"application": APPLICATION, "hwid": "bench-hwid"}})

LUA = f"""
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Token {DEVICE_TOKEN}"
wrk.body = '{BODY}'
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_port(port: int, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise SystemExit(f"nothing listens on 127.0.0.1:{port}")


def post(url: str, document: dict[str, object]) -> dict[str, object]:
    request = urllib.request.Request(  # noqa: S310 (loopback http only)
        url,
        data=json.dumps(document).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Token {DEVICE_TOKEN}"},
    )
    with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
        result: dict[str, object] = json.loads(response.read())
        return result


def run_wrk(url: str, script: Path, connections: int, duration: float) -> dict[str, float]:
    command = [
        "taskset",
        "-c",
        "1",
        "wrk",
        "-t1",
        f"-c{connections}",
        f"-d{duration:g}s",
        "--latency",
        "-s",
        str(script),
        url + "/json/1.3/getTags",
    ]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p50 = re.search(r"50%\s+([\d.]+)(us|ms|s)", out)
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", out)
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = re.search(r"Socket errors:.*", out)
    return {
        "rps": rps,
        "p50_ms": to_ms(p50),
        "p99_ms": to_ms(p99),
        "non_2xx": float(non_2xx.group(1)) if non_2xx else 0.0,
        "socket_errors": 1.0 if errors else 0.0,
    }


def to_ms(match: re.Match[str] | None) -> float:
    if match is None:
        return float("nan")
    value, unit = float(match.group(1)), match.group(2)
    return value * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def bench_fake(script: Path, levels: list[int], duration: float) -> dict[int, dict[str, float]]:
    port = free_port()
    command = [
        "taskset",
        "-c",
        "0",
        sys.executable,
        "-m",
        "pushwoosh_async.testing",
        "serve",
        "--port",
        str(port),
        "--device-token",
        DEVICE_TOKEN,
        "--application",
        APPLICATION,
    ]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, env=env)
    try:
        wait_for_port(port)
        url = f"http://127.0.0.1:{port}"
        device = {"application": APPLICATION, "hwid": "bench-hwid", "device_type": 3}
        post(url + "/json/1.3/registerDevice", {"request": device})
        tags = {"application": APPLICATION, "hwid": "bench-hwid", "tags": {"Plan": "pro"}}
        post(url + "/json/1.3/setTags", {"request": tags})
        reply = post(url + "/json/1.3/getTags", json.loads(BODY))
        assert reply["status_code"] == 200, reply
        run_wrk(url, script, 16, 1)  # warm-up
        return {c: run_wrk(url, script, c, duration) for c in levels}
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def bench_nginx(script: Path, levels: list[int], duration: float) -> dict[int, dict[str, float]]:
    port = free_port()
    env = {**os.environ, "BENCH_PORT": str(port)}
    server_sh = str(HERE / "server.sh")
    subprocess.run(["bash", server_sh, "start"], check=True, env=env, stdout=subprocess.DEVNULL)
    try:
        url = f"http://127.0.0.1:{port}"
        run_wrk(url, script, 16, 1)  # warm-up
        return {c: run_wrk(url, script, c, duration) for c in levels}
    finally:
        subprocess.run(["bash", server_sh, "stop"], check=False, env=env, stdout=subprocess.DEVNULL)


def table(results: dict[str, dict[int, dict[str, float]]], levels: list[int]) -> str:
    lines = [
        "| server | " + " | ".join(f"C={c}" for c in levels) + " |",
        "|---|" + "---:|" * len(levels),
    ]
    for name, by_level in results.items():
        cells = [
            f"{by_level[c]['rps']:,.0f} req/s (p50 {by_level[c]['p50_ms']:.2f} ms, "
            f"p99 {by_level[c]['p99_ms']:.2f} ms)"
            for c in levels
        ]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    if "nginx" in results and "fake" in results:
        ratios = [results["fake"][c]["rps"] / results["nginx"][c]["rps"] for c in levels]
        lines.append("| fake ÷ nginx | " + " | ".join(f"{r:.3f}" for r in ratios) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--duration", type=float, default=5.0)
    parser.add_argument("--connections", default="1,16,64")
    parser.add_argument("--nginx", action="store_true", help="also measure benchmarks/nginx.conf")
    args = parser.parse_args()
    levels = [int(c) for c in args.connections.split(",")]
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "get_tags.lua"
        script.write_text(LUA)
        results = {"fake": bench_fake(script, levels, args.duration)}
        if args.nginx:
            results["nginx"] = bench_nginx(script, levels, args.duration)
    for name, by_level in results.items():
        for c, r in by_level.items():
            if r["non_2xx"] or r["socket_errors"]:
                print(f"warning: {name} C={c}: {r['non_2xx']:.0f} non-2xx, socket errors")
    print(table(results, levels))


if __name__ == "__main__":
    main()

"""Reply parsing: the standard library against msgspec and orjson, on Pushwoosh-shaped replies.

    python benchmarks/bench_json.py

What ``json_backend`` chose from: CPU µs per parse of a ``getTags`` reply (80 bytes) and of a
``createMessage`` reply with 1,000 message codes, as the ratio standard ÷ candidate (higher is
faster), median and min-max over rounds whose order rotates. The libraries that are not installed
are skipped; the standard library is the one the client uses without the speedups extra.
"""

from __future__ import annotations

import argparse
import importlib
import json
import statistics
import time
from collections.abc import Callable, Sequence
from typing import Any

from pushwoosh_async.json_backend import standard_loads

SMALL = b'{"status_code":200,"status_message":"OK","response":{"result":{"Plan":"pro"}}}'
LARGE = json.dumps(
    {
        "status_code": 200,
        "status_message": "OK",
        "response": {"Messages": [f"ABCD-{i:08d}" for i in range(1000)]},
    }
).encode()


def parsers() -> dict[str, Callable[[bytes], Any]]:
    found: dict[str, Callable[[bytes], Any]] = {"json": standard_loads}
    for name, attribute in (("msgspec", "json.Decoder"), ("orjson", "loads")):
        try:
            module: Any = importlib.import_module(name)
        except ImportError:
            continue
        if name == "msgspec":
            found[name] = module.json.Decoder().decode
        else:
            found[name] = getattr(module, attribute)
    return found


def cpu_us(parse: Callable[[bytes], Any], body: bytes, calls: int) -> float:
    started = time.process_time()
    for _ in range(calls):
        parse(body)
    return (time.process_time() - started) / calls * 1e6


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=9)
    args = parser.parse_args(argv)
    found = parsers()
    for label, body, calls in (("getTags reply", SMALL, 50_000), ("1,000 codes", LARGE, 500)):
        samples: dict[str, list[float]] = {name: [] for name in found}
        for index in range(args.rounds):
            names = list(found)
            names = names[index % len(names) :] + names[: index % len(names)]
            for name in names:
                samples[name].append(cpu_us(found[name], body, calls))
        for name, values in samples.items():
            ratios = [s / v for s, v in zip(samples["json"], values, strict=True)]
            print(
                f"{label:14} {name:8} {statistics.median(values):8.2f} µs  json ÷ it: "
                f"{statistics.median(ratios):.2f} (min-max {min(ratios):.2f}-{max(ratios):.2f})"
            )


if __name__ == "__main__":
    main()

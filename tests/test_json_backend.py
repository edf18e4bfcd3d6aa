"""The speedups extra changes how fast replies are parsed, never what they mean.

msgspec (when installed) and the standard library must give equal Python values for every JSON
document, a body msgspec refuses must still parse as it did before, and encoding stays the
standard library's, so what the client refuses before sending does not change.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pushwoosh_async import json_backend
from pushwoosh_async.json_backend import loads, standard_loads

msgspec = pytest.importorskip("msgspec", reason="the speedups extra is not installed")

documents = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: st.lists(children) | st.dictionaries(st.text(), children),
    max_leaves=30,
)


def _same(left: Any, right: Any) -> bool:
    """Equal, and of the same types all the way down (1 and 1.0 and True are told apart)."""
    if type(left) is not type(right):
        return False
    if isinstance(left, dict):
        return list(left) == list(right) and all(_same(left[k], right[k]) for k in left)
    if isinstance(left, list):
        return len(left) == len(right) and all(map(_same, left, right))
    if isinstance(left, float) and math.isnan(left):
        return math.isnan(right)
    return bool(left == right)


@given(documents, st.sampled_from([None, 1, 2]))
def test_msgspec_and_the_standard_library_read_the_same_values(
    document: Any, indent: int | None
) -> None:
    body = json.dumps(document, indent=indent, ensure_ascii=indent == 2).encode()
    assert json_backend.BACKEND == "msgspec"
    assert _same(loads(body), standard_loads(body))


@pytest.mark.parametrize(
    "body",
    [
        b'{"a":NaN,"b":-Infinity}',  # msgspec refuses these literals; json accepts them
        b'{"a":123456789012345678901234567890}',  # past 64 bits: kept exact
        b'{"a":"\\ud800"}',  # a lone surrogate escape
        b'{"a":1e400}',
    ],
)
def test_what_msgspec_refuses_or_stretches_parses_as_before(body: bytes) -> None:
    assert _same(loads(body), standard_loads(body))


@pytest.mark.parametrize("body", [b"", b"[1,2", b"<html>", b'{"a":1} trailing', b"\xff\xfe"])
def test_what_is_not_json_is_refused_by_both(body: bytes) -> None:
    for parse in (loads, standard_loads):
        with pytest.raises(ValueError):  # JSONDecodeError and UnicodeDecodeError are ValueErrors
            parse(body)


def test_encoding_still_refuses_what_json_cannot_carry() -> None:
    for value in (float("nan"), {1, 2}, b"bytes"):
        with pytest.raises((ValueError, TypeError)):
            json_backend.dumps({"value": value})


def test_the_environment_can_keep_the_standard_library() -> None:
    code = "from pushwoosh_async import json_backend as j; print(j.BACKEND)"
    for setting, expected in (("0", "json"), ("1", "msgspec")):
        env = {**os.environ, "PUSHWOOSH_ASYNC_SPEEDUPS": setting}
        out = subprocess.run(  # noqa: S603 (our own interpreter and code)
            [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
        )
        assert out.stdout.strip() == expected

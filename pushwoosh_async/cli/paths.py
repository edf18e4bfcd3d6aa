"""Files a subcommand writes (``--report``, ``--checkpoint``): checked while parsing, before a send.

A run that sends to a million devices and then cannot write its report has lost the summary a
script needed, so a path that could not be written is bad usage (exit 2) before anything is sent.
The check writes and removes a probe file in the target's directory: permission bits, ACLs,
read-only file systems and root all answer the same way they will for the real write.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import tempfile
from pathlib import Path

__all__ = ["output_path"]


def output_path(text: str) -> str:
    """An argparse type: a file path that can be written (created, or replaced if it exists)."""
    if not text:
        msg = "an empty path"
        raise argparse.ArgumentTypeError(msg)
    target = Path(text)
    folder = target.parent
    if target.is_dir():
        msg = f"{text} is a directory, not a file"
        raise argparse.ArgumentTypeError(msg)
    if not folder.is_dir():
        what = "does not exist" if not folder.exists() else "is not a directory"
        msg = f"cannot write {text}: the directory {folder} {what}"
        raise argparse.ArgumentTypeError(msg)
    if target.exists() and not os.access(target, os.W_OK):
        msg = f"cannot write {text}: permission denied"
        raise argparse.ArgumentTypeError(msg)
    try:
        descriptor, probe = tempfile.mkstemp(prefix=f".{target.name}.", dir=folder)
    except OSError as exc:
        msg = f"cannot write {text}: {exc.strerror or exc}"
        raise argparse.ArgumentTypeError(msg) from exc
    os.close(descriptor)
    with contextlib.suppress(OSError):
        Path(probe).unlink()
    return text

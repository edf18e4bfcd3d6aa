"""``pushwoosh segment``: the ``export`` and ``import`` subcommands, one module each."""

from __future__ import annotations

from pushwoosh_async.cli import segment_export, segment_import
from pushwoosh_async.cli.options import FORMATTER, Subcommands

__all__ = ["add_parser"]


def add_parser(subparsers: Subcommands) -> None:
    """Declare ``segment`` and its two subcommands."""
    parser = subparsers.add_parser(
        "segment",
        help="export a segment's devices, or import a segment from a file",
        description="Segments end to end. segment export EXPR writes the devices a filter "
        "expression selects; segment import NAME FILE tags the listed users or devices and "
        "creates the segment NAME on that tag.",
        formatter_class=FORMATTER,
    )
    commands = parser.add_subparsers(dest="segment_command", metavar="{export,import}")
    commands.required = True
    segment_export.add_parser(commands)
    segment_import.add_parser(commands)

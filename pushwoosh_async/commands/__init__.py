"""Every Pushwoosh method as a command class, named as the PascalCase of its catalogue name.

One module per section of the API reference; ``ALL`` lists every command class in that order.

The section modules are imported on first use: ``commands.CreateMessage`` (or ``from
pushwoosh_async.commands import CreateMessage``) imports the section that defines it, and
``ALL``, ``SECTIONS`` or a star import import them all. Importing the package alone builds none of
the ~110 command classes (most of the library's import time).
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import TYPE_CHECKING, Any, Final

from pushwoosh_async.commands._base import (
    Ack,
    Command,
    OpenCommand,
    OpenObject,
    OpenResult,
    Result,
    TokenKind,
    registered,
)
from pushwoosh_async.commands._index import SECTION_NAMES

if TYPE_CHECKING:
    from pushwoosh_async.commands import (
        applications,
        audience,
        campaigns,
        channels,
        device,
        email,
        events,
        geozones,
        inbox,
        journeys,
        live_activities,
        messages,
        messaging_v2,
        presets,
        sdk,
        segmentation,
        statistics,
        tags,
        testing_devices,
        users,
    )
    from pushwoosh_async.commands.applications import *  # noqa: F403
    from pushwoosh_async.commands.audience import *  # noqa: F403
    from pushwoosh_async.commands.campaigns import *  # noqa: F403
    from pushwoosh_async.commands.channels import *  # noqa: F403
    from pushwoosh_async.commands.device import *  # noqa: F403
    from pushwoosh_async.commands.email import *  # noqa: F403
    from pushwoosh_async.commands.events import *  # noqa: F403
    from pushwoosh_async.commands.geozones import *  # noqa: F403
    from pushwoosh_async.commands.inbox import *  # noqa: F403
    from pushwoosh_async.commands.journeys import *  # noqa: F403
    from pushwoosh_async.commands.live_activities import *  # noqa: F403
    from pushwoosh_async.commands.messages import *  # noqa: F403
    from pushwoosh_async.commands.messaging_v2 import *  # noqa: F403
    from pushwoosh_async.commands.presets import *  # noqa: F403
    from pushwoosh_async.commands.sdk import *  # noqa: F403
    from pushwoosh_async.commands.segmentation import *  # noqa: F403
    from pushwoosh_async.commands.statistics import *  # noqa: F403
    from pushwoosh_async.commands.tags import *  # noqa: F403
    from pushwoosh_async.commands.testing_devices import *  # noqa: F403
    from pushwoosh_async.commands.users import *  # noqa: F403

    SECTIONS: tuple[ModuleType, ...]
    """The section modules, in the order of the API reference."""
    ALL: tuple[type[Command[Any]], ...]
    """Every command class of the library, section by section (in definition order within one).

    Built from the registry every command class joins when it is defined, not from a list kept
    by hand: a class cannot be left out.
    """

_WHERE: Final = {name: section for section, names in SECTION_NAMES.items() for name in names}
"""Public name -> the section module that defines it."""


def _section(name: str) -> ModuleType:
    return importlib.import_module(f"{__name__}.{name}")


def _sections() -> tuple[ModuleType, ...]:
    return tuple(_section(name) for name in SECTION_NAMES)


def _all() -> tuple[type[Command[Any]], ...]:
    order = {module.__name__: index for index, module in enumerate(_sections())}
    return tuple(
        sorted(
            (command for command in registered() if command.__module__ in order),
            key=lambda command: order[command.__module__],
        )
    )


def __getattr__(name: str) -> Any:
    """Import the section a name lives in on its first use (then it is a plain attribute)."""
    if name == "SECTIONS":
        value: Any = _sections()
    elif name == "ALL":
        value = _all()
    elif name in SECTION_NAMES:
        value = _section(name)
    elif name in _WHERE:
        value = getattr(_section(_WHERE[name]), name)
    else:
        msg = f"module {__name__!r} has no attribute {name!r}"
        raise AttributeError(msg)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__, *SECTION_NAMES})


__all__ = [
    "ALL",
    "SECTIONS",
    "Ack",
    "Command",
    "OpenCommand",
    "OpenObject",
    "OpenResult",
    "Result",
    "TokenKind",
    "registered",
]
if TYPE_CHECKING:  # the names, spelled so that type checkers read them
    __all__ += applications.__all__
    __all__ += audience.__all__
    __all__ += campaigns.__all__
    __all__ += channels.__all__
    __all__ += device.__all__
    __all__ += email.__all__
    __all__ += events.__all__
    __all__ += geozones.__all__
    __all__ += inbox.__all__
    __all__ += journeys.__all__
    __all__ += live_activities.__all__
    __all__ += messages.__all__
    __all__ += messaging_v2.__all__
    __all__ += presets.__all__
    __all__ += sdk.__all__
    __all__ += segmentation.__all__
    __all__ += statistics.__all__
    __all__ += tags.__all__
    __all__ += testing_devices.__all__
    __all__ += users.__all__
else:
    __all__ += [*_WHERE]  # noqa: PLE0604 (its keys, the names: strings)

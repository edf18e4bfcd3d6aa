"""Every Pushwoosh method as a command class, named as the PascalCase of its catalogue name.

One module per section of the API reference; ``ALL`` lists every command class in that order.
"""

from __future__ import annotations

from typing import Any, Final

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

SECTIONS: Final = (
    messages,
    messaging_v2,
    live_activities,
    device,
    sdk,
    inbox,
    tags,
    audience,
    segmentation,
    applications,
    presets,
    events,
    statistics,
    geozones,
    email,
    channels,
    testing_devices,
    journeys,
    campaigns,
    users,
)
"""The section modules, in the order of the API reference."""


_SECTION_ORDER: Final = {module.__name__: index for index, module in enumerate(SECTIONS)}

ALL: Final[tuple[type[Command[Any]], ...]] = tuple(
    sorted(
        (command for command in registered() if command.__module__ in _SECTION_ORDER),
        key=lambda command: _SECTION_ORDER[command.__module__],
    )
)
"""Every command class of the library, section by section (in definition order within one).

Built from the registry every command class joins when it is defined, not from a list kept by
hand: a class cannot be left out.
"""

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

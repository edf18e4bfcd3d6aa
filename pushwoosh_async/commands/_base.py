"""What every command is: a frozen value naming its endpoint, its token and its result type.

A command class is its request fields plus three lines of metadata::

    @frozen
    class DeleteMessage(Command[Ack]):
        path = "/json/1.3/deleteMessage"
        token = TokenKind.SERVER
        result_type = Ack

        message: str

Everything else (host, body wrapping, where the token goes, how the reply is read) follows from
the path through the family table in ``families``, so adding a method never adds pipeline code.
"""

from __future__ import annotations

import enum
import uuid
from typing import Any, ClassVar, Generic, TypeVar

import attrs

from pushwoosh_async._converter import wire
from pushwoosh_async.errors import PushwooshWarning

__all__ = ["Ack", "Command", "Result", "TokenKind", "with_transaction_ids"]

R = TypeVar("R", bound="Result")


class TokenKind(enum.Enum):
    """Which of the two Pushwoosh tokens a method needs."""

    SERVER = "server"
    """The server API token (Control Panel -> API Access), sent per the method's family."""
    DEVICE = "device"
    """The device API token, always sent as ``Authorization: Token ...``."""


@attrs.frozen(kw_only=True)
class Result:
    """Base of every typed result.

    ``warnings`` holds the warnings Pushwoosh attached to a successful reply; they are also
    issued with :func:`warnings.warn`, but a service that never looks at warning filters can
    read them here.
    """

    warnings: tuple[PushwooshWarning, ...] = attrs.field(
        default=(), metadata=wire(local=True), eq=False
    )

    @classmethod
    def unwrap(cls, data: Any) -> Any:
        """The part of the reply's data this result is read from (all of it, by default)."""
        return data


@attrs.frozen(kw_only=True)
class Ack(Result):
    """The result of a method whose reply carries no data (``"response": null``)."""


@attrs.frozen(kw_only=True)
class Command(Generic[R]):
    """One Pushwoosh API call as a value: no I/O, no reference to a client.

    Send it with ``await client(command)``; the result is an instance of ``result_type``.
    """

    path: ClassVar[str]
    """The path as the API catalogue writes it, e.g. ``/json/1.3/createMessage``."""
    http_method: ClassVar[str] = "POST"
    token: ClassVar[TokenKind]
    result_type: ClassVar[type[Result]]
    idempotent: ClassVar[bool] = True
    """False for calls that change state in a way a repeat would duplicate."""

    @classmethod
    def method_name(cls) -> str:
        """The method's name in the API catalogue (``createMessage``, ``bulkSetTags status``).

        It is the path's last segment unless the class sets a ``name`` string (some commands
        have a request field called ``name``, so the base class does not declare one).
        """
        for klass in cls.__mro__:
            declared = vars(klass).get("name")
            if isinstance(declared, str):
                return declared
        return cls.path.rsplit("/", 1)[-1]

    def with_dedup_keys(self) -> Command[R] | None:
        """A copy with its de-duplication keys filled in, or ``None`` if it has none.

        Pushwoosh drops a repeat of a request that carries the same key, which is what makes
        retrying a non-idempotent command safe. The client calls this once per send, before the
        first attempt, so every retry reuses the same keys.
        """
        return None


C = TypeVar("C")


def with_transaction_ids(command: C) -> C:
    """``command`` with a fresh UUID as ``transactionId`` on each notification that has none.

    Pushwoosh de-duplicates messages by ``transactionId`` (kept a day for email), so a send
    whose notifications all carry one can be retried after a lost reply without sending twice.
    """
    notifications = command.notifications  # type: ignore[attr-defined]
    if all(n.transaction_id is not None for n in notifications):
        return command
    keyed = tuple(
        n if n.transaction_id is not None else attrs.evolve(n, transaction_id=str(uuid.uuid4()))
        for n in notifications
    )
    return attrs.evolve(command, notifications=keyed)  # type: ignore[misc]

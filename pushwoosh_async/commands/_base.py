"""What every command is: a frozen value that carries every fact about its API method.

A command class is its request fields plus two or three lines of metadata::

    @attrs.frozen(kw_only=True)
    class DeleteMessage(Command[Ack]):
        path = "/json/1.3/deleteMessage"
        token = TokenKind.SERVER

        message: str

The facts about a method live on its class and nowhere else:

* ``path``: as the API catalogue writes it, placeholders included (``.../{request_id}``);
* ``method``: the wire method name, the path's last segment unless the class sets it;
* ``result_type``: the generic argument (``Command[Ack]`` -> ``Ack``), read when the class is
  defined (a ``result_type`` written out in the body must agree with it);
* ``http_method``, ``token``, ``idempotent``;
* ``job`` / ``pages``: how ``pw.wait`` and ``pw.paginate`` follow it, if it starts a server-side
  job or reads a paginated listing (``_specs.py``); for the type checker its result class then
  derives from ``StartedJob[FinalResult]`` or ``PageOf[Item]`` (a ClassVar cannot carry a type
  variable), so ``await pw.wait(cmd)`` is typed as the job's final result;
* ``provenance``: the documentation page and confidence, read from the docstring's ``Source:`` line
  (``_source.py``);
* ``application_key`` / ``group_key``: the wire keys of the application (or group) the call acts
  on, which the client's default application fills when unset.

Defining a class with a ``path`` registers it (:func:`registered`); ``commands.ALL`` is built
from that registry, so no list has to be kept by hand. Host, body wrapping, token placement and
reply shape follow from the path through the family table (``families.py``), applied by
``codec.py``: adding a method never adds pipeline code.
"""

from __future__ import annotations

import enum
import typing
import uuid
from collections.abc import Mapping
from typing import Any, ClassVar, Generic, TypeVar

import attrs

from pushwoosh_async._converter import reply, wire
from pushwoosh_async._slot_init import set_slots_directly
from pushwoosh_async.commands._checks import install as install_checks
from pushwoosh_async.commands._fields import extra_field
from pushwoosh_async.commands._source import Source, parse_source
from pushwoosh_async.commands._specs import JobSpec, PageSpec
from pushwoosh_async.errors import PushwooshWarning, ValidationError

__all__ = [
    "Ack",
    "Command",
    "KeyedSend",
    "OpenCommand",
    "OpenObject",
    "OpenResult",
    "PageOf",
    "Result",
    "StartedJob",
    "TokenKind",
    "registered",
]

R_co = TypeVar("R_co", bound="Result", covariant=True)
"""The result type. Covariant, so a ``Command[ScheduledRequest]`` is a
``Command[StartedJob[ScheduledResults]]``: that is how ``pw.wait`` knows what it returns."""
F_co = TypeVar("F_co", covariant=True)
T_co = TypeVar("T_co", covariant=True)
_V = TypeVar("_V")


class TokenKind(enum.Enum):
    """Which of the two Pushwoosh tokens a method needs."""

    SERVER = "server"
    """The server API token (Control Panel -> API Access), sent per the method's family."""
    DEVICE = "device"
    """The device API token, always sent as ``Authorization: Token ...``."""


@reply  # what is structured into a result is a reply: unknown keys are kept or dropped, not refused
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

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        own = vars(cls)
        if "__attrs_attrs__" in own and "__init__" in own:  # the class attrs built
            set_slots_directly(cls)  # one result per call: see _slot_init.py

    @classmethod
    def unwrap(cls, data: Any) -> Any:
        """The part of the reply's data this result is read from (all of it, by default)."""
        return data


class StartedJob(Result, Generic[F_co]):
    """Base of a result that starts a server-side job; ``F_co`` is the finished job's result.

    Typing only (no fields): ``pw.wait(cmd)`` returns an ``F_co``. The command's ``job`` spec polls
    with a command whose result type is ``F_co`` (``tests/test_job_and_page_types.py`` checks it).
    """

    __slots__ = ()


class PageOf(Result, Generic[T_co]):
    """Base of the page result of a paginated listing; ``T_co`` is the type of its items.

    Typing only (no fields): ``pw.paginate(cmd)`` yields ``T_co`` items.
    """

    __slots__ = ()


@attrs.frozen(kw_only=True)
class Ack(Result):
    """The result of a method whose reply carries no data (``"response": null``)."""


@attrs.frozen(kw_only=True)
class OpenResult(Result):
    """A result whose documented shape is incomplete.

    Reply keys it does not model land in ``extra`` instead of being dropped.
    """

    extra: Mapping[str, Any] = extra_field()


@attrs.frozen(kw_only=True)
class OpenObject:
    """A nested value whose documented shape is incomplete: unmodelled keys go in ``extra``."""

    extra: Mapping[str, Any] = extra_field()


_REGISTRY: dict[str, type[Command[Any]]] = {}


def registered() -> tuple[type[Command[Any]], ...]:
    """Every command class defined so far (the library's and any of yours), in definition order."""
    return tuple(_REGISTRY.values())


def _result_argument(cls: type[Any]) -> type[Result] | None:
    """``X`` if ``cls`` is declared as ``Command[X]`` (or any generic command base ``[X]``)."""
    for base in vars(cls).get("__orig_bases__", ()):
        origin = typing.get_origin(base)
        if isinstance(origin, type) and issubclass(origin, Command):
            for argument in typing.get_args(base):
                if isinstance(argument, type) and issubclass(argument, Result):
                    return argument
    return None


@attrs.frozen(kw_only=True)
class Command(Generic[R_co]):
    """One Pushwoosh API call as a value: no I/O, no reference to a client.

    Send it with ``await client(command)``; the result is an instance of ``result_type``.
    """

    path: ClassVar[str]
    """The path as the API catalogue writes it, e.g. ``/json/1.3/createMessage``."""
    method: ClassVar[str]
    """The wire method name (``createMessage``, ``bulkSetTags status``).

    The path's last segment unless the class body sets it.
    """
    http_method: ClassVar[str] = "POST"
    token: ClassVar[TokenKind]
    result_type: ClassVar[type[Result]]
    """The class of the typed result: the generic argument, ``Command[ThisResult]``."""
    idempotent: ClassVar[bool] = True
    """False for calls that change state in a way a repeat would duplicate."""
    job: ClassVar[JobSpec | None] = None
    """Set on commands that start a server-side job: how ``pw.wait`` follows it."""
    pages: ClassVar[PageSpec | None] = None
    """Set on paginated listings: how ``pw.paginate`` reads the next page."""
    provenance: ClassVar[Source | None] = None
    """The page the method was checked against: the docstring's ``Source:`` line."""
    application_key: ClassVar[str] = "application"
    """The wire key that names the application the call acts on. When the class has a field
    sent under it and it is unset, the client's default application fills it (``createPreset``
    calls it ``applicationCode``)."""
    group_key: ClassVar[str] = "applications_group"
    """The wire key that names an application group instead: when it is set, none is filled."""
    needs_application: ClassVar[bool] = True
    """Whether a command with an ``application`` field must send one: the client's default fills
    it in, and without a default the command is refused. ``False`` where the docs make it
    optional (then it is sent only if set or defaulted)."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        own = vars(cls)
        if "__attrs_attrs__" in own and "__init__" in own:
            # The class attrs built (the slotted re-creation): check every construction.
            install_checks(cls)
        argument = _result_argument(cls)
        if argument is not None:
            declared = own.get("result_type")
            if declared is not None and declared is not argument:
                msg = (
                    f"{cls.__name__}.result_type is {declared.__name__}, "
                    f"but the class is a Command[{argument.__name__}]"
                )
                raise TypeError(msg)
            cls.result_type = argument
        if "path" not in own:
            return  # a shared base, not a method
        if "method" not in own:
            cls.method = cls.path.rsplit("/", 1)[-1]
        cls.provenance = parse_source(own.get("__doc__"))
        if not isinstance(getattr(cls, "result_type", None), type):
            msg = f"{cls.__name__} names no result type: derive it from Command[YourResult]"
            raise TypeError(msg)
        # attrs re-creates slotted classes: keyed by name, the final class replaces the first.
        _REGISTRY[f"{cls.__module__}.{cls.__qualname__}"] = cls

    def with_dedup_keys(self) -> Command[R_co] | None:
        """A copy with its de-duplication keys filled in, or ``None`` if it has none.

        Pushwoosh drops a repeat of a request that carries the same key, which is what makes
        retrying a non-idempotent command safe. The client calls this once per send, before the
        first attempt, so every retry reuses the same keys.
        """
        return None


@attrs.frozen(kw_only=True)
class OpenCommand(Command[R_co]):
    """A command whose documented shape is incomplete.

    Partly documented, known from SDK code, or inferred: its docstring says which. ``extra``
    carries the wire keys the model lacks; they are sent as given, after every modelled field.
    """

    extra: Mapping[str, Any] = extra_field()


@attrs.frozen(kw_only=True)
class KeyedSend(Command[R_co]):
    """A send of notifications that Pushwoosh de-duplicates by their ``transactionId``.

    Not idempotent, but safe to retry: every notification gets a ``transactionId`` once per send
    (yours wins), so a retry after a lost reply is the same message to Pushwoosh.
    ``application`` defaults to the client's; ``applications_group`` replaces it. Subclasses add
    their ``notifications`` field.
    """

    idempotent = False

    application: str | None = None
    applications_group: str | None = None

    def __attrs_post_init__(self) -> None:
        if self.application is not None and self.applications_group is not None:
            msg = "give application or applications_group, not both"
            raise ValidationError(msg)

    def with_dedup_keys(self) -> KeyedSend[R_co]:
        """A copy whose every notification has a ``transactionId`` (new UUIDs for the unset)."""
        notifications = self.notifications  # type: ignore[attr-defined]
        if all(n.transaction_id is not None for n in notifications):
            return self
        keyed = tuple(
            n if n.transaction_id is not None else _copy(n, "transaction_id", str(uuid.uuid4()))
            for n in notifications
        )
        return _copy(self, "notifications", keyed)


def _copy(value: _V, name: str, new: Any) -> _V:
    """``attrs.evolve(value, name=new)`` without re-running its converters and checks.

    Every other field was converted and checked when ``value`` was built, and ``new`` is already
    a valid value for ``name`` (a UUID string, or a tuple of such copies): nothing to validate.
    That saves most of a keyed send's cost (``evolve`` runs the whole ``__init__`` again).
    """
    cls = type(value)
    copy = object.__new__(cls)
    setattr_ = object.__setattr__  # the classes are frozen
    for field in cls.__attrs_attrs__:  # type: ignore[attr-defined]
        key = field.name
        setattr_(copy, key, new if key == name else getattr(value, key))
    return copy

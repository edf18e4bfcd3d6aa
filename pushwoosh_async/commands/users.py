"""User-centric methods whose requests Pushwoosh's current pages do not give.

``getUsersDetails`` is named on an older revision of the User Centric API page; ``unregisterUser``
only in client checklists. Both requests are modelled by analogy with their documented neighbours
and each takes ``extra`` for keys it does not model.
"""

from __future__ import annotations

import attrs

from pushwoosh_async._converter import wire
from pushwoosh_async.commands._base import Ack, OpenCommand, TokenKind
from pushwoosh_async.commands.statistics import SCHEDULED, ScheduledRequest
from pushwoosh_async.errors import ValidationError

__all__ = ["GetUsersDetails", "UnregisterUser"]


@attrs.frozen(kw_only=True)
class UnregisterUser(OpenCommand[Ack]):
    """Detach a user id from a device: the reverse of ``registerUser``.

    The catalogue knows neither the token nor the fields. It is modelled like ``registerUser``:
    device token in the header, ``application``, ``hwid`` and ``userId``. Subclass it with
    ``token = TokenKind.SERVER`` if Pushwoosh wants the server token.

    Source: inferred, https://docs.pushwoosh.com/developer/api-reference/user-centric-api
    """

    path = "/json/1.3/unregisterUser"
    token = TokenKind.DEVICE

    hwid: str | None = None
    user_id: str | None = attrs.field(default=None, metadata=wire("userId"))
    application: str | None = None

    def __attrs_post_init__(self) -> None:
        if self.hwid is None and self.user_id is None:
            msg = "give hwid, user_id or both"
            raise ValidationError(msg)


@attrs.frozen(kw_only=True)
class GetUsersDetails(OpenCommand[ScheduledRequest]):
    """Schedule a report on users; poll ``GetResults`` with the returned ``request_id``.

    Inferred: the page revision names the method but the request's parameters and the
    asynchronous ``request_id`` reply are not shown, so pass parameters in ``extra``.

    Source: inferred, https://docs.pushwoosh.com/platform-docs/api-reference/user-centric-api
    """

    path = "/json/1.3/getUsersDetails"
    token = TokenKind.SERVER
    job = SCHEDULED

    application: str | None = None

"""User-centric methods Pushwoosh does not document (named in a third-party checklist only).

Both requests are modelled by analogy with their documented neighbours and are unconfirmed;
each takes ``extra`` for keys it does not model.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from pushwoosh_async._converter import wire
from pushwoosh_async.commands._base import Ack, Command, TokenKind
from pushwoosh_async.commands._fields import json_object
from pushwoosh_async.commands.statistics import ScheduledRequest
from pushwoosh_async.errors import ValidationError

__all__ = ["GetUsersDetails", "UnregisterUser"]


@attrs.frozen(kw_only=True)
class UnregisterUser(Command[Ack]):
    """Detach a user id from a device: the reverse of ``registerUser``.

    The catalogue knows neither the token nor the fields. It is modelled like ``registerUser``:
    device token in the header, ``application``, ``hwid`` and ``userId``. Subclass it with
    ``token = TokenKind.SERVER`` if Pushwoosh wants the server token.
    """

    path = "/json/1.3/unregisterUser"
    token = TokenKind.DEVICE
    result_type = Ack

    hwid: str | None = None
    user_id: str | None = attrs.field(default=None, metadata=wire("userId"))
    application: str | None = None
    extra: Mapping[str, Any] = attrs.field(factory=dict, converter=json_object)

    def __attrs_post_init__(self) -> None:
        if self.hwid is None and self.user_id is None:
            msg = "give hwid, user_id or both"
            raise ValidationError(msg)


@attrs.frozen(kw_only=True)
class GetUsersDetails(Command[ScheduledRequest]):
    """Schedule a report on users; poll ``GetResults`` with the returned ``request_id``.

    Only the name and the asynchronous reply are known (third-party checklist); the request's
    parameters are not, so pass them in ``extra``.
    """

    path = "/json/1.3/getUsersDetails"
    token = TokenKind.SERVER
    result_type = ScheduledRequest

    application: str | None = None
    extra: Mapping[str, Any] = attrs.field(factory=dict, converter=json_object)

"""A Django-style view sending a push from synchronous code, through one shared sync client.

The client is created once, when the module is imported, from ``PUSHWOOSH_API_TOKEN``,
``PUSHWOOSH_APPLICATION`` (and ``PUSHWOOSH_BASE_URL``, ``PUSHWOOSH_RATE_LIMIT_URL``), and every
request thread of the process shares it: one connection pool and one rate limiter, so a burst of
requests never exceeds the account's 600 ``createMessage`` per minute. It closes itself when the
process exits.

In a Django project the view is this function as it stands: ``request.POST`` is a ``QueryDict``
and you return ``JsonResponse(reply.body, status=reply.status)``; wire it in ``urls.py`` with
``path("orders/shipped", views.order_shipped)``. Nothing here imports Django, so the example runs
(and is tested, in tests/examples/test_django_view.py, against the fake) without it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from pushwoosh_async import CreateMessage, Notification
from pushwoosh_async.errors import APIError, PushwooshError, Throttled, ValidationError
from pushwoosh_async.sync import PushwooshClient

pw = PushwooshClient.from_env()
"""The process's one client, shared by every request thread."""


class Request(Protocol):
    """What the view reads of a request (a ``django.http.HttpRequest`` has both)."""

    method: str
    POST: Mapping[str, str]


@dataclass(frozen=True)
class Reply:
    """What the view answers: in Django, ``JsonResponse(reply.body, status=reply.status)``."""

    status: int
    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)


def order_shipped(request: Request) -> Reply:
    """``POST user_id=...``: tell the user their order shipped (202 with the message code)."""
    if request.method != "POST":
        return Reply(405, {"error": "use POST"}, {"Allow": "POST"})
    try:
        users = [request.POST.get("user_id", "")]
        note = Notification(content={"en": "Your order shipped", "de": "Versandt"}, users=users)
    except ValidationError as bad:  # refused before anything is sent: no user_id
        return Reply(400, {"error": str(bad)})
    try:
        # A request thread waits at most 2 s for the rate limiter and 10 s in all.
        result = pw(CreateMessage(notifications=[note]), deadline=10.0, max_wait=2.0)
    except Throttled as busy:  # the account's budget is spent for now: nothing was sent
        return Reply(503, {"error": "busy, try again"}, {"Retry-After": f"{busy.wait:.0f}"})
    except APIError as refused:  # Pushwoosh refused the call
        return Reply(502, {"error": refused.status_message or type(refused).__name__})
    except PushwooshError as failed:  # the network or a time limit: it may not have been sent
        return Reply(504, {"error": type(failed).__name__})
    return Reply(202, {"message_code": result.message_codes[0]})

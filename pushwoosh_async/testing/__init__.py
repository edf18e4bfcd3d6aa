"""Test against a fake Pushwoosh instead of production: a wrong test must never push to people.

::

    from pushwoosh_async.testing import FakePushwoosh

    fake = FakePushwoosh(api_token="T", device_token="D", applications=["ABCDE-12345"])
    async with PushwooshClient("T", application="ABCDE-12345", transport=fake.transport) as pw:
        await pw(CreateMessage(...))
    fake.calls_to("createMessage")      # what was sent
    fake.state.messages                 # what it created

Run it as a real HTTP server for any client:
``python -m pushwoosh_async.testing serve --port 8080 --api-token T --device-token D``.
"""

from __future__ import annotations

from pushwoosh_async.testing.fake import Answer, FakePushwoosh, RecordedCall
from pushwoosh_async.testing.faults import Fault, When

__all__ = ["Answer", "FakePushwoosh", "Fault", "RecordedCall", "When"]

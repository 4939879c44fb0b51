"""Verify TrackingMore v2 webhook deliveries (and sign them, for tests).

A delivery is a ``POST`` of ``{"meta": ..., "data": <tracking>, "verifyInfo": {"timeStr": <unix s>,
"signature": "<hex>"}}``. The signature is ``hex(HMAC-SHA256(key=account e-mail, msg=timeStr))``:
it signs the time only, so :func:`verify` also checks that ``timeStr`` is recent.

Verification fails closed: every refusal raises a subclass of :class:`WebhookVerificationError`
(itself a :class:`tm_py.TrackingMoreError`); answer 4xx to any of them.
"""

from __future__ import annotations

import datetime as _dt
import json
import time as _time
from dataclasses import dataclass
from typing import Any, Mapping, Optional, Sequence, Union

from tm_py._native import (
    FutureWebhookError,
    InvalidWebhookFieldError,
    MalformedWebhookError,
    MissingVerifyInfoError,
    MissingWebhookFieldError,
    NoWebhookKeyError,
    Simulator,
    StaleWebhookError,
    Tracking,
    WebhookEvent,
    WebhookSignatureError,
    WebhookVerificationError,
    simulator_drain_webhooks,
    simulator_webhook_queue,
    webhook_sign,
    webhook_signed_body,
    webhook_verify,
)

__all__ = [
    "DEFAULT_TOLERANCE",
    "FutureWebhookError",
    "InvalidWebhookFieldError",
    "MalformedWebhookError",
    "MissingVerifyInfoError",
    "MissingWebhookFieldError",
    "NoWebhookKeyError",
    "QueuedWebhook",
    "StaleWebhookError",
    "WebhookEvent",
    "WebhookSignatureError",
    "WebhookVerificationError",
    "drain_queue",
    "enable_queue",
    "sign",
    "signed_body",
    "verify",
]

DEFAULT_TOLERANCE = 300
"""Seconds ``timeStr`` may be away from now, either way (CONTRACT §5)."""

Now = Union[int, float, _dt.datetime, None]


def _unix_seconds(now: Now) -> int:
    if now is None:
        return int(_time.time())
    if isinstance(now, _dt.datetime):
        if now.tzinfo is None:
            raise TypeError("now: a naive datetime is ambiguous; pass an aware one (e.g. UTC)")
        return int(now.timestamp())
    if isinstance(now, bool) or not isinstance(now, (int, float)):
        raise TypeError(f"now: expected Unix seconds or an aware datetime, got {type(now).__name__}")
    return int(now)


def verify(
    body: Union[bytes, bytearray, memoryview],
    email: Union[str, Sequence[str]],
    *,
    tolerance: Optional[int] = DEFAULT_TOLERANCE,
    now: Now = None,
) -> WebhookEvent:
    """Verify a delivery and return it as a typed :class:`WebhookEvent`.

    ``body`` is the raw request body, exactly as received (do not re-serialize parsed JSON).
    ``email`` is the account e-mail as getuserinfo reports it, or several candidates during an
    e-mail change. ``tolerance`` is how many seconds ``timeStr`` may be from ``now`` (default
    300); ``None`` skips only the time check (the signature is always checked). ``now`` defaults
    to the current time; pass Unix seconds or an aware datetime (e.g. a simulator's clock).

    Raises a :class:`WebhookVerificationError` subclass naming the cause.
    """
    if not isinstance(body, (bytes, bytearray, memoryview)):
        raise TypeError(f"body: expected the raw bytes of the request, got {type(body).__name__}")
    raw = bytes(body)
    keys = [email] if isinstance(email, str) else list(email)
    if not all(isinstance(k, str) for k in keys):
        raise TypeError("email: expected a string or a sequence of strings")
    if tolerance is not None and (isinstance(tolerance, bool) or not isinstance(tolerance, int) or tolerance < 0):
        raise ValueError("tolerance: expected a non-negative number of seconds, or None to skip the time check")
    return webhook_verify(raw, keys, _unix_seconds(now), tolerance)


def sign(email: str, time_str: int) -> str:
    """The v2 signature of ``time_str`` under ``email``: 64 lowercase hex characters."""
    return webhook_sign(email, time_str)


def signed_body(tracking: Union[Tracking, Mapping[str, Any]], email: str, time_str: int) -> bytes:
    """A complete signed delivery body around ``tracking`` (a :class:`tm_py.Tracking` or its
    dict), as TrackingMore sends it. For tests of your receiver."""
    data = tracking.to_dict() if isinstance(tracking, Tracking) else dict(tracking)
    return webhook_signed_body(json.dumps(data), email, time_str)


@dataclass(frozen=True)
class QueuedWebhook:
    """An event from a simulator's in-process queue: the body as it would be POSTed, signed
    with the poll moment (``time``) and the account e-mail (``email``)."""

    event_id: int
    email: str
    carrier_code: str
    tracking_number: str
    time: int
    body: bytes

    def verify(self) -> WebhookEvent:
        """Verifies the body as a receiver would at the moment it was sent."""
        return verify(self.body, self.email, now=self.time)


def enable_queue(sim: Simulator, on: bool = True) -> None:
    """Turns ``sim``'s in-process webhook queue on (or off): every event of every account is
    kept, without any socket, until :func:`drain_queue` takes it."""
    simulator_webhook_queue(sim, on)


def drain_queue(sim: Simulator) -> list[QueuedWebhook]:
    """Takes the queued events of ``sim``, oldest first."""
    return [QueuedWebhook(*item) for item in simulator_drain_webhooks(sim)]

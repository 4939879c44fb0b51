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
from typing import Any, Mapping, Optional, Sequence, Union

from tm_py._native import (
    FutureWebhookError,
    InvalidWebhookFieldError,
    MalformedWebhookError,
    MissingVerifyInfoError,
    MissingWebhookFieldError,
    NoWebhookKeyError,
    StaleWebhookError,
    Tracking,
    WebhookEvent,
    WebhookSignatureError,
    WebhookVerificationError,
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
    "StaleWebhookError",
    "WebhookEvent",
    "WebhookSignatureError",
    "WebhookVerificationError",
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

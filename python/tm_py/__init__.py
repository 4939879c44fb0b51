"""tm_py: the TrackingMore v2 API on a Rust core.

``Client`` (blocking) and ``AsyncClient`` (asyncio) share one Rust core and one
tokio runtime; ``Client.mock()`` and ``MockServer`` run the built-in simulator.

Fork safety: the runtime and each client's connection pool belong to the
process that made them. After ``os.fork()`` (gunicorn ``--preload``,
multiprocessing's fork start method, Celery prefork) the first call in the
child builds a fresh runtime and a fresh pool, so clients made before the fork
keep working in the child, and new ones work too.

Logging: records go to ``logging.getLogger("tm_py")`` (requests at DEBUG,
retries at INFO); ``TM_LOG=debug`` (or info, warning, error) in the
environment sets that level and adds a stderr handler. No record carries the
API key.
"""

import logging as _logging
import os as _os

from tm_py._native import (
    AirCargo,
    AirCargoEvent,
    AlreadyExistsError,
    APIError,
    AsyncClient,
    AsyncPageIterator,
    AsyncTrackingIterator,
    AuthenticationError,
    BatchItem,
    Carrier,
    CarrierInfo,
    Checkpoint,
    Client,
    CreatedTracking,
    DetectedCarrier,
    InvalidRequestError,
    ItemError,
    MockServer,
    NotFoundError,
    Page,
    PageIterator,
    QuotaExceededError,
    RateLimitError,
    RawResponse,
    RemoteArea,
    RemoteOther,
    RemoteResult,
    ServerError,
    Simulator,
    Status,
    StatusCounts,
    TimeoutError,
    Tracking,
    TrackingIterator,
    TrackingKey,
    TrackingMoreError,
    TransitTime,
    TransportError,
    UserInfo,
    ValidationError,
    __version__,
)

__all__ = [
    "AirCargo",
    "AirCargoEvent",
    "AlreadyExistsError",
    "APIError",
    "AsyncClient",
    "AsyncPageIterator",
    "AsyncTrackingIterator",
    "AuthenticationError",
    "BatchItem",
    "Carrier",
    "CarrierInfo",
    "Checkpoint",
    "Client",
    "CreatedTracking",
    "DetectedCarrier",
    "InvalidRequestError",
    "ItemError",
    "MockServer",
    "NotFoundError",
    "Page",
    "PageIterator",
    "QuotaExceededError",
    "RateLimitError",
    "RawResponse",
    "RemoteArea",
    "RemoteOther",
    "RemoteResult",
    "ServerError",
    "Simulator",
    "Status",
    "StatusCounts",
    "TimeoutError",
    "Tracking",
    "TrackingIterator",
    "TrackingKey",
    "TrackingMoreError",
    "TransitTime",
    "TransportError",
    "UserInfo",
    "ValidationError",
    "__version__",
]


def _configure_logging_from_env() -> None:
    """Applies ``TM_LOG`` (debug, info, warning, error) to the ``tm_py`` logger."""
    level = _os.environ.get("TM_LOG", "").strip().upper()
    if not level:
        return
    if level not in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"):
        return
    logger = _logging.getLogger("tm_py")
    logger.setLevel(level)
    if not logger.handlers:
        handler = _logging.StreamHandler()
        handler.setFormatter(_logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
        logger.addHandler(handler)


_configure_logging_from_env()

from tm_py import webhooks as webhooks  # noqa: E402  (tm_py.webhooks after `import tm_py`)

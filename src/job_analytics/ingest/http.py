"""The HTTP client every source's requests go through: ``RetryTransport`` (a per-source rate limit, then retries
with jittered exponential backoff on 429, 5xx, timeouts and connection errors, honouring ``Retry-After``), the
User-Agent, and URLs with their secrets redacted for logs and manifests."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import httpx
from tenacity import (
    RetryCallState,
    Retrying,
    retry_if_exception_type,
    retry_if_result,
    stop_after_attempt,
    wait_exponential_jitter,
)

from job_analytics import __version__

log = logging.getLogger(__name__)
# httpx logs every request URL at INFO; a URL may carry a key, so only its warnings are let through.
logging.getLogger("httpx").setLevel(logging.WARNING)

USER_AGENT = f"job-analytics/{__version__} (+https://github.com/job-analytics/job-analytics)"
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
RETRY_EXCEPTIONS = (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError)
_SECRET_PARAMS = frozenset(
    {"key", "api_key", "apikey", "token", "access_token", "secret", "client_secret", "sig"}
)


def redact_url(url: str | httpx.URL) -> str:
    """The URL without credentials: secret-looking query parameters and any user:password are dropped."""
    parts = urlsplit(str(url))
    query = [
        (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k.lower() not in _SECRET_PARAMS
    ]
    netloc = parts.netloc.rsplit("@", 1)[-1]
    return urlunsplit((parts.scheme, netloc, parts.path, urlencode(query), ""))


def retry_after_seconds(value: str | None) -> float | None:
    """``Retry-After`` as seconds from now: delta-seconds or an HTTP date; None when absent or unreadable."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        return max(0.0, (parsedate_to_datetime(value) - datetime.now(UTC)).total_seconds())
    except (TypeError, ValueError):
        return None


class RetryTransport(httpx.BaseTransport):
    """Wraps a transport with a rate limit and retries; counts requests and retries for the manifest."""

    def __init__(
        self,
        inner: httpx.BaseTransport,
        *,
        max_attempts: int = 5,
        backoff_seconds: float = 1.0,
        backoff_max_seconds: float = 60.0,
        requests_per_second: float = 0.0,
        sleep: Callable[[float], None] = time.sleep,
    ):
        self.inner = inner
        self.max_attempts = max(1, max_attempts)
        self.backoff_max = backoff_max_seconds
        self._backoff = wait_exponential_jitter(
            multiplier=backoff_seconds, max=backoff_max_seconds, jitter=backoff_seconds
        )
        self._interval = 1.0 / requests_per_second if requests_per_second > 0 else 0.0
        self._next_slot = 0.0
        self._lock = threading.Lock()
        self.sleep = sleep
        self.requests = 0
        self.retries = 0
        self.last_url: str | None = None
        self.last_content_type: str | None = None

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        retrying = Retrying(
            stop=stop_after_attempt(self.max_attempts),
            wait=self._wait,
            retry=retry_if_exception_type(RETRY_EXCEPTIONS) | retry_if_result(_retryable),
            before_sleep=self._before_sleep,
            retry_error_callback=lambda state: state.outcome.result(),  # last response, or re-raise
            sleep=self.sleep,
        )
        response = retrying(self._send, request)
        self.last_content_type = response.headers.get("content-type")
        return response

    def close(self) -> None:
        self.inner.close()

    def _send(self, request: httpx.Request) -> httpx.Response:
        self._throttle()
        self.requests += 1
        self.last_url = redact_url(request.url)
        return self.inner.handle_request(request)

    def _throttle(self) -> None:
        if not self._interval:
            return
        with self._lock:
            now = time.monotonic()
            wait = self._next_slot - now
            self._next_slot = max(now, self._next_slot) + self._interval
        if wait > 0:
            self.sleep(wait)

    def _wait(self, state: RetryCallState) -> float:
        outcome = state.outcome
        if outcome is not None and not outcome.failed:
            asked = retry_after_seconds(outcome.result().headers.get("retry-after"))
            if asked is not None:
                return min(asked, self.backoff_max)
        return self._backoff(state)

    def _before_sleep(self, state: RetryCallState) -> None:
        self.retries += 1
        if state.outcome is not None and not state.outcome.failed:
            state.outcome.result().close()  # the retried response is discarded unread


def _retryable(response: httpx.Response) -> bool:
    return response.status_code in RETRY_STATUSES


# -- one source -------------------------------------------------------------------------------------------------

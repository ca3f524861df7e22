"""One HTTP POST to a webhook, and what its result means for the alert.

The outcome table (research: Slack's documented error codes, Healthchecks' and Alertmanager's
handling): 2xx is delivered; 429 is retried after Retry-After, and pauses the webhook for every
dispatcher; 5xx, 408, timeouts and connection errors are retried with exponential backoff; 400
is a payload we cannot fix by retrying (dead); 401, 403, 404 and 410 (and 400 invalid_token)
mean the webhook is gone or refused: dead, and the channel is disabled and flagged.
"""

from __future__ import annotations

import email.utils
import http.client
import ssl
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

RETRY_STATUSES = {408, 425, 429, 500, 502, 503, 504}
CHANNEL_GONE = {401, 403, 404, 410}


@dataclass(frozen=True)
class HttpResult:
    """What the receiver answered."""

    status: int
    body: str
    retry_after: str | None


class DeliveryError(Exception):
    """No HTTP answer: could not connect, timed out, or the connection broke."""


def post(url: str, body: bytes, headers: dict[str, str], timeout: float) -> HttpResult:
    """POST ``body`` to ``url``; a connect and a read timeout of ``timeout`` seconds each."""
    parts = urlsplit(url)
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    if parts.scheme == "https":
        connection: http.client.HTTPConnection = http.client.HTTPSConnection(
            parts.hostname, parts.port, timeout=timeout, context=ssl.create_default_context()
        )
    else:
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        connection.request("POST", path, body=body, headers=headers)
        response = connection.getresponse()
        text = response.read(4096).decode("utf-8", "replace")
        return HttpResult(response.status, text, response.getheader("Retry-After"))
    except TimeoutError as exc:
        raise DeliveryError(f"timed out after {timeout:g} s") from exc
    except (OSError, http.client.HTTPException) as exc:
        raise DeliveryError(f"{type(exc).__name__}: {exc}") from exc
    finally:
        connection.close()


def retry_after_seconds(value: str | None, now: datetime) -> float | None:
    """Retry-After as delta-seconds or an HTTP-date (RFC 9110); None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, (when - now).total_seconds())


@dataclass(frozen=True)
class Verdict:
    """What to do with an alert after one delivery attempt."""

    outcome: str  # sent | retry | dead
    disable_channel: bool = False
    pause_seconds: float | None = None
    reason: str = ""


def judge(result: HttpResult, now: datetime) -> Verdict:
    """The outcome of an HTTP answer."""
    excerpt = result.body.strip()[:200]
    if 200 <= result.status < 300:
        return Verdict("sent")
    if result.status == 429:
        return Verdict(
            "retry", pause_seconds=retry_after_seconds(result.retry_after, now) or 60.0, reason=f"429 rate limited {excerpt}".strip()
        )
    if result.status in CHANNEL_GONE or (result.status == 400 and "invalid_token" in result.body):
        return Verdict("dead", disable_channel=True, reason=f"{result.status} {excerpt}".strip())
    if result.status in RETRY_STATUSES or result.status >= 500:
        return Verdict("retry", reason=f"{result.status} {excerpt}".strip())
    return Verdict(
        "dead", reason=f"{result.status} {excerpt} (the receiver refused the message; retrying the same message cannot help)".strip()
    )

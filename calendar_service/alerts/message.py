"""What an alert says, built as plain data (pure: no I/O), then shaped per channel kind.

A message says what is due, when (date, weekday, cutoff in ET), how many business days remain,
the matter, the rule and its evidence, and links to the deadline and its feed. It carries a
reference (``ref D12/T-2BD/g1``) so that a duplicate, should one ever be sent, is recognisable.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

LATE_AFTER_SECONDS = 15 * 60


@dataclass(frozen=True)
class Message:
    """A rendered alert, before it is shaped for Slack, Teams or a JSON webhook."""

    event: str  # deadline.reminder, deadline.due, deadline.overdue, deadline.moved, digest, channel.test
    headline: str
    facts: list[tuple[str, str]] = field(default_factory=list)
    links: dict[str, str] = field(default_factory=dict)
    ref: str = ""
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def text(self) -> str:
        """The plain-text form (Slack's fallback, mobile notifications, Teams' fallbackText)."""
        lines = [self.headline] + [f"{label}: {value}" for label, value in self.facts]
        lines += [f"{label}: {url}" for label, url in self.links.items()]
        if self.ref:
            lines.append(f"ref {self.ref}")
        return "\n".join(lines)


def cutoff_words(cutoff: datetime) -> str:
    """ "5:30 PM ET" for a New York cutoff, else the zone's abbreviation."""
    clock = cutoff.strftime("%I:%M %p").lstrip("0")
    zone = "ET" if str(cutoff.tzinfo) == "America/New_York" else cutoff.tzname() or str(cutoff.tzinfo)
    return f"{clock} {zone}"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' if n != 1 else ''}"


def deadline_message(
    alert: dict[str, Any],
    deadline: dict[str, Any],
    *,
    company: str,
    business_days_left: int,
    sent_at: datetime,
    zone: str,
    cutoff_zone: str,
    links: dict[str, str],
) -> Message:
    """The message of a reminder, due-day, overdue or moved alert.

    ``zone`` is where alert times are shown; ``cutoff_zone`` the zone of the deadline's cutoff.
    """
    due = date.fromisoformat(deadline["due_date"])
    cutoff = datetime.fromisoformat(deadline["cutoff"]).astimezone(ZoneInfo(cutoff_zone))
    code = alert["offset_code"]
    what = f"{company} - {deadline['title']}"
    when = f"{due:%a} {due.isoformat()} by {cutoff_words(cutoff)}"
    if code.startswith("T-"):
        event, headline = "deadline.reminder", f"Due in {_plural(business_days_left, 'business day')}: {what}"
    elif code == "DUE":
        event, headline = "deadline.due", f"Due today by {cutoff_words(cutoff)}: {what}"
    elif code.startswith("OVERDUE-"):
        late_days = -business_days_left
        event, headline = "deadline.overdue", f"OVERDUE by {_plural(late_days, 'business day')}: {what}"
    else:
        event = "deadline.moved"
        headline = f"Deadline moved to {due:%a} {due.isoformat()}: {what} (was {alert['context'].get('from')})"
    remaining = (
        ("Business days left", str(business_days_left)) if business_days_left >= 0 else ("Business days late", str(-business_days_left))
    )
    facts = [("Due", when), remaining, ("Matter", deadline.get("matter_name") or "")]
    facts.append(("Rule", f"{deadline['rule']} from {deadline['trigger_date']} ({deadline['calendar']})"))
    if deadline.get("citation"):
        facts.append(("Source", deadline["citation"]))
    if deadline.get("override"):
        facts.append(("Set by hand", deadline["override"]["reason"]))
    if deadline.get("notes"):
        facts.append(("Evidence", deadline["notes"][:500]))
    if deadline.get("assignee"):
        facts.append(("Assignee", deadline["assignee"]))
    late = _late_by(alert, sent_at)
    if late:
        local = alert["due_at"].astimezone(ZoneInfo(zone))
        headline += f" (late: this alert was due {local:%a %Y-%m-%d %H:%M} {local.tzname()})"
    return Message(
        event=event,
        headline=headline,
        facts=facts,
        links=links,
        ref=reference(alert),
        data={
            "deadline": {
                k: deadline[k] for k in ("id", "matter_id", "title", "kind", "due_date", "cutoff", "rule", "calendar", "status", "assignee")
            },
            "business_days_left": business_days_left,
            "late": bool(late),
            "context": alert["context"],
        },
    )


def digest_message(alert: dict[str, Any], items: list[dict[str, Any]], days: int, links: dict[str, str]) -> Message:
    """One message listing what is due in the next ``days`` business days."""
    headline = f"Due in the next {_plural(days, 'business day')}: {_plural(len(items), 'deadline')}"
    facts = [(f"{date.fromisoformat(i['due_date']):%a %Y-%m-%d}", f"{i['company']} - {i['title']} ({i['days_left']} left)") for i in items]
    return Message(event="digest", headline=headline, facts=facts, links=links, ref=reference(alert), data={"items": items})


def test_message(alert: dict[str, Any], channel_name: str) -> Message:
    """The message `channels test` sends through the real delivery path."""
    return Message(
        event="channel.test",
        headline=f"TEST from calendar_service: channel {channel_name!r} receives alerts",
        facts=[("What", "A test of this channel; no deadline is involved.")],
        ref=reference(alert),
    )


def _late_by(alert: dict[str, Any], sent_at: datetime) -> bool:
    return (sent_at - alert["due_at"]).total_seconds() > LATE_AFTER_SECONDS and alert["offset_code"] != "MOVED"


def reference(alert: dict[str, Any]) -> str:
    """A short, stable reference to the alert, shown in every message."""
    who = f"D{alert['deadline_id']}" if alert["deadline_id"] else f"C{alert['channel_id']}"
    return f"{who}/{alert['offset_code']}/g{alert['generation']}/a{alert['id']}"


# -- shaping per channel kind ------------------------------------------------------------------


def _slack_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack_payload(message: Message) -> dict[str, Any]:
    """Block Kit blocks, with the plain text as the top-level fallback Slack's mobile notifications use."""
    blocks: list[dict[str, Any]] = [{"type": "section", "text": {"type": "mrkdwn", "text": f"*{_slack_escape(message.headline)}*"[:3000]}}]
    if message.facts:
        fields = [
            {"type": "mrkdwn", "text": f"*{_slack_escape(label)}*\n{_slack_escape(value)}"[:2000]} for label, value in message.facts[:10]
        ]
        blocks.append({"type": "section", "fields": fields})
    context = [f"<{url}|{_slack_escape(label)}>" for label, url in message.links.items()]
    if message.ref:
        context.append(f"ref {message.ref}")
    if context:
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": " · ".join(context)[:3000]}]})
    return {"text": message.text[:40000], "blocks": blocks}


def teams_payload(message: Message) -> dict[str, Any]:
    """An Adaptive Card as Teams Workflows webhooks expect it."""
    card: dict[str, Any] = {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": "1.2",
        "body": [
            {"type": "TextBlock", "text": message.headline, "weight": "Bolder", "wrap": True},
            {"type": "FactSet", "facts": [{"title": label, "value": value} for label, value in message.facts]},
        ],
        "fallbackText": message.text,
    }
    if message.ref:
        card["body"].append({"type": "TextBlock", "text": f"ref {message.ref}", "isSubtle": True, "size": "Small", "wrap": True})
    if message.links:
        card["actions"] = [{"type": "Action.OpenUrl", "title": label, "url": url} for label, url in message.links.items()]
    return {
        "type": "message",
        "attachments": [{"contentType": "application/vnd.microsoft.card.adaptive", "contentUrl": None, "content": card}],
    }


def webhook_payload(message: Message, alert: dict[str, Any]) -> dict[str, Any]:
    """Our own documented JSON (see README: "The webhook payload")."""
    return {
        "type": message.event,
        "ref": message.ref,
        "alert": {
            "id": alert["id"],
            "offset": alert["offset_code"],
            "generation": alert["generation"],
            "due_at": alert["due_at"].isoformat(),
            "attempt": alert["attempts"],
        },
        "headline": message.headline,
        "text": message.text,
        "facts": [{"label": label, "value": value} for label, value in message.facts],
        "links": message.links,
        **message.data,
    }


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The X-Calendar-Service-Signature header: t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def encode(kind: str, message: Message, alert: dict[str, Any], signing_secret: str, now: datetime) -> tuple[bytes, dict[str, str]]:
    """The request body and headers for a channel of ``kind``."""
    if kind == "slack":
        payload = slack_payload(message)
    elif kind == "teams":
        payload = teams_payload(message)
    else:
        payload = webhook_payload(message, alert)
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    headers = {"Content-Type": "application/json; charset=utf-8", "User-Agent": "calendar_service alerts"}
    if kind == "webhook":
        headers["X-Calendar-Service-Signature"] = sign(signing_secret, int(now.timestamp()), body)
        headers["Idempotency-Key"] = message.ref
    return body, headers

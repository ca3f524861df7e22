"""Companies and their filing calendars: profiles, a year of periodic deadlines generated into the
store, event-driven filings, and Form 12b-25 with the deadlines that hang off a report.

Generation is idempotent. Each generated deadline has a ``filing_key`` (the company, the form and
the period's end); generating the year again finds the deadline by that key. An open deadline
whose rule, trigger or title the current profile changes is updated (with history); a done one is
left alone; an open one the profile no longer calls for (a filer that became foreign, a fiscal
year end that moved) is withdrawn, with the reason.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ..calendars import get_calendar
from ..compliance.catalog import FILER_STATUSES
from ..compliance.periodic import Profile, parse_fiscal_year_end, plan_year
from ..config import Settings
from ..errors import CalendarServiceError, ConflictError, InputError, NotFoundError, ValidationError
from ..store import Store
from ..store import records as db
from . import deadlines as deadline_service
from . import matters as matter_service
from .compute import check_year
from .fields import Field, check
from .filings import catalog_for, filing_due

COMPANY_FIELDS = {
    "name": Field("text", required=True, max_length=300, allow_empty=False),
    "cik": Field("text", max_length=10),
    "fiscal_year_end": Field("text", required=True, max_length=10, allow_empty=False),
    "filer_status": Field("choice", required=True, choices=FILER_STATUSES),
    "foreign_private_issuer": Field("boolean"),
}
GENERATE_FIELDS = {"year": Field("integer", required=True, minimum=1900, maximum=2200)}
FILING_FIELDS = {
    "matter_id": Field("id", required=True),
    "filing_rule": Field("text", required=True, max_length=80, allow_empty=False),
    "trigger_date": Field("date", required=True),
    "item": Field("text", max_length=200),
    "title": Field("text", max_length=500, allow_empty=False),
    "assignee": Field("text", max_length=200),
    "notes": Field("text", max_length=20_000),
}
ACTIVE = deadline_service.ACTIVE


def present_company(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": row["id"],
        "name": row["name"],
        "cik": row["cik"],
        "fiscal_year_end": row["fiscal_year_end"],
        "filer_status": row["filer_status"],
        "foreign_private_issuer": bool(row["foreign_private_issuer"]),
        "matter_id": row["matter_id"],
        "created_at": row["created_at"].isoformat(),
        "updated_at": row["updated_at"].isoformat(),
    }


def _clean_profile(values: dict[str, Any]) -> dict[str, Any]:
    if "fiscal_year_end" in values:
        try:
            month, day = parse_fiscal_year_end(values["fiscal_year_end"])
        except InputError as exc:
            raise ValidationError([("fiscal_year_end", str(exc))]) from None
        values["fiscal_year_end"] = f"{month:02d}-{day:02d}"
    if "cik" in values:
        cik = values["cik"].strip()
        if cik and not (cik.isdigit() and len(cik) <= 10):
            raise ValidationError([("cik", f"{cik!r} is not a CIK; it is up to 10 digits, as on EDGAR (e.g. 855654)")])
        values["cik"] = cik.zfill(10) if cik else ""
    return values


def create_company(store: Store, payload: Any, *, actor: str, now: datetime) -> dict[str, Any]:
    """Store a company profile and the matter its filing deadlines go in."""
    values = _clean_profile(check(payload, COMPANY_FIELDS, what="company"))
    values = {"cik": "", "foreign_private_issuer": False, **values}
    with store.write() as conn:
        if db.get_company(conn, name=values["name"]):
            raise ConflictError(f"there is already a company named {values['name']!r}")
        matter = matter_service.insert_matter(
            conn, {"name": f"{values['name']}: SEC filings", "company": values["name"], "tags": ["sec-filings"]}, actor=actor, now=now
        )
        company_id = db.insert_company(conn, {**values, "matter_id": matter["id"], "created_at": now, "updated_at": now})
        created = db.get_company(conn, company_id=company_id)
        db.record_history(
            conn, at=now, actor=actor, action="create", entity="company", entity_id=company_id, matter_id=matter["id"],
            changes={k: v for k, v in present_company(created).items() if k in COMPANY_FIELDS},
        )  # fmt: skip
        return present_company(created)


def _find(conn, company: str | int, *, for_update: bool = False) -> dict[str, Any]:
    if isinstance(company, int) or str(company).isdigit():
        row = db.get_company(conn, company_id=int(company), for_update=for_update)
    else:
        row = db.get_company(conn, name=str(company).strip(), for_update=for_update)
    if row is None:
        raise NotFoundError(f"there is no company {company!r}; `companies list` shows them")
    return row


def get_company(store: Store, company: str | int) -> dict[str, Any]:
    with store.read() as conn:
        return present_company(_find(conn, company))


def list_companies(store: Store) -> list[dict[str, Any]]:
    with store.read() as conn:
        return [present_company(row) for row in db.list_companies(conn)]


def update_company(store: Store, company: str | int, payload: Any, *, actor: str, now: datetime) -> dict[str, Any]:
    """Change a profile. Deadlines already generated change at the next ``generate``."""
    values = _clean_profile(check(payload, COMPANY_FIELDS, what="company", partial=True))
    with store.write() as conn:
        row = _find(conn, company, for_update=True)
        if "name" in values and values["name"].lower() != row["name"].lower() and db.get_company(conn, name=values["name"]):
            raise ConflictError(f"there is already a company named {values['name']!r}")
        before = present_company(row)
        changes = {k: {"from": before[k], "to": v} for k, v in values.items() if before[k] != v}
        if changes:
            db.update_company(conn, row["id"], {**values, "updated_at": now})
            if "name" in changes:
                # The company's matter carries its name, which feeds and channels select by.
                renamed = {"name": f"{values['name']}: SEC filings", "company": values["name"], "updated_at": now}
                db.update_matter(conn, row["matter_id"], renamed)
                db.record_history(
                    conn, at=now, actor=actor, action="update", entity="matter", entity_id=row["matter_id"], matter_id=row["matter_id"],
                    changes={"company": changes["name"]},
                )  # fmt: skip
            db.record_history(
                conn, at=now, actor=actor, action="update", entity="company", entity_id=row["id"], matter_id=row["matter_id"],
                changes=changes,
            )  # fmt: skip
        return present_company(db.get_company(conn, company_id=row["id"]))


def _profile(row: dict[str, Any]) -> Profile:
    return Profile(row["name"], parse_fiscal_year_end(row["fiscal_year_end"]), row["filer_status"], bool(row["foreign_private_issuer"]))


def _key_prefix(company_id: int) -> str:
    return f"company:{company_id}:"


def generate_year(store: Store, settings: Settings, company: str | int, payload: Any, *, actor: str, now: datetime) -> dict[str, Any]:
    """Bring the store in line with the company's periodic deadlines due in ``payload['year']``.

    Returns what was created, updated, withdrawn and left unchanged, each as deadlines."""
    year = check_year(check(payload, GENERATE_FIELDS, what="generation")["year"])
    created, updated, withdrawn, unchanged = [], [], [], []
    calendar_name = settings.engine.default_calendar
    with store.write() as conn:
        row = _find(conn, company, for_update=True)
        planned = plan_year(catalog_for(settings), get_calendar(calendar_name, settings), _profile(row), year)
        existing = db.deadlines_by_filing_key_prefix(conn, _key_prefix(row["id"]))
        wanted_keys = set()
        for plan in planned:
            key = f"{_key_prefix(row['id'])}{plan.rule.form}@{plan.period.end.isoformat()}"
            wanted_keys.add(key)
            values = {
                "title": f"{row['name']}: {plan.title}",
                "kind": "filing",
                "trigger_date": plan.period.end,
                "rule": str(plan.rule.rule),
                "filing_rule": plan.rule.id,
                "citation": plan.rule.citation,
            }
            current = existing.get(key)
            if current is None:
                values.update(matter_id=row["matter_id"], filing_key=key, notes=plan.rule.notes)
                created.append(deadline_service.insert_deadline(conn, settings, values, actor=actor, now=now))
                continue
            if current["status"] not in ACTIVE or all(current[k] == v for k, v in values.items()):
                unchanged.append(deadline_service.present_deadline(current, settings))
                continue
            merged = {**{k: current[k] for k in deadline_service.DEADLINE_FIELDS}, **values}
            values.update(deadline_service.computed_values(merged, settings))
            deadline_service.change(
                conn, settings, current, values, actor=actor, now=now, action="regenerate",
                reason=f"the profile of {row['name']} now gives {plan.rule.id}",
            )  # fmt: skip
            deadline_service.move_dependants(conn, settings, current["id"], actor=actor, now=now)
            updated.append(deadline_service.present_deadline(db.get_deadline(conn, current["id"]), settings))
        for key, current in existing.items():
            if key in wanted_keys or current["status"] not in ACTIVE or current["due_date"].year != year:
                continue
            deadline_service.change(
                conn, settings, current, {"status": "withdrawn"}, actor=actor, now=now, action="withdraw",
                reason=f"the profile of {row['name']} no longer calls for it",
            )  # fmt: skip
            withdrawn.append(deadline_service.present_deadline(db.get_deadline(conn, current["id"]), settings))
        return {
            "company": present_company(row),
            "year": year,
            "created": created,
            "updated": updated,
            "withdrawn": withdrawn,
            "unchanged": unchanged,
        }


def create_filing(store: Store, settings: Settings, payload: Any, *, actor: str, now: datetime) -> dict[str, Any]:
    """A deadline from an event-driven rule: "8-K, Item 1.01" and the event date give the due date."""
    values = check(payload, FILING_FIELDS, what="filing deadline")
    try:
        rule = catalog_for(settings).version(values["filing_rule"], values["trigger_date"])
    except CalendarServiceError as exc:
        raise ValidationError([("filing_rule", str(exc))]) from None
    try:
        due = filing_due(rule.id, values["trigger_date"], settings, item=values.get("item"))
    except CalendarServiceError as exc:
        raise ValidationError([("item" if values.get("item") else "trigger_date", str(exc))]) from None
    deadline = {
        "matter_id": values["matter_id"],
        "title": values.get("title") or due["title"],
        "kind": "filing",
        "trigger_date": values["trigger_date"],
        "rule": str(rule.rule),
        "filing_rule": rule.id,
        "citation": rule.citation,
        "assignee": values.get("assignee", ""),
        "notes": values.get("notes") or rule.notes,
    }
    with store.write() as conn:
        return deadline_service.insert_deadline(conn, settings, deadline, actor=actor, now=now)


def file_12b25(store: Store, settings: Settings, deadline_id: int, *, actor: str, now: datetime) -> dict[str, Any]:
    """Record a Form 12b-25 for a periodic report: the report moves to its extended due date and
    the notice itself (due one business day after the prescribed date) becomes a deadline that
    depends on the report."""
    catalog = catalog_for(settings)
    with store.write() as conn:
        report = deadline_service.locked(conn, deadline_id)
        if not report["filing_rule"]:
            raise ConflictError(f"deadline {deadline_id} was not made from a filing rule; Form 12b-25 applies to 10-K, 10-Q, 20-F and 11-K")
        form = catalog.version(report["filing_rule"], report["trigger_date"]).form
        rules = {r.id: r for r in catalog.dependants(form)}
        extension = next((r for r in rules.values() if r.id.startswith("12b-25")), None)
        notice = rules.get("NT.notice")
        if extension is None or notice is None:
            raise ConflictError(f"deadline {deadline_id} is a {form}; Form 12b-25 applies only to 10-K, 10-Q, 20-F and 11-K")
        if report["status"] != "open":
            raise ConflictError(f"deadline {deadline_id} is {report['status']}; Form 12b-25 is filed for an open report, once")
        prescribed = report["computed_due_date"]
        extended = extension.compute(get_calendar(report["calendar"], settings), prescribed).due
        deadline_service.extend_in(
            conn, settings, deadline_id,
            {"due_date": extended, "reason": f"Form 12b-25 filed ({extension.citation})"},
            actor=actor, now=now,
        )  # fmt: skip
        notice_deadline = deadline_service.insert_deadline(
            conn,
            settings,
            {
                "matter_id": report["matter_id"],
                "title": f"Form 12b-25 notice for: {report['title']}",
                "kind": "filing",
                "trigger_date": prescribed,
                "rule": str(notice.rule),
                "calendar": report["calendar"],
                "filing_rule": notice.id,
                "citation": notice.citation,
                "depends_on_id": deadline_id,
                "assignee": report["assignee"],
            },
            actor=actor,
            now=now,
        )
        return {
            "report": deadline_service.present_deadline(db.get_deadline(conn, deadline_id), settings),
            "notice": notice_deadline,
        }

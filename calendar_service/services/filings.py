"""Use cases of the SEC rule catalog: list rules, compute a filing's due date, plan a company's year."""

from __future__ import annotations

import functools
from dataclasses import replace
from datetime import date
from typing import Any

from ..calendars import get_calendar
from ..compliance.catalog import Catalog, FilingRule, build_catalog, parse_rule_table
from ..compliance.periodic import Profile, parse_fiscal_year_end, plan_year
from ..config import Settings
from ..errors import CalendarServiceError, ConfigError, InputError
from .compute import check_year


@functools.lru_cache(maxsize=32)
def catalog_for(settings: Settings) -> Catalog:
    """The built-in rules with the [[compliance.rules]] of ``settings`` (cached: settings are
    immutable). A malformed configured rule is a ConfigError naming the file and the rule."""
    try:
        configured = [
            parse_rule_table(dict(table), f"compliance.rules[{i}]", source=settings.source)
            for i, table in enumerate(settings.compliance.rules)
        ]
        return build_catalog(configured)
    except CalendarServiceError as exc:
        raise ConfigError(f"{settings.source}: {exc}") from None


def list_rules(settings: Settings) -> list[dict[str, Any]]:
    """Every version of every rule, JSON-ready."""
    return [rule.to_dict() for rule in catalog_for(settings).all_versions()]


def rule_versions(rule_id: str, settings: Settings) -> list[dict[str, Any]]:
    """Every version of one rule (NotFoundError if there is none)."""
    return [rule.to_dict() for rule in catalog_for(settings).versions(rule_id)]


def _item(rule: FilingRule, item: str | None) -> str | None:
    """The item of ``rule`` that ``item`` names ("1.01" or its full text); None when not given."""
    if not item:
        return None
    if not rule.items:
        raise InputError(f"rule {rule.id} has no items; leave --item out")
    wanted = item.strip().lower()
    for text in rule.items:
        if text.lower() == wanted or text.split(" ", 1)[0] == wanted:
            return text
    raise InputError(f"{rule.id} has no item {item!r}; its items are {', '.join(t.split(' ', 1)[0] for t in rule.items)}")


def filing_due(rule_id: str, trigger: date, settings: Settings, *, calendar: str | None = None, item: str | None = None) -> dict[str, Any]:
    """The due date of a filing under ``rule_id`` for a trigger on ``trigger``, explained and cited."""
    rule = catalog_for(settings).version(rule_id, trigger)
    if rule.trigger == "deadline":
        trigger_words = f"the due date of the {' / '.join(rule.of)}"
    else:
        trigger_words = rule.event or rule.trigger.replace("_", " ")
    chosen = _item(rule, item)
    computation = rule.compute(get_calendar(calendar, settings), trigger)
    title = f"{rule.name}, Item {chosen}" if chosen else rule.name
    return {
        "rule_id": rule.id,
        "title": title,
        "offset": str(replace(rule.rule, cutoff=None)),
        "zone": rule.rule.cutoff.zone if rule.rule.cutoff else settings.engine.default_timezone,
        "item": chosen,
        "trigger": trigger_words,
        "citation": rule.citation,
        "notes": rule.notes,
        "in_force_from": rule.in_force_from.isoformat() if rule.in_force_from else None,
        "in_force_to": rule.in_force_to.isoformat() if rule.in_force_to else None,
        **computation.to_dict(),
    }


def plan(
    *, name: str, fiscal_year_end: str, filer_status: str, foreign: bool, year: int, settings: Settings, calendar: str | None = None
) -> list[dict[str, Any]]:
    """The periodic deadlines a company of this profile has due in calendar year ``year``."""
    profile = Profile(name, parse_fiscal_year_end(fiscal_year_end), filer_status, foreign)
    return [p.to_dict() for p in plan_year(catalog_for(settings), get_calendar(calendar, settings), profile, check_year(year))]

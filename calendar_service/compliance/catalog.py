"""SEC filing rules as data: the catalog shipped in ``sec_rules.toml``, plus rules from config.

A ``FilingRule`` is one version of a rule: what starts the count (its trigger), the count (a
``rules.Rule``), the cutoff, who it applies to, the trigger dates it is in force for, and its
citation. A rule id may have several versions (Schedule 13D: 10 calendar days for crossings up
to 2024-02-04, 5 business days from 2024-02-05); ``Catalog.version`` picks the one in force on
the trigger date. This module reads and checks data; it knows nothing of companies or stores.
"""

from __future__ import annotations

import itertools
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, time
from pathlib import Path

from ..errors import CalendarServiceError, NotFoundError
from ..rules import Computation, Cutoff, Rule, compute, parse_rule

BUILTIN_PATH = Path(__file__).with_name("sec_rules.toml")
EASTERN = "America/New_York"

TRIGGERS = ("event", "fiscal_year_end", "fiscal_quarter_end", "calendar_quarter_end", "month_end", "deadline")
FILER_STATUSES = ("large-accelerated", "accelerated", "non-accelerated", "smaller-reporting")
ISSUERS = ("domestic", "foreign", "any")
_KEYS = {
    "id", "name", "form", "trigger", "event", "of", "offset", "cutoff", "filers", "issuers", "periodic",
    "in_force_from", "in_force_to", "citation", "notes", "items",
}  # fmt: skip
_REQUIRED = ("id", "name", "trigger", "offset", "citation")


class FilingRuleError(CalendarServiceError, ValueError):
    """A filing rule in the catalog or config is malformed, or not in force on a date."""


@dataclass(frozen=True)
class FilingRule:
    """One version of a filing rule."""

    id: str
    name: str
    form: str
    trigger: str
    rule: Rule
    citation: str
    event: str = ""
    of: tuple[str, ...] = ()
    filers: tuple[str, ...] = ()
    issuers: str = "any"
    periodic: bool = False
    in_force_from: date | None = None
    in_force_to: date | None = None
    notes: str = ""
    items: tuple[str, ...] = ()
    source: str = "built-in"

    def in_force(self, on: date) -> bool:
        """Whether this version covers a trigger on ``on``."""
        return (self.in_force_from is None or on >= self.in_force_from) and (self.in_force_to is None or on <= self.in_force_to)

    def applies_to(self, filer_status: str, foreign: bool) -> bool:
        """Whether a company of this status (and domestic or foreign) files under this rule."""
        if self.filers and filer_status not in self.filers:
            return False
        return self.issuers == "any" or self.issuers == ("foreign" if foreign else "domestic")

    def compute(self, calendar, trigger_date: date) -> Computation:
        """The due date for a trigger on ``trigger_date``, explained, ending at the rule's cutoff."""
        # The rule's own cutoff always carries a zone, so the defaults below never apply.
        return compute(self.rule, calendar, trigger_date, default_cutoff=time(17, 30), default_zone=EASTERN)

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready description."""
        return {
            "id": self.id,
            "name": self.name,
            "form": self.form,
            "trigger": self.trigger,
            "event": self.event,
            "of": list(self.of),
            "offset": str(replace(self.rule, cutoff=None)),
            "cutoff": f"{self.rule.cutoff.at:%H:%M} {self.rule.cutoff.zone}" if self.rule.cutoff else "",
            "filers": list(self.filers),
            "issuers": self.issuers,
            "periodic": self.periodic,
            "in_force_from": self.in_force_from.isoformat() if self.in_force_from else None,
            "in_force_to": self.in_force_to.isoformat() if self.in_force_to else None,
            "citation": self.citation,
            "notes": self.notes,
            "items": list(self.items),
            "source": self.source,
        }


class Catalog:
    """Every filing rule, by id, each id with its versions in date order."""

    def __init__(self, rules: Iterable[FilingRule]) -> None:
        by_id: dict[str, list[FilingRule]] = {}
        for rule in rules:
            by_id.setdefault(rule.id, []).append(rule)
        for rule_id, versions in by_id.items():
            versions.sort(key=lambda r: r.in_force_from or date.min)
            for earlier, later in itertools.pairwise(versions):
                if earlier.in_force_to is None or later.in_force_from is None or earlier.in_force_to >= later.in_force_from:
                    raise FilingRuleError(
                        f"rule {rule_id!r} has versions whose dates overlap; give each version in_force_from / in_force_to "
                        "so that every trigger date falls in one version"
                    )
        self._by_id = by_id
        self._by_lower = {rule_id.lower(): rule_id for rule_id in by_id}

    def ids(self) -> list[str]:
        """Every rule id, in catalog order."""
        return list(self._by_id)

    def versions(self, rule_id: str) -> list[FilingRule]:
        """Every version of ``rule_id`` (case-insensitive); FilingRuleError names the ids if unknown."""
        key = self._by_lower.get(rule_id.strip().lower())
        if key is None:
            raise NotFoundError(f"no filing rule {rule_id!r}; `rules list` shows them all (e.g. 8-K, 10-K.laf, 13D)")
        return list(self._by_id[key])

    def version(self, rule_id: str, trigger_date: date) -> FilingRule:
        """The version of ``rule_id`` in force for a trigger on ``trigger_date``."""
        versions = self.versions(rule_id)
        for rule in versions:
            if rule.in_force(trigger_date):
                return rule
        spans = "; ".join(_span(r) for r in versions)
        raise FilingRuleError(f"rule {versions[0].id!r} was not in force on {trigger_date.isoformat()} (it covers {spans})")

    def all_versions(self) -> list[FilingRule]:
        """Every version of every rule."""
        return [rule for versions in self._by_id.values() for rule in versions]

    def periodic(self, filer_status: str, foreign: bool) -> list[FilingRule]:
        """The periodic rules (every version) a company of this kind files under."""
        return [r for r in self.all_versions() if r.periodic and r.applies_to(filer_status, foreign)]

    def dependants(self, form: str) -> list[FilingRule]:
        """The rules triggered by the due date of a ``form`` filing (Form 12b-25 and its notice)."""
        return [r for r in self.all_versions() if r.trigger == "deadline" and form in r.of]


def _span(rule: FilingRule) -> str:
    start = rule.in_force_from.isoformat() if rule.in_force_from else "the beginning"
    end = rule.in_force_to.isoformat() if rule.in_force_to else "today"
    return f"{start} to {end}"


def parse_rule_table(table: Mapping[str, object], where: str, source: str = "built-in") -> FilingRule:
    """Check one ``[[rule]]`` table and build its ``FilingRule``; FilingRuleError says what is wrong."""
    if not isinstance(table, Mapping):
        raise FilingRuleError(f"{where} must be a table with keys such as id, name, trigger, offset and citation")
    unknown = sorted(set(table) - _KEYS)
    if unknown:
        raise FilingRuleError(f"{where} has unknown key {unknown[0]!r}; the keys are {', '.join(sorted(_KEYS))}")
    for key in _REQUIRED:
        if not isinstance(table.get(key), str) or not str(table[key]).strip():
            raise FilingRuleError(f"{where} needs {key} as text, e.g. {_EXAMPLE[key]}")
    rule_id = str(table["id"]).strip()
    trigger = str(table["trigger"])
    if trigger not in TRIGGERS:
        raise FilingRuleError(f"{where} ({rule_id}): trigger {trigger!r} is not one of {', '.join(TRIGGERS)}")
    try:
        rule = parse_rule(str(table["offset"]))
    except CalendarServiceError as exc:
        raise FilingRuleError(f"{where} ({rule_id}): offset: {exc}") from None
    if rule.cutoff is not None:
        raise FilingRuleError(f'{where} ({rule_id}): give the time of day as cutoff = "22:00", not in the offset')
    cutoff_text = table.get("cutoff", "17:30")
    try:
        hour, minute = (int(part) for part in str(cutoff_text).split(":"))
        at = time(hour, minute)
    except ValueError:
        raise FilingRuleError(f'{where} ({rule_id}): cutoff {cutoff_text!r} is not a time such as "17:30" or "22:00"') from None
    rule = replace(rule, cutoff=Cutoff(at, EASTERN))
    filers = _strings(table.get("filers", []), f"{where} ({rule_id}).filers")
    bad = [f for f in filers if f not in FILER_STATUSES]
    if bad:
        raise FilingRuleError(f"{where} ({rule_id}): filer status {bad[0]!r} is not one of {', '.join(FILER_STATUSES)}")
    issuers = table.get("issuers", "any")
    if issuers not in ISSUERS:
        raise FilingRuleError(f"{where} ({rule_id}): issuers {issuers!r} is not one of {', '.join(ISSUERS)}")
    of = _strings(table.get("of", []), f"{where} ({rule_id}).of")
    if (trigger == "deadline") != bool(of):
        raise FilingRuleError(
            f"{where} ({rule_id}): a rule triggered by another deadline names its forms in of = [...], and only such a rule"
        )
    periodic = table.get("periodic", False)
    if not isinstance(periodic, bool):
        raise FilingRuleError(f"{where} ({rule_id}): periodic must be true or false")
    if periodic and trigger not in ("fiscal_year_end", "fiscal_quarter_end"):
        raise FilingRuleError(f"{where} ({rule_id}): only rules triggered by a fiscal year or quarter end can be periodic")
    dates = {}
    for key in ("in_force_from", "in_force_to"):
        value = table.get(key)
        if value is not None and (not isinstance(value, date) or hasattr(value, "hour")):
            raise FilingRuleError(f"{where} ({rule_id}): {key} must be a TOML date such as 2024-02-05 (no quotes)")
        dates[key] = value
    if dates["in_force_from"] and dates["in_force_to"] and dates["in_force_to"] < dates["in_force_from"]:
        raise FilingRuleError(f"{where} ({rule_id}): in_force_to is before in_force_from")
    return FilingRule(
        id=rule_id,
        name=str(table["name"]).strip(),
        form=str(table.get("form", rule_id)).strip(),
        trigger=trigger,
        rule=rule,
        citation=str(table["citation"]).strip(),
        event=str(table.get("event", "")),
        of=of,
        filers=filers,
        issuers=str(issuers),
        periodic=periodic,
        in_force_from=dates["in_force_from"],
        in_force_to=dates["in_force_to"],
        notes=str(table.get("notes", "")),
        items=_strings(table.get("items", []), f"{where} ({rule_id}).items"),
        source=source,
    )


_EXAMPLE = {
    "id": 'id = "state-annual-report"',
    "name": 'name = "State annual report"',
    "trigger": 'trigger = "fiscal_year_end"',
    "offset": 'offset = "30 calendar days"',
    "citation": 'citation = "the statute that requires it"',
}


def _strings(value: object, where: str) -> tuple[str, ...]:
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise FilingRuleError(f"{where} must be a list of strings")
    return tuple(value)


def load_builtin() -> list[FilingRule]:
    """The rules shipped with calendar_service."""
    data = tomllib.loads(BUILTIN_PATH.read_text(encoding="utf-8"))
    return [parse_rule_table(table, f"{BUILTIN_PATH.name} rule {i + 1}") for i, table in enumerate(data["rule"])]


def build_catalog(configured: Iterable[FilingRule] = ()) -> Catalog:
    """The built-in rules with the configured ones added; a configured id replaces the built-in one."""
    configured = list(configured)
    replaced = {rule.id.lower() for rule in configured}
    return Catalog([r for r in load_builtin() if r.id.lower() not in replaced] + configured)

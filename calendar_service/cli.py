"""The command line: ``python -m calendar_service COMMAND ...``.

Each command parses its arguments, calls one function in ``services`` and prints. Errors in the
input (a date that does not exist, an unknown calendar, a rule it cannot read, a bad config
file) are translated here, in ``main``, into one line on stderr and exit status 2.
"""

from __future__ import annotations

import contextlib
import getpass
import json
import os
import sys
from datetime import UTC, datetime
from pathlib import Path

import click

from . import __version__
from .compliance.catalog import FILER_STATUSES
from .config import CONFIG_ENV_VAR, Settings, find_config, instance_secret, load_settings
from .errors import CalendarServiceError
from .services import channels as channel_service
from .services import companies as company_service
from .services import compute as services
from .services import deadlines as deadline_service
from .services import feeds as feed_service
from .services import filings as filing_service
from .services import letters as letter_service
from .services import tokens as token_service
from .services import users as user_service
from .store import Store, open_store

PROG = "calendar_service"

CALENDAR_HELP = (
    "Calendar to count on: us-federal (default, set in config.toml), us-federal-statutory, nyse, "
    "a country spec such as GB-ENG or US-DC, financial:ECB, or one defined in config.toml."
)


def _settings(ctx: click.Context) -> Settings:
    obj = ctx.ensure_object(dict)
    if "settings" not in obj:
        settings = load_settings(find_config(obj.get("config_path"), os.environ, Path.cwd()), os.environ)
        filing_service.catalog_for(settings)  # a malformed [[compliance.rules]] table is reported now
        obj["settings"] = settings
    return obj["settings"]


def _store(ctx: click.Context) -> Store:
    """The store named by the settings, migrated; closed when the command ends."""
    store = open_store(_settings(ctx).store.url())
    ctx.call_on_close(store.close)
    return store


def _actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


def _print_moves(moves: list[dict]) -> None:
    for move in moves:
        if "error" in move:
            click.echo(f"  deadline {move['id']} ({move['title']}): not recomputed: {move['error']}")
        else:
            click.echo(f"  deadline {move['id']} ({move['title']}, {move['matter']}): {move['from']} -> {move['to']}")


def _emit_json(data: object) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--config",
    "config_path",
    metavar="PATH",
    help=f"config.toml to read (default: ${CONFIG_ENV_VAR}, else ./config.toml if present, else built-in defaults).",
)
@click.version_option(__version__, prog_name=PROG)
@click.pass_context
def cli(ctx: click.Context, config_path: str | None) -> None:
    """calendar_service: SEC and compliance deadlines, counted in business days and explained.

    \b
    Examples:
      python -m calendar_service due 2009-05-11 "10 business days"
      python -m calendar_service due 2025-01-08 "2 business days" --explain
      python -m calendar_service due 2024-12-31 "60 calendar days" --json
      python -m calendar_service holidays 2025
      python -m calendar_service business-days 2009-05-11 2009-05-26
      python -m calendar_service rules due 8-K 2025-12-24 --item 1.01
      python -m calendar_service calendar plan --fye 12-31 --status large-accelerated --year 2026
    """
    ctx.ensure_object(dict)["config_path"] = config_path


@cli.command()
@click.argument("start")
@click.argument("rule")
@click.option("--calendar", "-c", metavar="NAME", help=CALENDAR_HELP)
@click.option("--explain", is_flag=True, help="Print each day counted or skipped, and why.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON object (due, rule, calendar, cutoff, explanation).")
@click.pass_context
def due(ctx: click.Context, start: str, rule: str, calendar: str | None, explain: bool, as_json: bool) -> None:
    """Compute the due date of RULE counted from START (YYYY-MM-DD).

    \b
    RULE is written as people write it:
      "10 business days", "ten business days", "10BD", "60 calendar days",
      "4 months", "2 business days before", "60 calendar days, roll preceding",
      "2 business days 22:00 America/New_York" (a cutoff; the default is 17:30 ET).
    Day 1 of a business-day count is the first business day after START.
    Calendar days and months that land on a non-business day roll to the next business day.
    """
    settings = _settings(ctx)
    result = services.compute_deadline(services.parse_date(start, "START"), rule, calendar, settings)
    if as_json:
        _emit_json(result.to_dict())
        return
    click.echo(f"{result.due.isoformat()} ({result.due.strftime('%a')})")
    if explain:
        click.echo(f"rule: {result.rule}; calendar: {result.calendar.name}; cutoff {result.cutoff.isoformat()}")
        for step in result.steps:
            click.echo(f"  {step}")


@cli.command("holidays")
@click.argument("year", type=int)
@click.option("--calendar", "-c", metavar="NAME", help=CALENDAR_HELP)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON object.")
@click.pass_context
def holidays_command(ctx: click.Context, year: int, calendar: str | None, as_json: bool) -> None:
    """List the non-business days of YEAR (holidays and closures; weekends aside), with names."""
    result = services.days_off_in_year(year, calendar, _settings(ctx))
    if as_json:
        _emit_json(result.to_dict())
        return
    for day, off in result.days:
        suffix = "" if off.kind == "holiday" else f"  ({off.kind})"
        click.echo(f"{day.isoformat()} {day.strftime('%a')}  {off.name}{suffix}")


@cli.command("business-days")
@click.argument("start")
@click.argument("end")
@click.option("--calendar", "-c", metavar="NAME", help=CALENDAR_HELP)
@click.option("--explain", is_flag=True, help="Print each day counted or skipped, and why.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON object.")
@click.pass_context
def business_days(ctx: click.Context, start: str, end: str, calendar: str | None, explain: bool, as_json: bool) -> None:
    """Count the business days after START up to and including END (negative if END is earlier)."""
    first, last = services.parse_date(start, "START"), services.parse_date(end, "END")
    cal, count, steps = services.count_business_days(first, last, calendar, _settings(ctx))
    if as_json:
        _emit_json(
            {
                "start": first.isoformat(),
                "end": last.isoformat(),
                "calendar": cal.name,
                "business_days": count,
                "explanation": [step.to_dict() for step in steps],
            }
        )
        return
    click.echo(str(count))
    if explain:
        for step in steps:
            click.echo(f"  {step}")


@cli.group()
def rules() -> None:
    """The SEC filing rules calendar_service knows (built in, plus [[compliance.rules]] in config.toml)."""


@rules.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print every version of every rule as JSON.")
@click.pass_context
def rules_list(ctx: click.Context, as_json: bool) -> None:
    """List the filing rules: id, offset, trigger, and the dates each version covers."""
    listed = filing_service.list_rules(_settings(ctx))
    if as_json:
        _emit_json(listed)
        return
    for rule in listed:
        span = ""
        if rule["in_force_from"] or rule["in_force_to"]:
            span = f" [{rule['in_force_from'] or '...'} to {rule['in_force_to'] or 'now'}]"
        trigger = f"after the {'/'.join(rule['of'])} due date" if rule["of"] else f"after {rule['trigger'].replace('_', ' ')}"
        click.echo(f"{rule['id']:<18} {rule['offset']} {trigger}, by {rule['cutoff']}{span}  {rule['name']}")


@rules.command("show")
@click.argument("rule_id")
@click.option("--json", "as_json", is_flag=True, help="Print the rule's versions as JSON.")
@click.pass_context
def rules_show(ctx: click.Context, rule_id: str, as_json: bool) -> None:
    """Show RULE_ID's every version with its citation and notes."""
    versions = filing_service.rule_versions(rule_id, _settings(ctx))
    if as_json:
        _emit_json(versions)
        return
    for rule in versions:
        click.echo(f"{rule['id']}: {rule['name']}")
        click.echo(f"  {rule['offset']} after {rule['event'] or rule['trigger'].replace('_', ' ')}, ends {rule['cutoff']}")
        if rule["in_force_from"] or rule["in_force_to"]:
            click.echo(f"  in force for triggers from {rule['in_force_from'] or 'the beginning'} to {rule['in_force_to'] or 'now'}")
        if rule["filers"] or rule["issuers"] != "any":
            click.echo(f"  applies to: {', '.join(rule['filers']) or 'all filers'} ({rule['issuers']} issuers)")
        click.echo(f"  source: {rule['citation']}")
        if rule["notes"]:
            click.echo(f"  note: {rule['notes']}")
        if rule["items"]:
            click.echo(f"  items: {'; '.join(rule['items'])}")


@rules.command("due")
@click.argument("rule_id")
@click.argument("trigger")
@click.option("--item", metavar="N.NN", help="The item a rule with items reports, e.g. 1.01 for an 8-K.")
@click.option("--calendar", "-c", metavar="NAME", help=CALENDAR_HELP)
@click.option("--explain", is_flag=True, help="Print each day counted or skipped, and why.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON object with the due date, citation and explanation.")
@click.pass_context
def rules_due(ctx, rule_id: str, trigger: str, item: str | None, calendar: str | None, explain: bool, as_json: bool) -> None:
    """The due date of a RULE_ID filing whose trigger happened on TRIGGER (YYYY-MM-DD).

    \b
    Examples:
      python -m calendar_service rules due 8-K 2025-12-24 --item 1.01
      python -m calendar_service rules due 13D 2024-02-06 --explain
      python -m calendar_service rules due 10-K.laf 2024-12-31
    The version of the rule in force on TRIGGER applies (Schedule 13D: 10 calendar days
    before 2024-02-05, 5 business days from then).
    """
    result = filing_service.filing_due(rule_id, services.parse_date(trigger, "TRIGGER"), _settings(ctx), calendar=calendar, item=item)
    if as_json:
        _emit_json(result)
        return
    click.echo(f"{result['due']} ({result['weekday'][:3]}), by {result['cutoff'][11:16]} {result['zone']}")
    click.echo(f"  {result['title']}: {result['offset']} after {result['trigger']}")
    click.echo(f"  source: {result['citation']}")
    if result["notes"]:
        click.echo(f"  note: {result['notes']}")
    if explain:
        for step in result["explanation"]:
            click.echo(f"  {step['date']} {step['weekday']}  {step['action']:<10} {step['note']}")


@cli.group("calendar")
def calendar_group() -> None:
    """The compliance calendar: plan or generate a company's year of filings, add event-driven ones, record Form 12b-25."""


@calendar_group.command("plan")
@click.option("--name", default="the company", show_default=False, help="Company name shown in titles.")
@click.option("--fiscal-year-end", "--fye", "fye", default="12-31", show_default=True, metavar="MM-DD", help="Last day of the fiscal year.")
@click.option(
    "--status",
    type=click.Choice(list(FILER_STATUSES)),
    default="large-accelerated",
    show_default=True,
    help="SEC filer status.",
)
@click.option("--foreign", is_flag=True, help="A foreign private issuer (20-F instead of 10-K and 10-Q).")
@click.option("--year", type=int, required=True, help="Calendar year the deadlines fall due in.")
@click.option("--calendar", "-c", metavar="NAME", help=CALENDAR_HELP)
@click.option("--json", "as_json", is_flag=True, help="Print the deadlines as JSON, each with its explanation.")
@click.pass_context
def calendar_plan(ctx, name: str, fye: str, status: str, foreign: bool, year: int, calendar: str | None, as_json: bool) -> None:
    """List the periodic deadlines due in --year for a company profile, with their sources.

    \b
    Example: a calendar-year large accelerated filer's 2026:
      python -m calendar_service calendar plan --fye 12-31 --status large-accelerated --year 2026
    Nothing is stored.
    """
    planned = filing_service.plan(
        name=name, fiscal_year_end=fye, filer_status=status, foreign=foreign, year=year, settings=_settings(ctx), calendar=calendar
    )
    if as_json:
        _emit_json(planned)
        return
    for item in planned:
        click.echo(
            f"{item['due']} ({item['weekday'][:3]}) {item['cutoff'][11:16]}  {item['title']}  [{item['rule_id']}; {item['citation']}]"
        )


@calendar_group.command("generate")
@click.argument("company")
@click.option("--year", type=int, required=True, help="Calendar year the deadlines fall due in.")
@click.option("--json", "as_json", is_flag=True, help="Print what was created, updated, withdrawn and unchanged as JSON.")
@click.pass_context
def calendar_generate(ctx: click.Context, company: str, year: int, as_json: bool) -> None:
    """Write COMPANY's periodic deadlines due in --year to the store.

    \b
    Running it again creates nothing new; after a profile change (`companies change`) it updates
    the open deadlines the change moves and withdraws those the profile no longer calls for.
    """
    result = company_service.generate_year(_store(ctx), _settings(ctx), company, {"year": year}, actor=_actor(), now=datetime.now(UTC))
    if as_json:
        _emit_json(result)
        return
    name = result["company"]["name"]
    for label in ("created", "updated", "withdrawn"):
        for deadline in result[label]:
            click.echo(f"{label:<9} deadline {deadline['id']}: {deadline['due_date']}  {deadline['title']}  [{deadline['filing_rule']}]")
    counts = ", ".join(f"{len(result[k])} {k}" for k in ("created", "updated", "withdrawn", "unchanged"))
    click.echo(f"{name} {year}: {counts}")


@calendar_group.command("add")
@click.argument("rule_id")
@click.argument("trigger")
@click.option("--matter", "matter_id", type=int, required=True, help="The matter the deadline belongs to.")
@click.option("--item", metavar="N.NN", help="The item a rule with items reports, e.g. 1.01 for an 8-K.")
@click.option("--title", help="Title (default: the rule's name and item).")
@click.option("--assignee", default="", help="Who is responsible.")
@click.option("--json", "as_json", is_flag=True, help="Print the new deadline as JSON.")
@click.pass_context
def calendar_add(
    ctx, rule_id: str, trigger: str, matter_id: int, item: str | None, title: str | None, assignee: str, as_json: bool
) -> None:
    """Store a deadline from filing rule RULE_ID and the date its trigger happened (TRIGGER).

    Example: python -m calendar_service calendar add 8-K 2025-12-24 --item 1.01 --matter 3
    """
    payload = {"matter_id": matter_id, "filing_rule": rule_id, "trigger_date": trigger, "assignee": assignee}
    if item:
        payload["item"] = item
    if title:
        payload["title"] = title
    deadline = company_service.create_filing(_store(ctx), _settings(ctx), payload, actor=_actor(), now=datetime.now(UTC))
    if as_json:
        _emit_json(deadline)
        return
    click.echo(f"deadline {deadline['id']}: {deadline['due_date']} by {deadline['cutoff'][11:16]}  {deadline['title']}")
    click.echo(f"  source: {deadline['citation']}")


@calendar_group.command("file-12b25")
@click.argument("deadline_id", type=int)
@click.option("--json", "as_json", is_flag=True, help="Print the extended report and the notice deadline as JSON.")
@click.pass_context
def calendar_file_12b25(ctx: click.Context, deadline_id: int, as_json: bool) -> None:
    """Record a Form 12b-25 for report DEADLINE_ID: the report moves to its extended date and the
    notice (one business day after the prescribed date) becomes a deadline that depends on it."""
    result = company_service.file_12b25(_store(ctx), _settings(ctx), deadline_id, actor=_actor(), now=datetime.now(UTC))
    if as_json:
        _emit_json(result)
        return
    report, notice = result["report"], result["notice"]
    click.echo(f"deadline {report['id']} extended to {report['due_date']}: {report['title']}")
    click.echo(f"deadline {notice['id']} created, due {notice['due_date']}: {notice['title']}")


@cli.group()
def companies() -> None:
    """Company profiles: fiscal year end and filer status, from which `calendar generate` works."""


def _show_company(company: dict, as_json: bool) -> None:
    if as_json:
        _emit_json(company)
        return
    kind = "foreign private issuer" if company["foreign_private_issuer"] else "domestic"
    cik = f", CIK {company['cik']}" if company["cik"] else ""
    click.echo(
        f"{company['id']}: {company['name']}{cik}; fiscal year ends {company['fiscal_year_end']}; "
        f"{company['filer_status']}, {kind}; deadlines in matter {company['matter_id']}"
    )


_STATUS_OPTION = click.option("--status", "filer_status", type=click.Choice(list(FILER_STATUSES)), help="SEC filer status.")


@companies.command("add")
@click.argument("name")
@click.option("--fiscal-year-end", "--fye", "fye", required=True, metavar="MM-DD", help="Last day of the fiscal year, e.g. 12-31.")
@click.option("--status", "filer_status", type=click.Choice(list(FILER_STATUSES)), required=True, help="SEC filer status.")
@click.option("--foreign", is_flag=True, help="A foreign private issuer (files 20-F).")
@click.option("--cik", default="", help="The company's EDGAR CIK (optional).")
@click.option("--json", "as_json", is_flag=True, help="Print the company as JSON.")
@click.pass_context
def companies_add(ctx, name: str, fye: str, filer_status: str, foreign: bool, cik: str, as_json: bool) -> None:
    """Add a company profile (and the matter its filing deadlines go in)."""
    payload = {"name": name, "fiscal_year_end": fye, "filer_status": filer_status, "foreign_private_issuer": foreign, "cik": cik}
    _show_company(company_service.create_company(_store(ctx), payload, actor=_actor(), now=datetime.now(UTC)), as_json)


@companies.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print the companies as JSON.")
@click.pass_context
def companies_list(ctx: click.Context, as_json: bool) -> None:
    """List company profiles."""
    listed = company_service.list_companies(_store(ctx))
    if as_json:
        _emit_json(listed)
        return
    for company in listed:
        _show_company(company, False)


@companies.command("change")
@click.argument("company")
@click.option("--name", help="A new name.")
@click.option("--fiscal-year-end", "--fye", "fye", metavar="MM-DD", help="A new fiscal year end.")
@_STATUS_OPTION
@click.option("--foreign/--domestic", default=None, help="Foreign private issuer or not.")
@click.option("--cik", help="The company's EDGAR CIK.")
@click.option("--json", "as_json", is_flag=True, help="Print the company as JSON.")
@click.pass_context
def companies_change(ctx, company: str, name, fye, filer_status, foreign, cik, as_json: bool) -> None:
    """Change COMPANY's profile (name or id). Run `calendar generate` to bring its deadlines along."""
    payload = {
        k: v
        for k, v in {
            "name": name,
            "fiscal_year_end": fye,
            "filer_status": filer_status,
            "foreign_private_issuer": foreign,
            "cik": cik,
        }.items()
        if v is not None
    }
    if not payload:
        raise click.UsageError("give at least one of --name, --fye, --status, --foreign/--domestic, --cik")
    _show_company(company_service.update_company(_store(ctx), company, payload, actor=_actor(), now=datetime.now(UTC)), as_json)


@cli.command("calendars")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list.")
@click.pass_context
def calendars_command(ctx: click.Context, as_json: bool) -> None:
    """List the named calendars (any holidays country or market spec works too)."""
    found = services.list_calendars(_settings(ctx))
    if as_json:
        _emit_json([{"name": name, "description": text} for name, text in found])
        return
    for name, text in found:
        click.echo(f"{name:<22} {text}")
    click.echo(f"{'CC or CC-SUBDIV':<22} any country (and subdivision) the holidays package knows, e.g. GB-ENG, US-DC")
    click.echo(f"{'financial:MARKET':<22} a financial market calendar, e.g. financial:ECB")


def _dispatcher(ctx: click.Context):
    from .alerts.dispatch import Dispatcher

    settings = _settings(ctx)
    dispatcher = Dispatcher(
        _store(ctx), settings, instance_secret(settings, os.environ), clock=lambda: datetime.now(UTC), base_url=_feed_base(settings)
    )
    ctx.call_on_close(dispatcher.close)
    return dispatcher


@cli.command()
@click.pass_context
def scheduler(ctx: click.Context) -> None:
    """Run the alert dispatcher as its own process (any number may run on one database).

    It creates or updates the channels config.toml defines, re-plans every open deadline's
    alerts, then sends due alerts every alerts.poll_seconds until stopped (Ctrl-C or SIGTERM).
    Alerts that fell due while nothing ran are sent at start, marked late.
    """
    import signal

    from .scheduler import build, prepare

    settings = _settings(ctx)
    store = _store(ctx)
    planned = prepare(store, settings)
    jobs = build(_dispatcher(ctx), store, settings, blocking=True)
    click.echo(f"scheduler: {planned} open deadline(s) planned; sending due alerts every {settings.alerts.poll_seconds} s; Ctrl-C stops")

    def stop(signum, _frame):
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    with contextlib.suppress(KeyboardInterrupt, SystemExit):
        jobs.start()


@cli.command()
@click.option("--host", metavar="ADDRESS", help="Address to listen on (default: server.host, 127.0.0.1).")
@click.option("--port", type=click.IntRange(0, 65535), help="Port to listen on (default: server.port, 8000; 0 picks a free one).")
@click.option("--config", "config_path", metavar="PATH", help="config.toml to read (same as the option before the command).")
@click.option("--no-scheduler", is_flag=True, help="Do not send alerts from this process (run `scheduler` separately).")
@click.pass_context
def serve(ctx: click.Context, host: str | None, port: int | None, config_path: str | None, no_scheduler: bool) -> None:
    """Serve the JSON API, the web pages and the iCalendar feeds with waitress.

    Runs on the embedded defaults with no set-up: the SQLite file store.sqlite_path is created
    and migrated on first run. On start, every open deadline is recomputed on the calendars in
    force, and on a store without API tokens an admin token is created and printed once.
    """
    from .web import create_app
    from .web.server import run

    if config_path:
        ctx.ensure_object(dict)["config_path"] = config_path
    settings = _settings(ctx)
    store = _store(ctx)
    now = datetime.now(UTC)
    moves = deadline_service.recompute_all(store, settings, actor="system:start", now=now)
    token = token_service.ensure_first_token(store, now=now)
    click.echo(f"calendar_service {__version__}: database {store.describe()}; config: {settings.source}")
    if moves:
        click.echo(f"recomputed on start: {len(moves)} deadline(s) moved")
        _print_moves(moves)
    if token:
        click.echo(f"admin API token (shown once, keep it safe): {token}")
        click.echo("  use it as 'Authorization: Bearer <token>'; make more with: python -m calendar_service tokens create NAME")

    def ready(url: str) -> None:
        click.echo(f"listening on {url} (API: {url}/api/v1, description: {url}/api/v1/openapi.json); Ctrl-C stops")

    app = create_app(settings, store)
    jobs = None
    if not no_scheduler:
        from .scheduler import build, prepare

        prepare(store, settings)
        jobs = build(_dispatcher(ctx), store, settings, blocking=False)
        jobs.start()
        click.echo(f"alerts: one dispatcher runs in this process, every {settings.alerts.poll_seconds} s")
    try:
        run(app, host or settings.server.host, settings.server.port if port is None else port, settings.server.threads, on_ready=ready)
    finally:
        if jobs is not None:
            jobs.shutdown(wait=False)


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print the moves as JSON.")
@click.pass_context
def recompute(ctx: click.Context, as_json: bool) -> None:
    """Recompute every open deadline on the calendars in force and report what moved.

    Run it after adding a closure to config.toml or upgrading the holiday data; `serve` also
    runs it on every start. Deadlines with a manual override keep their date.
    """
    moves = deadline_service.recompute_all(_store(ctx), _settings(ctx), actor=_actor(), now=datetime.now(UTC))
    if as_json:
        _emit_json(moves)
        return
    moved = [m for m in moves if "error" not in m]
    click.echo(f"{len(moved)} deadline{'s' if len(moved) != 1 else ''} moved" if moved else "no deadline moved")
    _print_moves(moves)


@cli.group()
def tokens() -> None:
    """Create, list and revoke API tokens (sent as 'Authorization: Bearer <token>')."""


@tokens.command("create")
@click.argument("name")
@click.option("--read-only", is_flag=True, help="The token may read but not change anything.")
@click.pass_context
def tokens_create(ctx: click.Context, name: str, read_only: bool) -> None:
    """Create a token called NAME and print it (this is the only time it is shown)."""
    token = token_service.create_token(_store(ctx), name, read_only=read_only, now=datetime.now(UTC))
    click.echo(token)
    click.echo(f"token {name!r} created{' (read-only)' if read_only else ''}; it is shown only this once", err=True)


@tokens.command("revoke")
@click.argument("name")
@click.pass_context
def tokens_revoke(ctx: click.Context, name: str) -> None:
    """Revoke the token called NAME; requests carrying it are refused at once."""
    token_service.revoke_token(_store(ctx), name, now=datetime.now(UTC))
    click.echo(f"token {name!r} revoked")


@tokens.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list.")
@click.pass_context
def tokens_list(ctx: click.Context, as_json: bool) -> None:
    """List the tokens (names and rights; never the tokens themselves)."""
    found = token_service.list_tokens(_store(ctx))
    if as_json:
        _emit_json(found)
        return
    for t in found:
        state = f"revoked {t['revoked_at']}" if t["revoked_at"] else "active"
        click.echo(f"{t['name']:<24} {'read-only' if t['read_only'] else 'read-write':<10} created {t['created_at']}  {state}")


@cli.group()
def letters() -> None:
    """Read SEC letters (text or PDF): their facts and the deadline they set or ask for."""


def _read_files(files: tuple[str, ...]) -> list[tuple[str, bytes | None, str | None]]:
    out = []
    for name in files:
        try:
            out.append((name, Path(name).read_bytes(), None))
        except OSError as exc:
            out.append((name, None, f"cannot read {name}: {exc.strerror or exc}"))
    return out


def _describe_letter(facts: dict) -> list[str]:
    weekday = ""
    if facts["letter_date"]:
        weekday = f" ({datetime.fromisoformat(facts['letter_date']).strftime('%a')})"
    sender = f" from the {facts['division']}" if facts.get("division") else ""
    if facts.get("office"):
        sender += f", {facts['office']}"
    lines = [f"  {facts['kind']} letter of {facts['letter_date'] or 'an unknown date'}{weekday}{sender}"]
    lines.append(
        f"  company: {facts['company'] or '(not found)'}; file numbers: {', '.join(facts['file_numbers']) or '(none)'}"
        + (f"; CIK {facts['cik']}" if facts.get("cik") else "")
        + f"; forms: {', '.join(facts['forms']) or '(none)'}"
    )
    if facts.get("comment_count") is not None:
        contacts = ", ".join(f"{c['name']} {c['phone']}" for c in facts["contacts"]) or "(none)"
        lines.append(f"  comments: {facts['comment_count']}; contacts: {contacts}")
    if facts.get("responds_to"):
        lines.append(f"  answers the staff letter of {facts['responds_to']}")
    deadline = facts["deadline"]
    if deadline is None:
        lines.append("  deadline: none stated")
    elif deadline.get("requested_date") is not None or "requested_date" in deadline:
        how = f" ({deadline['count']} {deadline['unit']} from the {deadline['base'].replace('-', ' ')})" if deadline.get("count") else ""
        lines.append(f"  requests a new due date: {deadline['requested_date']}{how}")
    elif deadline.get("fixed_date"):
        lines.append(f"  deadline: by {deadline['fixed_date']}")
    else:
        due = deadline["due"]
        shown = f"{due} ({datetime.fromisoformat(due).strftime('%a')})" if due else "unknown (no letter date)"
        lines.append(f"  deadline: {deadline['rule']} -> due {shown}")
    if facts.get("evidence"):
        lines.append(f'  evidence: "{facts["evidence"]["text"]}"')
    for reason in facts["review_reasons"]:
        lines.append(f"  NEEDS REVIEW: {reason}")
    return lines


@letters.command("parse")
@click.argument("files", nargs=-1, required=True, metavar="FILE...")
@click.option("--calendar", "-c", metavar="NAME", help=CALENDAR_HELP)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list, one object per file.")
@click.pass_context
def letters_parse(ctx: click.Context, files: tuple[str, ...], calendar: str | None, as_json: bool) -> None:
    """Read each letter FILE (text or PDF) and print its facts and proposed deadline.

    Nothing is stored. A file that cannot be read is reported and the others are still read;
    the exit status is then 2.
    """
    settings = _settings(ctx)
    results, failed = [], False
    for name, data, error in _read_files(files):
        if data is not None:
            try:
                results.append(letter_service.parse(data, name, settings, calendar=calendar))
                continue
            except CalendarServiceError as exc:
                error = str(exc)
        failed = True
        results.append({"file": name, "error": error})
        if not as_json:
            click.echo(f"{PROG}: error: {error}", err=True)
    if as_json:
        _emit_json(results)
    else:
        for result in results:
            if "error" not in result:
                click.echo(result["file"])
                for line in _describe_letter(result):
                    click.echo(line)
    if failed:
        ctx.exit(2)


@letters.command("ingest")
@click.argument("files", nargs=-1, required=True, metavar="FILE...")
@click.option("--dry-run", is_flag=True, help="Read and report what would be filed; change nothing.")
@click.option("--calendar", "-c", metavar="NAME", help=CALENDAR_HELP)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list, one object per file.")
@click.pass_context
def letters_ingest(ctx: click.Context, files: tuple[str, ...], dry_run: bool, calendar: str | None, as_json: bool) -> None:
    """File each letter: find or create its matter, create its deadline or extend the one it answers.

    Same company and file number means the same matter. A letter filed before changes nothing.
    Each file is filed in its own transaction, so one bad file does not undo the others; the
    exit status is then 2.
    """
    settings = _settings(ctx)
    store = _store(ctx)
    results, failed = [], False
    entries = _read_files(files)
    with click.progressbar(entries, label="filing letters", file=sys.stderr) if len(entries) > 3 else _no_bar(entries) as bar:
        for name, data, error in bar:
            if data is not None:
                try:
                    results.append(
                        letter_service.ingest(
                            store, settings, data, name, actor=_actor(), now=datetime.now(UTC), dry_run=dry_run, calendar=calendar
                        )
                    )
                    continue
                except CalendarServiceError as exc:
                    error = str(exc)
            failed = True
            results.append({"file": name, "error": error})
    if as_json:
        _emit_json(results)
    else:
        for result in results:
            if "error" in result:
                click.echo(f"{PROG}: error: {result['error']}", err=True)
                continue
            prefix = "would be " if dry_run and result["action"] != "unchanged" else ""
            click.echo(f"{result['file']}: {prefix}{result['action']}: {result['detail']}")
            for reason in result["facts"]["review_reasons"]:
                click.echo(f"  NEEDS REVIEW: {reason}")
    if failed:
        ctx.exit(2)


@cli.group()
def feeds() -> None:
    """Create, list, change, rotate and delete iCalendar feeds (secret URLs for Outlook, Google, Apple)."""


def _feed_base(settings: Settings) -> str:
    host = settings.server.host if settings.server.host not in ("0.0.0.0", "::") else "127.0.0.1"
    return settings.server.public_url or f"http://{host}:{settings.server.port}"


def _show_feed(ctx: click.Context, row: dict, as_json: bool) -> None:
    settings = _settings(ctx)
    feed = feed_service.present_feed(row, instance_secret(settings, os.environ), _feed_base(settings))
    if as_json:
        _emit_json(feed)
        return
    scope = ", ".join(f"{k}={v}" for k, v in feed["scope"].items() if v is not None) or "all deadlines"
    click.echo(
        f"feed {feed['id']}: {feed['name']} ({scope}; {feed['window_days_back']} days back, {feed['window_days_ahead']} ahead"
        + ("; completed too" if feed["include_completed"] else "")
        + ")"
    )
    for label, key in (
        ("URL", "url"),
        ("webcal", "webcal_url"),
        ("Outlook (work or school)", "outlook_work"),
        ("Outlook.com", "outlook_personal"),
        ("Google Calendar", "google"),
    ):
        click.echo(f"  {label + ':':<26}{feed[key]}")


def _feed_payload(name, matter, assignee, tag, company, include_completed, days_back, days_ahead, reminders, cutoff_events) -> dict:
    payload = {
        "name": name, "matter_id": matter, "assignee": assignee, "tag": tag, "company": company,
        "include_completed": include_completed, "window_days_back": days_back, "window_days_ahead": days_ahead,
        "reminders": list(reminders) if reminders else None, "cutoff_events": cutoff_events,
    }  # fmt: skip
    return {k: v for k, v in payload.items() if v is not None}


_FEED_OPTIONS = [
    click.option("--matter", type=int, help="Only this matter's deadlines."),
    click.option("--assignee", help="Only deadlines of this assignee."),
    click.option("--tag", help="Only deadlines whose matter has this tag."),
    click.option("--company", help="Only deadlines of this company."),
    click.option("--include-completed/--open-only", default=None, help="Show completed deadlines too (default: open only)."),
    click.option("--days-back", type=int, help="Show deadlines due up to this many days ago (default 90)."),
    click.option("--days-ahead", type=int, help="Show deadlines due up to this many days ahead (default 730)."),
    click.option(
        "--reminder",
        "reminders",
        multiple=True,
        metavar="DURATION",
        help="A reminder this long before the all-day event starts, e.g. PT15H (9:00 the day before); repeat for more.",
    ),
    click.option(
        "--cutoff-events/--no-cutoff-events", default=None, help="Also show a timed event at each deadline's cutoff (e.g. 5:30 PM ET)."
    ),
]


def _with_feed_options(command):
    for option in reversed(_FEED_OPTIONS):
        command = option(command)
    return command


@feeds.command("create")
@click.argument("name")
@_with_feed_options
@click.option("--json", "as_json", is_flag=True, help="Print the feed as JSON.")
@click.pass_context
def feeds_create(ctx, name, matter, assignee, tag, company, include_completed, days_back, days_ahead, reminders, cutoff_events, as_json):
    """Create a feed called NAME and print its URL and subscribe links (scope: all deadlines unless narrowed)."""
    settings = _settings(ctx)
    payload = _feed_payload(name, matter, assignee, tag, company, include_completed, days_back, days_ahead, reminders, cutoff_events)
    row = feed_service.create_feed(_store(ctx), instance_secret(settings, os.environ), payload, now=datetime.now(UTC))
    _show_feed(ctx, row, as_json)


@feeds.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list.")
@click.pass_context
def feeds_list(ctx: click.Context, as_json: bool) -> None:
    """List the feeds with their URLs."""
    rows = feed_service.list_feeds(_store(ctx))
    if as_json:
        settings = _settings(ctx)
        secret = instance_secret(settings, os.environ)
        _emit_json([feed_service.present_feed(r, secret, _feed_base(settings)) for r in rows])
        return
    for row in rows:
        _show_feed(ctx, row, False)


@feeds.command("change")
@click.argument("feed_id", type=int, metavar="ID")
@click.option("--name", help="A new name.")
@_with_feed_options
@click.option("--json", "as_json", is_flag=True, help="Print the feed as JSON.")
@click.pass_context
def feeds_change(
    ctx, feed_id, name, matter, assignee, tag, company, include_completed, days_back, days_ahead, reminders, cutoff_events, as_json
):
    """Rename feed ID or change its scope or options (its URL stays the same)."""
    payload = _feed_payload(name, matter, assignee, tag, company, include_completed, days_back, days_ahead, reminders, cutoff_events)
    row = feed_service.update_feed(_store(ctx), feed_id, payload, now=datetime.now(UTC))
    _show_feed(ctx, row, as_json)


@feeds.command("rotate")
@click.argument("feed_id", type=int, metavar="ID")
@click.option("--json", "as_json", is_flag=True, help="Print the feed as JSON.")
@click.pass_context
def feeds_rotate(ctx: click.Context, feed_id: int, as_json: bool) -> None:
    """Give feed ID a new secret URL; the old URL stops working at once."""
    settings = _settings(ctx)
    row = feed_service.rotate_feed(_store(ctx), instance_secret(settings, os.environ), feed_id, now=datetime.now(UTC))
    _show_feed(ctx, row, as_json)


@feeds.command("delete")
@click.argument("feed_id", type=int, metavar="ID")
@click.pass_context
def feeds_delete(ctx: click.Context, feed_id: int) -> None:
    """Delete feed ID; its URL stops working at once."""
    feed_service.delete_feed(_store(ctx), feed_id)
    click.echo(f"feed {feed_id} deleted")


@cli.group()
def channels() -> None:
    """Alert channels: Slack incoming webhooks, signed JSON webhooks, Teams Workflows webhooks."""


def _show_channel(channel: dict, as_json: bool) -> None:
    if as_json:
        _emit_json(channel)
        return
    routing = ", ".join(f"{k}={','.join(map(str, v))}" for k, v in channel["routing"].items() if v) or "every deadline"
    state = "enabled" if channel["enabled"] else f"DISABLED: {channel['disabled_reason']}"
    click.echo(f"{channel['id']:>3} {channel['name']:<24} {channel['kind']:<8} {channel['url']}  ({routing}; {state})")
    if channel.get("last_error"):
        click.echo(f"      last error {channel['last_error_at']}: {channel['last_error']}")
    if channel.get("alerts"):
        click.echo("      alerts: " + ", ".join(f"{n} {s}" for s, n in sorted(channel["alerts"].items())))
    if channel.get("signing_secret") and not channel["signing_secret"].endswith("…"):
        click.echo(f"      signing secret (shown once): {channel['signing_secret']}")


@channels.command("add")
@click.argument("name")
@click.option("--kind", type=click.Choice(["slack", "webhook", "teams"]), required=True, help="The kind of webhook.")
@click.option("--url", required=True, help="The webhook URL (a secret: shown masked from now on).")
@click.option("--matter", "matters", type=int, multiple=True, help="Only these matters' deadlines (repeatable).")
@click.option("--tag", "tags", multiple=True, help="Only deadlines whose matter has one of these tags (repeatable).")
@click.option("--assignee", "assignees", multiple=True, help="Only these assignees' deadlines (repeatable).")
@click.option("--company", "companies", multiple=True, help="Only these companies' deadlines (repeatable).")
@click.option("--digest", is_flag=True, help="Also a daily digest of what is due soon.")
@click.option("--json", "as_json", is_flag=True, help="Print the channel as JSON.")
@click.pass_context
def channels_add(ctx, name, kind, url, matters, tags, assignees, companies, digest, as_json):
    """Add a channel called NAME; open deadlines it receives get their alerts at once."""
    routing = {"matters": list(matters), "tags": list(tags), "assignees": list(assignees), "companies": list(companies)}
    payload = {"name": name, "kind": kind, "url": url, "routing": routing, "digest": digest}
    _show_channel(channel_service.create_channel(_store(ctx), _settings(ctx), payload, now=datetime.now(UTC)), as_json)


@channels.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list.")
@click.pass_context
def channels_list(ctx: click.Context, as_json: bool) -> None:
    """List the channels with their health (URLs masked)."""
    found = channel_service.list_channels(_store(ctx))
    if as_json:
        _emit_json(found)
        return
    for channel in found:
        _show_channel(channel, False)


@channels.command("test")
@click.argument("name")
@click.pass_context
def channels_test(ctx: click.Context, name: str) -> None:
    """Send a test message to channel NAME now, through the same delivery path as real alerts."""
    from .alerts.dispatch import send_test

    result = send_test(_dispatcher(ctx), name)
    last = result["deliveries"][-1] if result["deliveries"] else {}
    if result["status"] == "sent":
        click.echo(f"test message delivered to {name} (HTTP {last.get('http_status')}, {last.get('duration_ms')} ms)")
        return
    raise click.ClickException(
        f"test message to {name} not delivered: {result['last_error'] or last.get('error')} (status {result['status']})"
    )


@channels.command("enable")
@click.argument("name")
@click.pass_context
def channels_enable(ctx: click.Context, name: str) -> None:
    """Enable channel NAME again (after fixing what disabled it)."""
    channel_service.update_channel(_store(ctx), _settings(ctx), name, {"enabled": True}, now=datetime.now(UTC))
    click.echo(f"channel {name} enabled")


@channels.command("remove")
@click.argument("name")
@click.pass_context
def channels_remove(ctx: click.Context, name: str) -> None:
    """Remove channel NAME and its pending alerts."""
    channel_service.delete_channel(_store(ctx), name)
    click.echo(f"channel {name} removed")


@cli.group()
def alerts() -> None:
    """Alerts: list them (e.g. the dead ones) and retry."""


@alerts.command("list")
@click.option("--status", help="Only these statuses, comma-separated: pending, sending, sent, dead, superseded, cancelled.")
@click.option("--channel", type=int, help="Only this channel's alerts.")
@click.option("--deadline", type=int, help="Only this deadline's alerts.")
@click.option("--limit", type=click.IntRange(1, 10000), default=100, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list.")
@click.pass_context
def alerts_list(ctx, status, channel, deadline, limit, as_json):
    """List alerts, newest first, with their delivery attempts."""
    found = channel_service.list_alerts(_store(ctx), status=status, channel=channel, deadline=deadline, limit=limit)
    if as_json:
        _emit_json(found)
        return
    for a in found:
        extra = f" (last error: {a['last_error']})" if a["last_error"] else ""
        late = " late" if a["late"] else ""
        where = f"deadline {a['deadline_id']} channel {a['channel_id']}"
        click.echo(f"{a['id']:>5} {where} {a['offset']:<12} due {a['due_at']} {a['status']}{late}{extra}")


@alerts.command("retry")
@click.argument("alert_id", type=int, metavar="ID")
@click.pass_context
def alerts_retry(ctx: click.Context, alert_id: int) -> None:
    """Send dead alert ID again at the next tick."""
    channel_service.retry_alert(_store(ctx), alert_id, now=datetime.now(UTC))
    click.echo(f"alert {alert_id} will be sent again")


@cli.group()
def users() -> None:
    """People who sign in to the web pages, with a role: viewer, editor or admin."""


@users.command("add")
@click.argument("email")
@click.option("--role", type=click.Choice(["viewer", "editor", "admin"]), default="editor", show_default=True)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input (for scripts) instead of asking.")
@click.pass_context
def users_add(ctx: click.Context, email: str, role: str, password_stdin: bool) -> None:
    """Add a user who signs in with EMAIL and a password (asked twice, never echoed)."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True, err=True)
    user = user_service.add_user(_store(ctx), email, password, role, now=datetime.now(UTC))
    click.echo(f"user {user['email']} added ({user['role']})")


@users.command("list")
@click.pass_context
def users_list(ctx: click.Context) -> None:
    """List the users and their roles."""
    for user in user_service.list_users(_store(ctx)):
        click.echo(f"{user['email']:<40} {user['role']:<7} since {user['created_at']}")


@users.command("remove")
@click.argument("email")
@click.pass_context
def users_remove(ctx: click.Context, email: str) -> None:
    """Remove the user EMAIL (their open sessions end at their next request)."""
    user_service.remove_user(_store(ctx), email)
    click.echo(f"user {email} removed")


class _no_bar:
    """The progress bar's interface, showing nothing (for a few files)."""

    def __init__(self, items):
        self.items = items

    def __enter__(self):
        return self.items

    def __exit__(self, *exc):
        return False


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; return the exit status (2 for bad input, with one line on stderr)."""
    try:
        # Without standalone mode click returns ctx.exit()'s code rather than raising it.
        code = cli.main(args=argv, prog_name=f"python -m {PROG}", standalone_mode=False)
        if isinstance(code, int):
            return code
    except CalendarServiceError as exc:
        click.echo(f"{PROG}: error: {exc}", err=True)
        return 2
    except click.exceptions.NoArgsIsHelpError as exc:
        click.echo(exc.ctx.get_help() if exc.ctx else str(exc))
        return 0
    except click.UsageError as exc:
        hint = f"; see '{exc.ctx.command_path} --help'" if exc.ctx else ""
        click.echo(f"{PROG}: error: {exc.format_message().rstrip('.')}{hint}", err=True)
        return 2
    except click.ClickException as exc:
        click.echo(f"{PROG}: error: {exc.format_message()}", err=True)
        return 2
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.Abort:
        click.echo(f"{PROG}: aborted", err=True)
        return 1
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

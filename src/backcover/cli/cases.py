"""Cases on the command line: ``case new/show/list``, ``cases due`` and ``deadlines``.

Thin over :mod:`backcover.services`; documents and denials are in :mod:`.case_docs`, appeals,
prior authorization and letters in :mod:`.case_appeals`, export and import in :mod:`.archive`.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer

from backcover.cli._app import app, as_of_option, date_option, emit_json, err_console, out_console
from backcover.cli._cases_common import (
    AsOfOpt,
    Format,
    FormatOpt,
    Service,
    case_app,
    case_command,
    cases_app,
    open_cases_store,
    services,
    store_pkg,
)
from backcover.cli.case_story import story_lines
from backcover.errors import BadInput
from backcover.vocab import PlanKind, values

__all__: list[str] = []

PAYER_HELP = ", ".join(v for v in values(PlanKind) if v != PlanKind.UNINSURED)


def _print_case(data: dict[str, Any]) -> None:
    p = out_console.print
    p(f"[bold]Case {data['id']}[/]: {data['title']}  ({data['status']})", highlight=False)
    p(
        f"  patient {data['patient']['name']} (#{data['patient']['id']}) · {data['payer']} · "
        f"code {data['procedure_code']}"
    )
    nxt = data["next_deadline"]
    p(
        f"  next deadline: [bold]{nxt['due']}[/] {nxt['what']}" if nxt else "  next deadline: none",
        highlight=False,
    )
    for line in story_lines(data):
        p(f"  {line}", highlight=False)
    for pa in data.get("prior_authorizations", []):
        steps = " → ".join(f"{e['status']} {e['date']}" for e in pa["timeline"])
        extra = f" auth {pa['auth_number']} until {pa['expires_on']}" if pa["auth_number"] else ""
        p(f"  prior auth #{pa['id']}: {steps}{extra}", highlight=False)
    for d in data.get("denials", []):
        p(f"  denial #{d['id']} dated {d['date']}: {d.get('reason_text') or ''}", highlight=False)
        for c in d["codes"]:
            flag = "" if c["known"] else " [yellow](unknown code)[/]"
            note = " (suggested by the letter's words)" if c["source"] == "text" else ""
            p(f"    {c['label']}{flag}: {c['explanation']['summary']}{note}", highlight=False)
            if c["explanation"]["fix"]:
                p(f"      what usually fixes it: {c['explanation']['fix']}", highlight=False)
    for a in data.get("appeals", []):
        p(
            f"  appeal #{a['id']} {a['level']}: filed {a['filed_on'] or '-'} outcome {a['outcome'] or '-'}",
            highlight=False,
        )
    for d in data.get("documents", []):
        p(f"  document #{d['id']} {d['type']} {d['date'] or ''} {d['filename'] or ''}", highlight=False)
    for i in data.get("dates", []):
        p(f"  {i['due']}  {i['what']}", highlight=False)


@case_app.command("new")
@case_command
def case_new(
    procedure: Annotated[str, typer.Option("--procedure", help="CPT or HCPCS code, e.g. 63030.")],
    payer: Annotated[
        str,
        typer.Option("--payer", help=PAYER_HELP + "."),
    ],
    patient: Annotated[int | None, typer.Option("--patient", help="An existing patient's number.")] = None,
    name: Annotated[str | None, typer.Option("--name", help="The patient's name (found, or added).")] = None,
    birth_date: Annotated[str | None, typer.Option("--birth-date", help="YYYY-MM-DD")] = None,
    member_id: Annotated[str | None, typer.Option("--member-id")] = None,
    plan_kind: Annotated[
        str | None, typer.Option("--plan-kind", help="For deadlines, if not the payer's.")
    ] = None,
    setting: Annotated[str | None, typer.Option("--setting")] = None,
    state: Annotated[str | None, typer.Option("--state")] = None,
    title: Annotated[str | None, typer.Option("--title")] = None,
    service: Annotated[
        Service, typer.Option("--service", help="pre: not yet done; post: paying for it.")
    ] = Service.pre,
    urgent: Annotated[bool, typer.Option("--urgent")] = False,
    provider: Annotated[str | None, typer.Option("--provider", help="Treating clinician's name.")] = None,
    npi: Annotated[str | None, typer.Option("--npi")] = None,
    provider_phone: Annotated[str | None, typer.Option("--provider-phone")] = None,
    address: Annotated[
        str | None, typer.Option("--address", help="The patient's address; lines separated by ';'.")
    ] = None,
    phone: Annotated[str | None, typer.Option("--phone", help="The patient's phone.")] = None,
    plan: Annotated[
        Path | None, typer.Option("--plan", help="The plan file (CONTRACTS section 2 YAML).")
    ] = None,
    appeals_address: Annotated[
        str | None,
        typer.Option(
            "--appeals-address", help="Where appeals go (from the denial notice); ';' between lines."
        ),
    ] = None,
    fmt: FormatOpt = Format.text,
) -> None:
    """Open a case for a procedure."""
    """Open a case for a procedure."""
    if patient is None and not name:
        raise BadInput("say whose case this is", "give --patient N or --name 'Full Name'", where="--patient")
    # Everything is checked before anything is written (a bad --state leaves no patient behind).
    plan_input = None
    if plan is not None:
        text, plan_name, kind_in_file = _plan_file(plan)
        plan_input = services.PlanInput(
            plan_name,
            kind_in_file,
            plan_yaml=text,
            member_id=member_id,
            appeals_address=(appeals_address or "").replace(";", "\n") or None,
        )
    elif appeals_address:
        plan_input = services.PlanInput(
            f"{payer} plan",
            store_pkg.case_plan_kind(plan_kind or payer, "plan kind" if plan_kind else "payer"),
            appeals_address=appeals_address.replace(";", "\n"),
        )
    request = services.case_input(
        procedure,
        payer,
        plan_kind=plan_kind,
        setting=setting,
        state=state,
        title=title,
        service=service.value,
        urgent=urgent,
    )
    who: int | services.PatientInput
    if patient is not None:
        who = patient
    else:
        assert name is not None
        who = services.PatientInput(
            name,
            date_option(birth_date, "--birth-date"),
            member_id=member_id,
            address=(address or "").replace(";", "\n") or None,
            phone=phone,
        )
    doctor = services.ProviderInput(provider, npi=npi, phone=provider_phone) if provider else None
    with open_cases_store() as store:
        case = services.open_case(store, request, patient=who, provider=doctor, plan=plan_input)
        if fmt == Format.json:
            emit_json(services.case_json(store.get_case(case.id), date.today(), full=True))
        else:
            err_console.print(
                f"case {case.id} opened for patient #{case.patient_id}: {case.title}", highlight=False
            )


def _plan_file(path: Path) -> tuple[str, str, PlanKind]:
    """The plan file's text, name and kind (only those two fields are read here)."""
    from backcover.yamlio import line_of, load_yaml

    data = load_yaml(path)
    if not isinstance(data, dict) or not data.get("name") or not data.get("kind"):
        raise BadInput(
            "a plan file needs a name and a kind", "see CONTRACTS.md section 2", str(path), "line 1"
        )
    try:
        kind = store_pkg.case_plan_kind(str(data["kind"]), "kind")
    except BadInput as exc:
        raise BadInput(exc.problem, exc.fix, str(path), line_of(data, "kind")) from None
    return path.read_text(), str(data["name"]), kind


@case_app.command("show")
@case_command
def case_show(
    case_id: Annotated[int, typer.Argument(help="The case number.")],
    as_of: AsOfOpt = None,
    fmt: FormatOpt = Format.text,
) -> None:
    """Everything on a case, with its next deadline."""
    with open_cases_store() as store:
        data = services.case_json(store.get_case(case_id), as_of_option(as_of), full=True)
    emit_json(data) if fmt == Format.json else _print_case(data)


@case_app.command("list")
@case_command
def case_list(
    patient: Annotated[int | None, typer.Option("--patient")] = None,
    as_of: AsOfOpt = None,
    fmt: FormatOpt = Format.text,
) -> None:
    """All cases, each with its next deadline."""
    day = as_of_option(as_of)
    with open_cases_store() as store:
        rows = [services.case_json(c, day, full=False) for c in store.list_cases(patient)]
    if fmt == Format.json:
        emit_json({"cases": rows})
        return
    if not rows:
        err_console.print("no cases yet: open one with `backcover case new`")
    for r in rows:
        nxt = r["next_deadline"]
        due = f"{nxt['due']} {nxt['what']}" if nxt else "no deadline"
        out_console.print(
            f"{r['id']:>4}  {r['patient']['name']:<24} {r['title'][:40]:<40} {r['status']:<6} {due}",
            highlight=False,
        )


# -- cases due --------------------------------------------------------------------------------------
@cases_app.command("due")
@case_command
def cases_due(
    days: Annotated[int, typer.Option("--days", help="Look this many days ahead.")] = 14,
    as_of: AsOfOpt = None,
    fmt: FormatOpt = Format.text,
) -> None:
    """What is due in the next N days across all open cases (overdue items included)."""
    day = as_of_option(as_of)
    with open_cases_store() as store:
        items = services.cases_due(store, day, days)
    if fmt == Format.json:
        emit_json(
            {
                "as_of": day.isoformat(),
                "days": days,
                "items": [i.to_json() | {"overdue": i.due < day} for i in items],
            }
        )
        return
    if not items:
        err_console.print(f"nothing due by {day.isoformat()} + {days} days")
    for i in items:
        late = " [red]OVERDUE[/]" if i.due < day else ""
        out_console.print(f"{i.due.isoformat()}  case {i.case_id}: {i.what}{late}", highlight=False)


# -- deadlines (CONTRACTS.md section 3) -------------------------------------------------------------
def _human(iso: str | None) -> str:
    """P60D -> 60 days, PT72H -> 72 hours, P4M -> 4 months."""
    if not iso:
        return "-"
    units = {"D": "days", "H": "hours", "M": "months"}
    number = iso.removeprefix("PT").removeprefix("P")[:-1]
    return f"{number} {units.get(iso[-1], iso[-1])}"


@app.command("deadlines")
@case_command
def deadlines_cmd(
    plan_kind: Annotated[
        str,
        typer.Option(
            "--plan-kind",
            help=PAYER_HELP + " (aca, erisa).",
        ),
    ],
    notice_date: Annotated[str, typer.Option("--notice-date", help="The date printed on the denial notice.")],
    received_date: Annotated[
        str | None, typer.Option("--received-date", help="When it actually arrived.")
    ] = None,
    urgent: Annotated[bool, typer.Option("--urgent", help="Expedited (urgent) timelines.")] = False,
    service: Annotated[Service, typer.Option("--service", help="pre or post service.")] = Service.post,
    fmt: FormatOpt = Format.text,
) -> None:
    """Appeal levels, the last day to file each, and how long each decision may take."""
    notice = date_option(notice_date, "--notice-date")
    assert notice is not None
    d = services.notice_deadlines(
        plan_kind,
        notice,
        received_date=date_option(received_date, "--received-date"),
        urgent=urgent,
        service=service.value,
    )
    if fmt == Format.json:
        emit_json(d.to_json())
        return
    p = out_console.print
    p(f"[bold]{d.label}[/] — notice dated {d.notice_date.isoformat()}", highlight=False)
    for n, lv in enumerate(d.levels, start=1):
        when = (
            f"file by [bold]{lv.file_by.isoformat()}[/]"
            if lv.file_by
            else (
                f"within {_human(lv.file_within)} of {lv.starts_after}"
                if lv.file_within
                else f"automatic after {lv.starts_after}"
            )
        )
        p(f"{n}. {lv.name}: {when}; decision within {_human(lv.decision_within)}", highlight=False)
        if lv.amount_in_controversy:
            p(
                f"   amount in dispute must be at least ${lv.amount_in_controversy['minimum']} "
                f"({lv.amount_in_controversy['year']})",
                highlight=False,
            )
        p(f"   rule: {lv.rule}", highlight=False)
        for note in lv.notes:
            p(f"   note: {note}", highlight=False)
    for note in d.notes:
        p(f"note: {note}", highlight=False)


from backcover.cli import case_story  # noqa: E402, F401  (registers case edit/close/delete, calendar)

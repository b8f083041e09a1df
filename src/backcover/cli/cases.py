"""Cases, documents, denials and appeals on the command line (thin over store, appeals, documents).

Commands: ``case new/show/list``, ``doc add``, ``denial add``, ``pa set``, ``appeal add``,
``appeal draft``, ``cases due``, ``deadlines`` (CONTRACTS.md section 3), ``export`` and ``import``.
"""

from __future__ import annotations

import importlib
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import orjson
import typer

from backcover.appeals import (
    deadlines as compute_deadlines,
)
from backcover.appeals import (
    explain_carc,
    explain_rarc,
    infer_from_text,
    normalize_plan_kind,
    parse_835,
    parse_codes,
)
from backcover.cli._app import (
    app,
    as_of_option,
    date_option,
    emit_json,
    err_console,
    guarded,
    lazy_module,
    out_console,
)
from backcover.errors import BadInput

if TYPE_CHECKING:
    import backcover.store as store_pkg
    from backcover.store import Store
    from backcover.store._models import Case
else:
    # SQLAlchemy and Alembic take about a second to import: load them only when a case command runs.
    store_pkg = lazy_module("backcover.store")
from backcover.yamlio import atomic_write_bytes

__all__: list[str] = []


class Format(StrEnum):
    text = "text"
    json = "json"


class Service(StrEnum):
    pre = "pre"
    post = "post"


class LetterKind(StrEnum):
    appeal = "appeal"
    packet = "packet"
    p2p = "p2p"
    external = "external"
    gfe = "gfe"


case_app = typer.Typer(help="Cases: one per procedure you are trying to get paid for.", no_args_is_help=True)
cases_app = typer.Typer(help="Work across all cases (what is due).", no_args_is_help=True)
doc_app = typer.Typer(
    help="Store documents (imaging reports, referrals, notes, denial letters, EOBs).", no_args_is_help=True
)
denial_app = typer.Typer(
    help="Record a denial: codes, the letter's words, or an X12 835 file.", no_args_is_help=True
)
appeal_app = typer.Typer(help="Appeals: record them and draft the letters.", no_args_is_help=True)
pa_app = typer.Typer(help="Prior-authorization requests and their status.", no_args_is_help=True)
app.add_typer(case_app, name="case")
app.add_typer(cases_app, name="cases")
app.add_typer(doc_app, name="doc")
app.add_typer(denial_app, name="denial")
app.add_typer(appeal_app, name="appeal")
app.add_typer(pa_app, name="pa")

FormatOpt = Annotated[Format, typer.Option("--format", help="text (default) or json.")]
AsOfOpt = Annotated[str | None, typer.Option("--as-of", help="Today's date for the question (YYYY-MM-DD).")]
CaseOpt = Annotated[int, typer.Option("--case", help="The case number (see `backcover case list`).")]


def _store() -> Store:
    return store_pkg.open_store()


def _read_file(path: Path, option: str, *, limit: int | None = -1) -> bytes:
    """Read an input file; ``limit=-1`` means the store's document size limit, ``None`` no limit."""
    if limit == -1:
        limit = store_pkg.MAX_DOCUMENT_BYTES
    if not path.is_file():
        raise BadInput("no such file", "check the path", str(path), option)
    if limit is not None and path.stat().st_size > limit:
        raise BadInput(
            f"the file is {path.stat().st_size / 1048576:.1f} MB, over the 25 MB limit",
            "scan at a lower resolution or split the document",
            str(path),
        )
    return path.read_bytes()


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


# -- case -------------------------------------------------------------------------------------------
@case_app.command("new")
@guarded
def case_new(
    procedure: Annotated[str, typer.Option("--procedure", help="CPT or HCPCS code, e.g. 63030.")],
    payer: Annotated[
        str, typer.Option("--payer", help="medicare, medicare-advantage, commercial, marketplace, medicaid.")
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
    from backcover import catalog

    proc, setting = catalog.resolve(procedure, setting)
    if patient is None and not name:
        raise BadInput("say whose case this is", "give --patient N or --name 'Full Name'", where="--patient")
    store = _store()
    with store:
        if patient is None:
            assert name is not None
            found = store.find_patient(name)
            patient = (
                found.id
                if found
                else store.add_patient(
                    name,
                    date_option(birth_date, "--birth-date"),
                    member_id=member_id,
                    address=(address or "").replace(";", "\n") or None,
                    phone=phone,
                ).id
            )
        else:
            store.get_patient(patient)
        prov_id = (
            store.add_provider(patient, provider, npi=npi, phone=provider_phone).id if provider else None
        )
        plan_id = None
        if plan is not None:
            text, plan_name, kind_in_file = _plan_file(plan)
            plan_kind = plan_kind or kind_in_file
            plan_id = store.add_plan(
                patient,
                plan_name,
                kind_in_file,
                plan_yaml=text,
                member_id=member_id,
                appeals_address=(appeals_address or "").replace(";", "\n") or None,
            ).id
        elif appeals_address:
            plan_id = store.add_plan(
                patient,
                f"{payer} plan",
                plan_kind or payer,
                appeals_address=appeals_address.replace(";", "\n"),
            ).id
        case = store.new_case(
            patient,
            procedure,
            payer,
            title=title or proc.name,
            plan_kind=plan_kind,
            setting=setting,
            state=state,
            provider_id=prov_id,
            plan_id=plan_id,
            service=service.value,
            urgent=urgent,
        )
        if fmt == Format.json:
            emit_json(store_pkg.case_json(store, store.get_case(case.id), date.today(), full=True))
        else:
            err_console.print(f"case {case.id} opened for patient #{patient}: {case.title}", highlight=False)


def _plan_file(path: Path) -> tuple[str, str, str]:
    """The plan file's text, name and kind (only those two fields are read here)."""
    from backcover.yamlio import line_of, load_yaml

    data = load_yaml(path)
    if not isinstance(data, dict) or not data.get("name") or not data.get("kind"):
        raise BadInput(
            "a plan file needs a name and a kind", "see CONTRACTS.md section 2", str(path), "line 1"
        )
    try:
        kind = normalize_plan_kind(str(data["kind"]))
    except BadInput as exc:
        raise BadInput(exc.problem, exc.fix, str(path), line_of(data, "kind")) from None
    return path.read_text(), str(data["name"]), kind


@case_app.command("show")
@guarded
def case_show(
    case_id: Annotated[int, typer.Argument(help="The case number.")],
    as_of: AsOfOpt = None,
    fmt: FormatOpt = Format.text,
) -> None:
    """Everything on a case, with its next deadline."""
    with _store() as store:
        data = store_pkg.case_json(store, store.get_case(case_id), as_of_option(as_of), full=True)
    emit_json(data) if fmt == Format.json else _print_case(data)


@case_app.command("list")
@guarded
def case_list(
    patient: Annotated[int | None, typer.Option("--patient")] = None,
    as_of: AsOfOpt = None,
    fmt: FormatOpt = Format.text,
) -> None:
    """All cases, each with its next deadline."""
    day = as_of_option(as_of)
    with _store() as store:
        rows = [store_pkg.case_json(store, c, day, full=False) for c in store.list_cases(patient)]
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
@guarded
def cases_due(
    days: Annotated[int, typer.Option("--days", help="Look this many days ahead.")] = 14,
    as_of: AsOfOpt = None,
    fmt: FormatOpt = Format.text,
) -> None:
    """What is due in the next N days across all open cases (overdue items included)."""
    day = as_of_option(as_of)
    with _store() as store:
        items = store.cases_due(day, days)
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
@guarded
def deadlines_cmd(
    plan_kind: Annotated[
        str,
        typer.Option(
            "--plan-kind",
            help="commercial, marketplace, medicare, medicare-advantage, medicaid, medicaid-ffs "
            "(aca, erisa).",
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
    d = compute_deadlines(
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


# -- documents --------------------------------------------------------------------------------------
@doc_app.command("add")
@guarded
def doc_add(
    file: Annotated[Path, typer.Argument(help="The PDF or image (an 835 for --type remittance).")],
    doc_type: Annotated[
        str,
        typer.Option(
            "--type",
            help="imaging_report, referral, visit_note, denial_letter, eob, remittance, lab_report, "
            "prior_auth, letter, other.",
        ),
    ],
    case: Annotated[int | None, typer.Option("--case")] = None,
    patient: Annotated[int | None, typer.Option("--patient")] = None,
    doc_date: Annotated[str | None, typer.Option("--date", help="The document's own date.")] = None,
    source: Annotated[
        str | None, typer.Option("--source", help="Who produced it (clinic, imaging center, payer).")
    ] = None,
    fmt: FormatOpt = Format.text,
) -> None:
    """Store a document, content-addressed by its sha256."""
    content = _read_file(file, "FILE")
    with _store() as store:
        if case is not None:
            c = store.get_case(case)
            if patient is not None and patient != c.patient_id:
                raise BadInput(
                    f"case {case} belongs to patient {c.patient_id}", "leave out --patient", where="--patient"
                )
            patient = c.patient_id
        if patient is None:
            raise BadInput("say whose document this is", "give --case N or --patient N", where="--case")
        try:
            doc = store.add_document(
                patient,
                content,
                doc_type,
                doc_date=date_option(doc_date, "--date"),
                source=source,
                filename=file.name,
                case_id=case,
            )
        except BadInput as exc:
            raise exc.at(str(file)) from None
    if fmt == Format.json:
        emit_json({"id": doc.id, "sha256": doc.sha256, "media_type": doc.media_type, "size": doc.size})
    else:
        err_console.print(
            f"document {doc.id} stored ({doc.media_type}, {doc.size} bytes, sha256 {doc.sha256[:12]}…)",
            highlight=False,
        )


# -- denials ----------------------------------------------------------------------------------------
@denial_app.command("add")
@guarded
def denial_add(
    case: CaseOpt,
    denial_date: Annotated[str, typer.Option("--date", help="The date printed on the denial notice.")],
    codes: Annotated[str | None, typer.Option("--codes", help="e.g. 'CO-50, N115'.")] = None,
    text: Annotated[
        str | None, typer.Option("--text", help="The denial reason, as written in the letter.")
    ] = None,
    x12: Annotated[Path | None, typer.Option("--x12", help="An X12 835 remittance file.")] = None,
    claim: Annotated[
        str | None, typer.Option("--claim", help="The claim id in the 835 when it holds several claims.")
    ] = None,
    letter: Annotated[
        Path | None, typer.Option("--letter", help="The denial letter (PDF or image) to keep with it.")
    ] = None,
    received: Annotated[
        str | None, typer.Option("--received", help="When the notice arrived, if you know.")
    ] = None,
    as_of: AsOfOpt = None,
    fmt: FormatOpt = Format.text,
) -> None:
    """Record a denial with its codes, explain each code, and show the appeal deadline."""
    if not (codes or text or x12):
        raise BadInput("nothing to record", "give --codes, --text or --x12", where="--codes")
    day = as_of_option(as_of)
    notice = date_option(denial_date, "--date")
    assert notice is not None
    inputs: list[store_pkg.CodeInput] = []
    source = "typed"
    document: tuple[bytes, str, str | None] | None = None
    if codes:
        inputs += [
            store_pkg.CodeInput(c.system, c.code, c.group, None, c.explanation.known, "typed")
            for c in parse_codes(codes)
        ]
    if x12 is not None:
        raw = _read_file(x12, "--x12")
        try:
            adjustments = parse_835(raw.decode("utf-8", errors="replace"), str(x12))
        except BadInput as exc:
            raise exc.at(str(x12)) from None
        claims = sorted({a.claim_id for a in adjustments})
        if claim is not None:
            adjustments = [a for a in adjustments if a.claim_id == claim]
            if not adjustments:
                raise BadInput(
                    f"claim {claim!r} has no adjustments in this file",
                    "claims in it: " + ", ".join(claims),
                    str(x12),
                    "--claim",
                )
        elif len(claims) > 1:
            raise BadInput(
                f"this 835 holds {len(claims)} claims",
                "pick one with --claim: " + ", ".join(claims),
                str(x12),
                "--claim",
            )
        for a in adjustments:
            inputs.append(
                store_pkg.CodeInput(
                    "carc",
                    a.carc,
                    a.group,
                    str(a.amount),
                    a.explanation.known,
                    "835",
                    a.claim_id,
                    a.service_code,
                )
            )
            inputs += [
                store_pkg.CodeInput("rarc", r, None, None, explain_rarc(r).known, "835", a.claim_id)
                for r in a.rarcs
            ]
        source = "835"
        if len(claims) == 1:  # the file holds this claim only: keep it (never other people's claims)
            document = (raw, "remittance", x12.name)
    if text:
        inputs += [
            store_pkg.CodeInput(c.system, c.code, None, None, True, "text")
            for c in infer_from_text(text)
            if not any(i.code == c.code and i.system == c.system for i in inputs)
        ]
        source = source if (codes or x12) else "text"
    if letter is not None:
        if document is not None:
            raise BadInput(
                "give either --letter or a one-claim --x12 to keep, not both",
                "store the other with `backcover doc add`",
            )
        content = _read_file(letter, "--letter")
        store_pkg.check_document(content, "denial_letter", file=str(letter))
        document = (content, "denial_letter", letter.name)
    with _store() as store:
        c = store.get_case(case)
        d = store.add_denial(
            case,
            notice,
            as_of=day,
            codes=inputs,
            reason_text=text,
            received_date=date_option(received, "--received"),
            source=source,
            document=document,
        )
        dl = compute_deadlines(
            c.plan_kind, notice, received_date=d.received_date, urgent=c.urgent, service=c.service
        )
        data: dict[str, Any] = {
            "denial_id": d.id,
            "case_id": case,
            "codes": [store_pkg.code_json(x) for x in d.codes],
            "deadlines": dl.to_json(),
        }
    if fmt == Format.json:
        emit_json(data)
        return
    err_console.print(f"denial {d.id} recorded on case {case}", highlight=False)
    for x in data["codes"]:
        flag = " (unknown code: kept, not explained)" if not x["known"] else ""
        note = " (suggested by the letter's words)" if x["source"] == "text" else ""
        out_console.print(f"{x['label']}{flag}{note}: {x['explanation']['summary']}", highlight=False)
        if x["explanation"]["fix"]:
            out_console.print(f"  what usually fixes it: {x['explanation']['fix']}", highlight=False)
    first = dl.levels[0]
    if first.file_by:
        out_console.print(
            f"[bold]{first.name}: file by {first.file_by.isoformat()}[/] ({first.rule})", highlight=False
        )
    out_console.print(f"official code lists: {explain_carc('1').url}", highlight=False)


# -- prior authorization and appeals -----------------------------------------------------------------
@pa_app.command("set")
@guarded
def pa_set(
    case: CaseOpt,
    status: Annotated[
        str, typer.Option("--status", help="draft, submitted, pended, approved, denied, withdrawn.")
    ],
    on: Annotated[str | None, typer.Option("--date", help="When it happened (default today).")] = None,
    pa: Annotated[
        int | None, typer.Option("--pa", help="Which request (default: the case's latest; new if none).")
    ] = None,
    auth_number: Annotated[str | None, typer.Option("--auth-number")] = None,
    expires: Annotated[str | None, typer.Option("--expires")] = None,
    note: Annotated[str | None, typer.Option("--note")] = None,
) -> None:
    """Add a step to a prior-authorization request's timeline (creating the request if needed)."""
    day = date_option(on, "--date") or date.today()
    with _store() as store:
        c = store.get_case(case)
        if pa is None and c.pa_requests:
            pa = c.pa_requests[-1].id
        if pa is None:
            r = store.add_pa_request(
                case,
                on_date=day,
                status=status,
                note=note,
                auth_number=auth_number,
                expires_on=date_option(expires, "--expires"),
            )
        else:
            r = store.set_pa_status(
                pa,
                status,
                on_date=day,
                auth_number=auth_number,
                expires_on=date_option(expires, "--expires"),
                note=note,
            )
    err_console.print(f"prior authorization {r.id} on case {case}: {status}", highlight=False)


@appeal_app.command("add")
@guarded
def appeal_add(
    case: CaseOpt,
    level: Annotated[
        str,
        typer.Option("--level", help="e.g. internal_appeal, redetermination (see `backcover deadlines`)."),
    ],
    filed: Annotated[str | None, typer.Option("--filed")] = None,
    denial: Annotated[int | None, typer.Option("--denial")] = None,
    outcome: Annotated[
        str | None, typer.Option("--outcome", help="pending, overturned, upheld, partial, withdrawn.")
    ] = None,
    outcome_date: Annotated[str | None, typer.Option("--outcome-date")] = None,
) -> None:
    """Record an appeal when filed; record its outcome later (the same level's open appeal is updated)."""
    with _store() as store:
        c = store.get_case(case)
        if denial is None and c.denials:
            denial = c.denials[-1].id
        open_ = [x for x in c.appeals if x.level == level and x.outcome in (None, "pending")]
        if outcome not in (None, "pending") and open_ and filed is None:
            decided = date_option(outcome_date, "--outcome-date")
            if decided is None:
                raise BadInput("an outcome needs its date", "give --outcome-date", where="--outcome-date")
            assert outcome is not None
            a = store.set_appeal_outcome(open_[-1].id, outcome, decided)
        else:
            a = store.add_appeal(
                case,
                level,
                denial_id=denial,
                filed_on=date_option(filed, "--filed"),
                outcome=outcome,
                outcome_date=date_option(outcome_date, "--outcome-date"),
            )
    err_console.print(f"appeal {a.id} recorded on case {case}", highlight=False)


@appeal_app.command("p2p")
@guarded
def appeal_p2p(
    case: CaseOpt,
    requested: Annotated[str, typer.Option("--requested", help="When the peer-to-peer was requested.")],
    scheduled: Annotated[str | None, typer.Option("--scheduled")] = None,
    reviewer: Annotated[str | None, typer.Option("--reviewer", help="The payer's reviewer.")] = None,
    credentials: Annotated[
        str | None, typer.Option("--credentials", help="e.g. 'MD, orthopedic surgery'.")
    ] = None,
    outcome: Annotated[str | None, typer.Option("--outcome", help="e.g. approved, upheld.")] = None,
) -> None:
    """Record a peer-to-peer review request (and, later, who the reviewer was and the outcome)."""
    with _store() as store:
        r = store.add_peer_to_peer(
            case,
            date_option(requested, "--requested") or date.today(),
            scheduled_for=date_option(scheduled, "--scheduled"),
            reviewer_name=reviewer,
            reviewer_credentials=credentials,
            outcome=outcome,
        )
    err_console.print(f"peer-to-peer {r.id} recorded on case {case}", highlight=False)


@appeal_app.command("external")
@guarded
def appeal_external(
    case: CaseOpt,
    requested: Annotated[str, typer.Option("--requested", help="When external review was requested.")],
    organization: Annotated[
        str | None, typer.Option("--organization", help="The review organization.")
    ] = None,
    decision: Annotated[
        str | None, typer.Option("--decision", help="overturned or upheld, once known.")
    ] = None,
    decided: Annotated[str | None, typer.Option("--decided")] = None,
) -> None:
    """Record an external review request (and its decision once known)."""
    with _store() as store:
        r = store.add_external_review(
            case,
            date_option(requested, "--requested") or date.today(),
            organization=organization,
            decision=decision,
            decided_on=date_option(decided, "--decided"),
        )
    err_console.print(f"external review {r.id} recorded on case {case}", highlight=False)


def _determination(case: Case, records: list[Path], determination: Path | None, day: date) -> tuple[Any, Any]:
    """The determination view for the letter (or None), and the record when one was given."""
    from backcover.documents import DeterminationView

    if determination is not None:
        try:
            data = orjson.loads(_read_file(determination, "--determination", limit=None))
        except orjson.JSONDecodeError as exc:
            raise BadInput(
                f"not JSON ({exc.msg})",
                "give the output of `backcover check --format json`",
                str(determination),
            ) from None
        view = DeterminationView.from_json(data)
        if not records:
            return view, None
        from backcover.record.load import load_record

        record = load_record(records)
        return view.with_labels(store_pkg.evidence_labels(record)), record
    if not records:
        return None, None
    try:
        engine: Any = importlib.import_module("backcover.engine")
    except ImportError:
        raise BadInput(
            "the coverage engine is not available in this build",
            "give --determination with `backcover check --format json` output",
        ) from None
    from backcover.record.load import load_record

    record = load_record(records)
    payer = {"marketplace": "commercial", "medicaid-ffs": "medicaid"}.get(case.payer, case.payer)
    det = engine.check(record, case.procedure_code, payer, setting=case.setting, state=case.state, as_of=day)
    return DeterminationView.from_engine(det).with_labels(store_pkg.evidence_labels(record)), record


@appeal_app.command("draft")
@guarded
def appeal_draft(
    case: CaseOpt,
    kind: Annotated[
        LetterKind, typer.Option("--kind", help="appeal, packet (prior auth), p2p, external, gfe.")
    ] = LetterKind.appeal,
    record: Annotated[
        list[Path] | None,
        typer.Option("--record", help="FHIR or treatment-log files for the coverage check."),
    ] = None,
    determination: Annotated[
        Path | None, typer.Option("--determination", help="`backcover check --format json` output.")
    ] = None,
    out: Annotated[Path | None, typer.Option("--out", help="Where to write the PDF.")] = None,
    html: Annotated[bool, typer.Option("--html", help="Write HTML instead of PDF.")] = False,
    final: Annotated[bool, typer.Option("--final", help="Leave out the review box.")] = False,
    sender: Annotated[
        str, typer.Option("--from", help="Who signs: patient (default) or provider (clinic staff).")
    ] = "patient",
    keep: Annotated[
        bool, typer.Option("--keep", help="Also keep the PDF with the case's documents.")
    ] = False,
    as_of: AsOfOpt = None,
) -> None:
    """Write the appeal letter (or another letter) for a case as a PDF, from the store's details."""
    from backcover.documents import render_html, render_pdf
    from backcover.store import build_letter

    day = as_of_option(as_of)
    with _store() as store:
        c = store.get_case(case)
        det, rec = _determination(c, list(record or []), determination, day)
        if sender not in ("patient", "provider"):
            raise BadInput(
                f"--from must be patient or provider, not {sender!r}", "use --from provider", where="--from"
            )
        doc = build_letter(store, c, kind.value, det, day, record=rec, sender=sender)
    data = (
        render_html(doc, show_warnings=not final).encode()
        if html
        else render_pdf(doc, show_warnings=not final)
    )
    target = out or Path(f"backcover-case-{case}-{kind.value}.{'html' if html else 'pdf'}")
    atomic_write_bytes(target, data)
    for w in doc.warnings():
        err_console.print(f"[yellow]check:[/] {w}", highlight=False)
    err_console.print(f"wrote {target} ({len(data)} bytes)", highlight=False)
    if keep:
        if html:
            raise BadInput("--keep stores PDFs only", "leave out --html", where="--keep")
        doc_type = {"appeal": "appeal_letter", "packet": "prior_auth"}.get(kind.value, "letter")
        with _store() as store:
            kept = store.add_document(
                c.patient_id,
                data,
                doc_type,
                doc_date=day,
                source="backcover",
                filename=target.name,
                case_id=case,
            )
        err_console.print(f"kept as document {kept.id} on case {case}", highlight=False)


# -- export / import --------------------------------------------------------------------------------
@app.command("export")
@guarded
def export_cmd(out: Annotated[Path, typer.Option("--out", help="The archive file to write (JSON).")]) -> None:
    """Export everything (patients, cases, documents, audit log) as one JSON archive."""
    with _store() as store:
        archive = store.export_archive()
    atomic_write_bytes(out, orjson.dumps(archive))
    counts = {k: len(v) for k, v in archive["tables"].items() if v}
    err_console.print(f"wrote {out}: " + ", ".join(f"{v} {k}" for k, v in counts.items()), highlight=False)


@app.command("import")
@guarded
def import_cmd(
    file: Annotated[Path, typer.Argument(help="An archive written by `backcover export`.")],
) -> None:
    """Import an archive into an empty store."""
    raw = _read_file(file, "FILE", limit=None)
    try:
        archive = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise BadInput(
            f"not JSON ({exc.msg})", "give a file written by `backcover export`", str(file)
        ) from None
    with _store() as store:
        counts = store.import_archive(archive, file=str(file))
    err_console.print("imported " + ", ".join(f"{v} {k}" for k, v in counts.items() if v), highlight=False)

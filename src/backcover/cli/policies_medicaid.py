"""`backcover policies medicaid`: the Medicaid-by-state table, each fact with its source.

Registered on the ``policies`` group by ``cli/policies.py`` (``policies_app.command("medicaid")``).
"""

from __future__ import annotations

from typing import Any

import typer
from rich.table import Table
from rich.text import Text

from backcover import DISCLAIMER
from backcover.cli._app import emit_json, guarded, out_console
from backcover.cli.record import Format, FormatOpt
from backcover.engine import StateProgram, medicaid_table
from backcover.engine._medicaid import MEDICAID_STATES, PA_SERVICES, BenefitFact, PaFact
from backcover.errors import BadInput
from backcover.states import parse_state, state_name

__all__ = ["medicaid_check_line", "medicaid_cmd"]

_MARK = {"confirmed": "✅", "secondary": "◐", "unconfirmed": "❓"}
_WORD = {
    "covered": "covered",
    "limited": "limited",
    "not_covered": "not covered",
    "unconfirmed": "unconfirmed",
    "required": "PA required",
    "not_required": "no PA",
}
_SHORT_PA = {
    "advanced_imaging": "imaging",
    "injections": "injections",
    "spinal_cord_stimulator": "SCS",
    "spine_surgery": "surgery",
}


@guarded
def medicaid_cmd(
    state: str | None = typer.Option(None, "--state", help="One state (NY or New York); all when left out."),
    format: FormatOpt = Format.text,
) -> None:
    """Medicaid by state: adult chiropractic, acupuncture and physical therapy, and which back-care
    services need prior authorization, each fact with its source and how sure it is."""
    table = medicaid_table()
    if state is not None:
        code = parse_state(state)
        if code not in MEDICAID_STATES:
            raise BadInput(
                f"backcover's Medicaid table has no entry for {state_name(code)}",
                "the table covers the 50 states and DC; give one of those",
                where="--state",
            )
        chosen = [table.states[code]]
    else:
        chosen = list(table.states.values())
    full = table.fully_sourced
    if format is Format.json:
        emit_json(
            {
                "checked": table.checked.isoformat() if table.checked else None,
                "states": [p.to_json() for p in chosen],
                "fully_sourced": {"count": len(full), "of": len(table.states), "states": list(full)},
                "note": DISCLAIMER,
            }
        )
        return
    if len(chosen) == 1:
        _print_one(chosen[0])
    else:
        _print_all(chosen)
    out_console.print(
        Text(
            f"{len(full)} of {len(table.states)} states fully sourced (every fact read on the program's own "
            f"pages): {', '.join(full) or 'none'}. ✅ program's page · ◐ secondary source · ❓ unconfirmed.",
            style="bold",
        )
    )
    out_console.print(
        Text(
            "Facts are for adults in the state's fee-for-service or standard Medicaid benefit; managed-care "
            "plans cover at least these benefits and set their own prior-authorization lists.",
            style="dim",
        )
    )
    out_console.print(Text(DISCLAIMER, style="italic dim"))


def _cell(value: str, confidence: str, extra: str = "") -> str:
    return f"{_MARK[confidence]} {_WORD.get(value, value)}{extra}"


def _benefit_cell(f: BenefitFact) -> str:
    extra = f", {f.visit_limit.text()}" if f.visit_limit else ""
    return _cell(f.coverage, f.confidence, extra)


def _print_all(chosen: list[StateProgram]) -> None:
    t = Table(title="Medicaid by state (adults)", expand=True, show_lines=False)
    t.add_column("State", no_wrap=True)
    columns = (("Program", 2), ("Chiropractic", 2), ("Acupuncture", 2), ("Physical therapy", 2))
    for head, ratio in (*columns, ("Prior authorization", 3)):
        t.add_column(head, ratio=ratio)
    for p in chosen:
        pa = "; ".join(
            f"{_SHORT_PA[k]} {_cell(f.required, f.confidence)}" for k, f in p.prior_authorization.items()
        )
        if p.reviewers:
            pa += f" (reviewer: {', '.join(p.reviewers)})"
        t.add_row(
            p.state + (" ✔" if p.fully_sourced else ""),
            p.program,
            _benefit_cell(p.benefits["chiropractic"]),
            _benefit_cell(p.benefits["acupuncture"]),
            _benefit_cell(p.benefits["physical_therapy"]),
            pa,
        )
    out_console.print(t)
    out_console.print(Text("Sources (✔ after a state: fully sourced):", style="bold"))
    for p in chosen:
        cited = [(name, f) for name, f in _facts(p) if f.source is not None]
        if not cited:
            continue
        out_console.print(Text(f"{p.state} {p.program}", style="bold"))
        for name, f in cited:
            assert f.source is not None
            out_console.print(
                f"  {_MARK[f.confidence]} {name}: {f.source.section} <{f.source.url}>", soft_wrap=True
            )


def _facts(p: StateProgram) -> list[tuple[str, BenefitFact | PaFact]]:
    out: list[tuple[str, BenefitFact | PaFact]] = [(k.replace("_", " "), f) for k, f in p.benefits.items()]
    out += [(f"prior authorization, {PA_SERVICES[k]}", f) for k, f in p.prior_authorization.items()]
    return out


def _print_one(p: StateProgram) -> None:
    head = Text(f"{p.label}\n", style="bold")
    if p.agency:
        head.append(f"{p.agency}\n")
    head.append(
        "fully sourced\n" if p.fully_sourced else "not fully sourced\n",
        style="green" if p.fully_sourced else "yellow",
    )
    if p.note:
        head.append(p.note + "\n", style="dim")
    out_console.print(head)
    for name, f in _facts(p):
        value = f.coverage if isinstance(f, BenefitFact) else f.required
        line = Text(f"{_MARK[f.confidence]} {name}: ", style="bold")
        line.append(_WORD.get(value, value))
        if isinstance(f, BenefitFact):
            if f.visit_limit:
                line.append(f"; visit limit {f.visit_limit.text()}")
            if f.prior_authorization:
                pa = f.prior_authorization.replace("_", " ")
                if f.pa_after_visits:
                    pa = f"after {f.pa_after_visits} visits"
                line.append(f"; prior authorization: {pa}")
            if f.limits:
                line.append(f"\n    {f.limits}")
        elif f.reviewer:
            line.append(f"; reviewed by {f.reviewer}")
        if f.note:
            line.append(f"\n    note: {f.note}", style="dim")
        if f.source is not None:
            when = (
                f"in force from {f.source.effective.isoformat()}"
                if f.source.effective
                else f"read {f.source.checked.isoformat() if f.source.checked else ''}"
            )
            line.append(f"\n    source: {f.source.section}, {when} <{f.source.url}>", style="dim")
        out_console.print(line, soft_wrap=True)


def medicaid_check_line(data: dict[str, Any]) -> str:
    """The text line of `backcover check` for its ``medicaid_state`` object."""
    state = str(data.get("state_name") or data.get("state"))
    name = f"{state} Medicaid"
    if not data.get("program"):
        return f"{name}: not in backcover's Medicaid table; the general Medicaid answer applies."
    parts = []
    for f in data.get("facts") or ():
        fact = (
            str(f.get("fact", "")).replace("prior_authorization.", "prior authorization, ").replace("_", " ")
        )
        value = str(f.get("coverage") or f.get("required") or "")
        text = f"{fact} {_WORD.get(value, value)}"
        limit = f.get("visit_limit")
        if limit:
            text += f" ({limit['visits']} visits per {limit['per']})"
        if f.get("reviewer"):
            text += f", reviewed by {f['reviewer']}"
        parts.append(f"{_MARK.get(str(f.get('confidence')), '')} {text}")
    facts = "; ".join(parts) if parts else "no fact in the table for this service"
    sources = ", ".join(data.get("sources") or ()) or "none"
    sourced = "fully sourced" if data.get("fully_sourced") else "not fully sourced"
    program = str(data["program"])
    head = program if state in program else f"{program}, {name}"
    return f"Medicaid by state: {head} (adults; {sourced}): {facts}. Sources: {sources}"

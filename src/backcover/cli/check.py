"""`backcover check`: the coverage determination of CONTRACTS.md section 1, as JSON or readable text."""

from __future__ import annotations

from typing import Any

import typer

from backcover import DISCLAIMER, catalog
from backcover.cli._app import app, as_of_option, emit_json, err_console, guarded, out_console
from backcover.cli.policies_medicaid import medicaid_check_line
from backcover.cli.record import Format, FormatOpt, PatientOpt, RecordOpt
from backcover.engine import (
    Determination,
    PolicyRef,
    check,
    normalise_payer,
    normalise_state,
    resolve_insurer,
)
from backcover.knowledge import Knowledge
from backcover.services import read_files
from backcover.vocab import CriterionStatus, Decision, PriorAuth

__all__ = ["check_cmd", "render_determination"]

# Colours by decision and status; the words are the vocabulary's labels.
_DECISION_STYLE = {
    Decision.MEETS_CRITERIA: "green",
    Decision.NEEDS_DOCUMENTATION: "yellow",
    Decision.CRITERIA_NOT_MET: "red",
    Decision.NOT_COVERED: "bold red",
}
_STATUS_STYLE = {
    CriterionStatus.MET: "green",
    CriterionStatus.NOT_MET: "red",
    CriterionStatus.UNKNOWN: "yellow",
    CriterionStatus.NOT_APPLICABLE: "dim",
}
# After "Prior authorization: " (the vocabulary's labels repeat those words).
_PA = {
    PriorAuth.REQUIRED: "required",
    PriorAuth.NOT_REQUIRED: "not required",
    PriorAuth.PLAN_DEPENDENT: "depends on the plan",
}


def render_determination(d: Determination) -> list[Any]:
    """Rich renderables for a determination (used by `check` and by `policies show --record`)."""
    from rich.panel import Panel  # only the text format needs these
    from rich.table import Table
    from rich.text import Text

    decision = Decision(d.decision)
    style, label = _DECISION_STYLE[decision], decision.label
    head = Text()
    head.append(f"{d.procedure.name} ({d.procedure.code})\n", style="bold")
    who = f" · insurer {d.insurer}" if d.insurer else ""
    if not d.insurer and d.payer != "medicare":
        who = " · insurer not named (generic guidelines)"
    head.append(
        f"payer {d.payer}{who} · setting {d.setting} · state {d.state or 'not given'} · as of "
        f"{d.as_of.isoformat()}\n"
    )
    head.append("Decision: ")
    head.append(label, style=style)
    head.append("\nPrior authorization: ")
    head.append(_PA[PriorAuth(d.prior_authorization)], style="bold")
    if d.earliest_eligible_date:
        head.append("\nEarliest date the criteria could be met: ")
        head.append(d.earliest_eligible_date.isoformat(), style="bold")
    out: list[Any] = [Panel(head, title="backcover check", expand=False)]
    table = Table(show_lines=True, expand=True)
    table.add_column("Status", no_wrap=True)
    table.add_column("Criterion", ratio=2)
    table.add_column("What the record shows", ratio=3)
    table.add_column("Source", ratio=1)
    for c in d.criteria:
        status = CriterionStatus(c.status)
        s_style, s_label = _STATUS_STYLE[status], status.label
        crit = Text(c.summary)
        if c.branch:
            crit.append(f"\n({c.branch}; one alternative is enough)", style="dim")
        if not c.required:
            crit.append("\n(shown by the claim or notes)", style="dim")
        if c.confidence:
            crit.append(" *", style="italic yellow")
        shows = Text(c.explanation)
        if c.status in ("unknown", "not_met") and c.required:
            shows.append(f"\nTo satisfy: {c.to_satisfy}", style="cyan")
        table.add_row(
            Text(s_label, style=s_style),
            crit,
            shows,
            Text(f"{c.source.policy}\n{c.source.section}", style="dim"),
        )
    out.append(table)
    if any(c.confidence for c in d.criteria):
        out.append(
            Text(
                "* from a secondary source or not confirmed on the payer's own page (see the notes).",
                style="italic yellow",
            )
        )
    pol = Text("Policies: ", style="bold")
    pol.append("; ".join(_policy_line(p) for p in d.policies))
    out.append(pol)
    if d.prior_authorization_basis:
        out.append(Text("Prior authorization: " + "; ".join(d.prior_authorization_basis)))
    if d.medicaid_state is not None:
        out.append(Text(medicaid_check_line(d.medicaid_state)))
    if d.notes:
        notes = Text("Notes:\n", style="bold")
        for n in d.notes:
            notes.append(f"• {n}\n", style="")
        out.append(notes)
    out.append(Text(DISCLAIMER, style="italic dim"))
    return out


def _policy_line(p: PolicyRef) -> str:
    version = f", {p.version}" if p.version else ""
    since = f", in force from {p.effective.isoformat()}" if p.effective else ""
    until = f" to {p.until.isoformat()}" if p.until else ""
    by = f" (published by {p.publisher})" if p.publisher else ""
    return f"{p.id} {p.title}{by}{version}{since}{until} <{p.url}>"


@app.command("check")
@guarded
def check_cmd(
    record: RecordOpt,
    procedure: str = typer.Option(..., "--procedure", help="CPT/HCPCS code, e.g. 62323, 64635, 72148."),
    payer: str = typer.Option(..., "--payer", help="medicare, medicare-advantage, commercial or medicaid."),
    setting: str | None = typer.Option(
        None, "--setting", help="office, asc, hospital-outpatient or inpatient."
    ),
    state: str | None = typer.Option(
        None, "--state", help="State of the patient and service (NY or New York)."
    ),
    patient: PatientOpt = None,
    as_of: str | None = typer.Option(
        None, "--as-of", help="Date of the question (YYYY-MM-DD); default today."
    ),
    insurer: str | None = typer.Option(
        None,
        "--insurer",
        help="The insurer whose own policies to use (aetna, cigna, unitedhealthcare, anthem, humana; "
        "`backcover policies insurers` lists them). Without it, generic guidelines are used.",
    ),
    format: FormatOpt = Format.text,
) -> None:
    """Does the record meet the payer's criteria for this procedure, and is prior authorization needed?"""
    # Check the question before reading any record, so that a typo fails fast.
    resolve_insurer(insurer, normalise_payer(payer), Knowledge.packaged())
    normalise_state(state)
    catalog.resolve(procedure, setting)
    day = as_of_option(as_of)
    rec = read_files(record, patient)  # a folder's non-FHIR files are skipped, each with a warning
    for w in rec.warnings:
        if w.startswith("skipped "):
            err_console.print(f"warning: {w}", highlight=False, markup=False, soft_wrap=True)
    result = check(rec, procedure, payer, setting=setting, state=state, as_of=day, insurer=insurer)
    if format is Format.json:
        emit_json(result.to_json())
        return
    for part in render_determination(result):
        out_console.print(part)

"""`backcover demo`: a walkthrough on the built-in sample patient."""

from __future__ import annotations

from datetime import date

from rich.rule import Rule

from backcover import DISCLAIMER
from backcover.cli._app import app, guarded, out_console
from backcover.cli.check import render_determination
from backcover.engine import check
from backcover.knowledge import KNOWLEDGE_DIR
from backcover.record.load import load_record
from backcover.record.model import Record
from backcover.record.render import render_record

__all__: list[str] = []

SAMPLE = [KNOWLEDGE_DIR / "sample" / "alex-ehr.json", KNOWLEDGE_DIR / "sample" / "alex-log.yaml"]
DEMO_AS_OF = date(2026, 11, 27)


@app.command("demo")
@guarded
def demo() -> None:
    """Walk through backcover on a built-in sample patient (fictional)."""
    out_console.print(Rule("backcover demo: Alex Rivera (fictional sample patient)"))
    out_console.print(
        "An EHR export (FHIR R4) and Alex's own treatment log are merged into one record:\n", highlight=False
    )
    record = load_record(SAMPLE)
    out_console.print(render_record(record))
    _check_and_estimate(record)
    out_console.print(Rule())
    out_console.print(
        "Try it on your own files:\n"
        "  backcover record show --record my-export.json --record my-log.yaml\n"
        "  backcover log add pain --date 2026-11-27 --score 6\n",
        highlight=False,
    )
    out_console.print(DISCLAIMER, style="italic")


def _check_and_estimate(record: Record) -> None:
    """The two questions a patient asks next: will it be covered, and what will it cost?"""
    from backcover.cli._costs_text import print_estimate
    from backcover.costs import episode_info, episode_lines, estimate, parse_plan, template_text

    code, payer, state = "64483", "medicare", "PA"
    out_console.print(
        Rule("Will Original Medicare cover a transforaminal epidural steroid injection (64483)?")
    )
    det = check(record, code, payer, setting="office", state=state, as_of=DEMO_AS_OF)
    for part in render_determination(det):
        out_console.print(part)
    out_console.print(Rule("What would it cost on Original Medicare with no Medigap?"))
    plan = parse_plan(template_text("original-medicare"), "original-medicare")
    lines = episode_lines(code, "office", plan)
    proc, setting, tmpl = episode_info(code, "office")
    print_estimate(
        estimate(plan, lines), {"procedure": proc.to_json(), "setting": setting, "included": tmpl.included}
    )

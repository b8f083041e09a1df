"""`backcover demo`: a walkthrough on the built-in sample patient."""

from __future__ import annotations

import importlib
from datetime import date
from typing import Any

from rich.rule import Rule

from backcover import DISCLAIMER
from backcover.cli._app import app, guarded, out_console
from backcover.knowledge import KNOWLEDGE_DIR
from backcover.record.load import load_record
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
    _maybe_check(record)
    out_console.print(Rule())
    out_console.print(
        "Try it on your own files:\n"
        "  backcover record show --record my-export.json --record my-log.yaml\n"
        "  backcover log add pain --date 2026-11-27 --score 6\n",
        highlight=False,
    )
    out_console.print(DISCLAIMER, style="italic")


def _maybe_check(record: Any) -> None:
    """Show a coverage check when the engine is installed (it is part of the full package)."""
    try:
        engine = importlib.import_module("backcover.engine")
        render = importlib.import_module("backcover.engine.render")
    except ModuleNotFoundError:
        return
    out_console.print(Rule("Will Medicare cover a lumbar transforaminal epidural steroid injection (64483)?"))
    det = engine.check(record, "64483", "medicare", setting="office", state="PA", as_of=DEMO_AS_OF)
    out_console.print(render.render_determination(det))

"""The command line in plain words: --version, the treatment log's show/edit/delete, a folder with
files that are not records, names without Synthea's digits, and search in plain words."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from typer.testing import CliRunner

from backcover import __version__
from backcover.catalog import search
from backcover.cli import app
from backcover.names import plain_name
from tests.conftest import DATA, EXAMPLES, SYNTHEA_FILES, SYNTHEA_LBP

runner = CliRunner()


def test_version() -> None:
    r = runner.invoke(app, ["--version"])
    assert r.exit_code == 0
    assert r.stdout.strip() == f"backcover {__version__}"


def test_log_show_edit_and_delete(tmp_path: Path) -> None:
    log = str(tmp_path / "log.yaml")
    assert (
        runner.invoke(
            app, ["log", "add", "pain", "--date", "2026-01-02", "--score", "7", "--log", log]
        ).exit_code
        == 0
    )
    r = runner.invoke(
        app, ["log", "add", "medicine", "--name", "ibuprofen", "--start", "2026-01-03", "--log", log]
    )
    assert r.exit_code == 0
    shown = runner.invoke(app, ["log", "show", "--log", log])
    assert "pain 1: date: 2026-01-02, score: 7" in shown.stdout
    assert "medicines 1: name: ibuprofen" in shown.stdout

    assert runner.invoke(app, ["log", "edit", "pain", "1", "--set", "score=5", "--log", log]).exit_code == 0
    bad = runner.invoke(app, ["log", "edit", "pain", "1", "--set", "score=50", "--log", log])
    assert bad.exit_code == 2 and "0 to 10" in bad.stderr  # nothing written
    assert runner.invoke(app, ["log", "delete", "medicines", "1", "--yes", "--log", log]).exit_code == 0
    gone = runner.invoke(app, ["log", "delete", "medicines", "1", "--yes", "--log", log])
    assert gone.exit_code == 2 and "no medicines entry number 1" in gone.stderr

    data = json.loads(runner.invoke(app, ["log", "show", "--format", "json", "--log", log]).stdout)
    assert data["entries"] == [
        {"section": "pain", "number": 1, "fields": {"date": "2026-01-02", "score": 5, "scale": "nrs"}}
    ]


def test_a_folder_import_skips_what_is_not_a_record(tmp_path: Path) -> None:
    folder = tmp_path / "export"
    folder.mkdir()
    for f in SYNTHEA_FILES:
        shutil.copy(f, folder)
    shutil.copy(DATA / "hpt-v3-schema.json", folder)  # JSON, but not FHIR
    r = runner.invoke(
        app, ["record", "show", "--record", str(folder), "--patient", SYNTHEA_LBP, "--format", "json"]
    )
    assert r.exit_code == 0, r.stderr
    assert "skipped" in r.stderr and "hpt-v3-schema.json" in r.stderr
    assert json.loads(r.stdout)["patient"]["name"].startswith("Corrin41")  # JSON keeps the source's value

    empty = tmp_path / "nothing"
    empty.mkdir()
    shutil.copy(DATA / "hpt-v3-schema.json", empty)
    r = runner.invoke(app, ["record", "show", "--record", str(empty)])
    assert r.exit_code == 2 and "no file in the folder" in r.stderr


def test_names_and_the_choice_of_person_without_synthea_digits() -> None:
    assert plain_name("Corrin41 Sau887 Jast432") == "Corrin Sau Jast"
    assert plain_name("Mary O'Neil") == "Mary O'Neil"
    r = runner.invoke(app, ["record", "show", *[a for f in SYNTHEA_FILES for a in ("--record", str(f))]])
    assert r.exit_code == 2
    assert "Corrin Sau Jast, born 1986-11-19" in " ".join(r.stderr.split())
    text = runner.invoke(app, ["record", "show", "--record", str(EXAMPLES / "check-tfesi-medicare.json")])
    assert text.exit_code == 0


def test_search_in_plain_words() -> None:
    def families(q: str) -> list[str]:
        return [p.family for p in search(q)]

    assert families("nerve burning") == ["facet_rfa"]
    assert families("nerve test") == ["emg_ncs"]
    assert {"laminectomy", "lumbar_fusion", "lumbar_adr"} <= set(families("back surgery"))
    injections = families("injection")
    assert "lumbar_ct" not in injections  # "injection" has the letters "ct" in it, not the word
    assert injections[:2] == ["esi_interlaminar", "esi_transforaminal"]
    assert families("epidu")[:1] == ["esi_interlaminar"]  # a word still being typed

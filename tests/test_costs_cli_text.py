"""`backcover estimate`'s text: each long citation is printed once, as a numbered footnote with a
Sources list at the end; the JSON keeps every citation on its own line."""

from __future__ import annotations

import json
import re

from typer.testing import CliRunner

from backcover.cli import app
from backcover.cli._footnotes import Footnotes

runner = CliRunner()
HCCI = "https://healthcostinstitute.org/hcci-research/comparing-commercial-and-medicare-professional-service-prices"
ARGS = ["estimate", "--plan", "ppo", "--procedure", "63030", "--setting", "asc"]


def test_the_same_citation_gets_the_same_number_and_is_listed_once() -> None:
    fn = Footnotes()
    a = fn.cite("fee [table; https://a.example/x, 2026] x 1.22 (multiple: https://b.example/y)")
    b = fn.cite("other fee (office only) x 1.22 (multiple: https://b.example/y)")
    assert a == "fee [1] x 1.22 [2]"
    assert b == "other fee (office only) x 1.22 [2]"  # a parenthesis without an address stays
    assert fn.sources() == ["[1] table; https://a.example/x, 2026", "[2] multiple: https://b.example/y"]
    assert fn.cite("a (b [c) https://d.example] e") == "a (b [c) https://d.example] e"  # unbalanced: as is
    assert fn.cite("1) no citation here") == "1) no citation here"


def test_estimate_text_prints_each_citation_once() -> None:
    res = runner.invoke(app, ARGS)
    assert res.exit_code == 0, res.output
    out = " ".join(res.stdout.split())  # the console wraps long lines
    assert out.count(HCCI) == 1, "the HCCI citation is printed once, in the Sources list"
    lines, sources = out.split(" Sources: ", 1)
    entries = dict(
        re.findall(r"\[(\d+)\] (.*?)(?= \[\d+\] |$)", sources.split(" backcover is information")[0])
    )
    assert list(entries) == [str(n) for n in range(1, len(entries) + 1)]
    hcci = next(n for n, text in entries.items() if HCCI in text)
    assert lines.count(f"[{hcci}]") >= 3  # the MRI, the surgeon and the therapy lines point to it
    assert "information, not legal or medical advice" in sources
    used = set(re.findall(r"\[(\d+)\]", lines))
    assert used and used <= set(entries)  # every footnote used above is in the list


def test_estimate_json_keeps_the_citations_on_each_line() -> None:
    res = runner.invoke(app, [*ARGS, "--format", "json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    with_hcci = [ln for ln in data["lines"] if HCCI in (ln.get("price_source") or "")]
    assert len(with_hcci) >= 3
    assert not any(re.search(r"\[\d+\]", ln.get("price_source") or "") for ln in data["lines"])

"""Costs answer from the knowledge they are given: a folder laid over the packaged files changes the
prices, the program amounts and the episodes an estimate uses, and leaves the packaged answers alone."""

from __future__ import annotations

import pickle
from decimal import Decimal
from pathlib import Path

import pytest

from backcover.costs import (
    Line,
    compare_plans,
    episode_lines,
    estimate,
    estimate_request,
    load_plan,
    parse_lines,
    parse_plan,
    pathway,
    template_path,
    templates,
)
from backcover.costs._episodes import episode_info
from backcover.costs._prices import builtin_tables
from backcover.errors import BadInput
from backcover.knowledge import KNOWLEDGE_DIR, Knowledge

MEDICARE = "kind: medicare\nname: Original Medicare\nyear: 2026\nmedigap: none\n"


def _overlay(tmp: Path, relative: str, old: str, new: str) -> Knowledge:
    """A bundle whose copy of one packaged file has ``old`` replaced by ``new``."""
    text = (KNOWLEDGE_DIR / relative).read_text(encoding="utf-8")
    assert old in text, f"{relative} no longer has {old!r}"
    target = tmp / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text.replace(old, new, 1), encoding="utf-8")
    return Knowledge.from_dir(tmp)


def _surgeon(lines: list[Line]) -> Decimal | None:
    [surgeon] = [x for x in lines if x.role == "surgeon"]
    return surgeon.allowed


def test_a_changed_price_table_changes_the_episode_price_and_the_estimate(tmp_path: Path) -> None:
    kb = _overlay(tmp_path, "prices/medicare-2026.yaml", 'pfs_facility: "898.15"', 'pfs_facility: "1000.00"')
    plan = parse_plan(MEDICARE, knowledge=kb)
    mine = episode_lines("63030", "asc", plan, knowledge=kb)
    packaged = episode_lines("63030", "asc", plan)
    assert _surgeon(mine) == Decimal("1000.00")
    assert _surgeon(packaged) == Decimal("898.15")  # the packaged bundle is untouched
    # The deductible is met by the earlier lines of the episode, so the surgeon's line is 20% of the
    # allowed amount: 20% of the 101.85 more is 20.37 more to pay.
    body = {"plan": {"kind": "medicare", "year": 2026}, "procedure": "63030", "setting": "asc"}
    [mine_line] = [x for x in estimate_request(body, knowledge=kb)["lines"] if x["role"] == "surgeon"]
    [packaged_line] = [x for x in estimate_request(body)["lines"] if x["role"] == "surgeon"]
    assert mine_line["allowed"] == "1000.00"
    assert Decimal(mine_line["patient"]) - Decimal(packaged_line["patient"]) == Decimal("20.37")


def test_changed_program_amounts_change_the_medicare_deductible_and_its_note(tmp_path: Path) -> None:
    kb = _overlay(
        tmp_path, "plans/program-amounts.yaml", 'part_b_deductible: "283"', 'part_b_deductible: "300"'
    )
    plan = parse_plan(MEDICARE, knowledge=kb)
    assert plan.deductible.individual == Decimal("300")
    lines = parse_lines("lines: [{id: surgeon, benefit: outpatient_physician, allowed: 1000.00}]")
    est = estimate(plan, lines, knowledge=kb).to_json()
    # 300 deductible + 20% of the other 700 = 440.
    assert (est["lines"][0]["deductible"], est["lines"][0]["patient"]) == ("300.00", "440.00")
    assert any("Part B deductible $300" in n for n in est["notes"])
    assert parse_plan(MEDICARE).deductible.individual == Decimal("283")


def test_the_medigap_n_office_copay_comes_from_the_program_amounts(tmp_path: Path) -> None:
    kb = _overlay(
        tmp_path, "plans/program-amounts.yaml", 'office_visit_copay_max: "20"', 'office_visit_copay_max: "25"'
    )
    plan = load_plan(template_path("original-medicare-medigap-n"), knowledge=kb)
    visit = {"id": "visit", "benefit": "specialist_visit", "allowed": "400.00"}
    body = {"plan": "original-medicare-medigap-n", "lines": [visit]}
    assert plan.medigap == "N"
    mine = estimate_request(body, knowledge=kb)
    packaged = estimate_request(body)
    # 400 - 283 deductible = 117; 20% of it is 23.40, which the $25 (not $20) copay cap leaves to you.
    assert mine["lines"][0]["patient"] == "306.40"
    assert packaged["lines"][0]["patient"] == "303.00"
    assert any("up to $25 of an office visit" in n for n in mine["lines"][0]["notes"])


def test_a_folder_with_its_own_plan_template_and_pathway(tmp_path: Path) -> None:
    (tmp_path / "plans").mkdir()
    (tmp_path / "plans" / "clinic-ppo.yaml").write_text(
        (KNOWLEDGE_DIR / "plans" / "ppo.yaml")
        .read_text(encoding="utf-8")
        .replace("name:", "name: Clinic", 1),
        encoding="utf-8",
    )
    kb = _overlay(
        tmp_path,
        "plans/pathways.yaml",
        "pathways:\n",
        "pathways:\n  one-visit:\n    title: One visit\n    care:\n"
        '      - {visit: specialist_visit, code: "99213", times: 1}\n',
    )
    assert "clinic-ppo" in templates(knowledge=kb)
    assert "clinic-ppo" not in templates()
    plan = load_plan(template_path("clinic-ppo", knowledge=kb), knowledge=kb)
    title, care = pathway("one-visit", knowledge=kb)
    cmp = compare_plans([plan], care, title=title, knowledge=kb).to_json()
    assert cmp["care"] == "One visit"
    assert cmp["plans"][0]["plan"].startswith("Clinic")
    with pytest.raises(BadInput, match="no care pathway named 'one-visit'"):
        pathway("one-visit")


def test_parsed_knowledge_pickles_without_yaml_nodes() -> None:
    kb = Knowledge.packaged()
    for value in (builtin_tables(kb), episode_info("63030", "asc")[2], load_plan(template_path("hdhp-hsa"))):
        again = pickle.loads(pickle.dumps(value))
        assert again == value
        assert "ruamel" not in pickle.dumps(value).decode("latin-1")

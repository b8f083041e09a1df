"""Generic packs (no insurer named) follow their cited policy and say where insurers differ."""

from __future__ import annotations

from datetime import date

import pytest

from backcover.engine import Determination, check
from backcover.record.model import Item, ItemKind
from tests.engine_builders import care, dx, item, mri, nrs, record

AS_OF = date(2026, 6, 1)


def status(d: Determination, cid: str) -> str:
    return next(str(c.status) for c in d.criteria if c.id == cid)


def confidence(d: Determination, cid: str) -> str:
    return next(c.confidence or "" for c in d.criteria if c.id == cid)


def fusion(*extra: Item) -> list[Item | list[Item]]:
    return [
        dx("M43.16", date(2025, 6, 1)),
        mri(date(2026, 4, 1), conclusion="Grade II L4-5 spondylolisthesis with instability."),
        care(date(2025, 7, 1), 14),
        *extra,
    ]


def test_a_former_smoker_needs_a_cotinine_test_for_generic_fusion() -> None:
    former = item("snomed", "8517006", date(2026, 5, 1))
    without = check(record(*fusion(former)), "22612", "commercial", as_of=AS_OF)
    assert status(without, "fusion.nicotine") == "unknown"
    assert without.decision == "needs_documentation"
    assert "cotinine" in confidence(without, "fusion.nicotine")
    cotinine = item("loinc", "12309-3", date(2026, 5, 20), kind=ItemKind.LAB, value="3", unit="ng/mL")
    tested = check(record(*fusion(former, cotinine)), "22612", "commercial", as_of=AS_OF)
    assert status(tested, "fusion.nicotine") == "met"
    never = item("snomed", "266919005", date(2026, 5, 1))
    assert (
        status(check(record(*fusion(never)), "22612", "commercial", as_of=AS_OF), "fusion.nicotine") == "met"
    )


def scs_for_radiculopathy() -> list[Item | list[Item]]:
    return [dx("M54.16", date(2024, 1, 1)), care(date(2025, 1, 6), 30), nrs(8, date(2026, 1, 5))]


def test_generic_stimulator_for_radiculopathy_alone_is_not_accepted_and_says_insurers_differ() -> None:
    d = check(record(*scs_for_radiculopathy()), "63650", "commercial", as_of=AS_OF)
    # Radiculopathy alone no longer counts (CPB 0194): the diagnosis is still to be documented.
    assert status(d, "scs.c.diagnosis") == "unknown"
    assert d.decision != "meets_criteria"
    assert any("Insurers differ" in n and "Florida Blue" in n for n in d.notes)
    implant = check(record(*scs_for_radiculopathy()), "63685", "commercial", as_of=AS_OF)
    assert status(implant, "scsi.c.diagnosis") == "unknown"
    # Named, the insurer's own policy answers instead (Anthem's pack accepts radicular pain).
    anthem = check(record(*scs_for_radiculopathy()), "63650", "commercial", as_of=AS_OF, insurer="anthem")
    assert not any("Insurers differ" in n for n in anthem.notes)


def test_generic_esi_interval_says_the_sources_disagree_on_7_or_14_days() -> None:
    r = record(
        dx("M54.16", date(2026, 1, 5)),
        mri(date(2026, 2, 1)),
        care(date(2026, 1, 5), 12),
        item("cpt", "64483", date(2026, 5, 22)),
    )
    generic = check(r, "64483", "commercial", as_of=AS_OF)
    assert status(generic, "esi.commercial.interval") == "met"
    assert "14 days" in confidence(generic, "esi.commercial.interval")
    cigna = check(r, "64483", "commercial", as_of=AS_OF, insurer="cigna")
    assert status(cigna, "cigna.esi.interval") == "not_met"


@pytest.mark.parametrize(
    ("code", "insurer", "name"),
    [
        ("97124", "cigna", "Cigna"),
        ("97124", "unitedhealthcare", "UnitedHealthcare"),
        ("97124", "anthem", "Anthem"),
        ("63688", "aetna", "Aetna"),
        ("63688", "cigna", "Cigna"),
    ],
)
def test_without_a_read_source_the_insurer_answer_says_it_has_no_policy(
    code: str, insurer: str, name: str
) -> None:
    r = record(dx("M54.50", date(2026, 1, 5)), care(date(2026, 3, 2), 6))
    d = check(r, code, "commercial", as_of=AS_OF, insurer=insurer)
    assert any(n.startswith(f"backcover has no {name} policy") for n in d.notes)
    assert d.prior_authorization == "plan_dependent"

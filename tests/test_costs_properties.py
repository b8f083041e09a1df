# ruff: noqa: E501  (the random plan reads best as YAML, one field a line)
"""Properties of the calculator over random plans and claim lines (hypothesis)."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from backcover.costs import Line, estimate, parse_plan

money = st.decimals(min_value=0, max_value=20000, places=2, allow_nan=False, allow_infinity=False)
rate = st.sampled_from(["0", "0.1", "0.15", "0.2", "0.3", "0.5"])


@st.composite
def plans(draw):  # type: ignore[no-untyped-def]
    ded = draw(st.integers(0, 8000))
    oop = ded + draw(st.integers(0, 8000))
    copay = draw(st.sampled_from(["null", "20", "50"]))
    coins = draw(rate)
    embedded = draw(st.booleans())
    ded_met = draw(st.integers(0, ded))
    oop_met = draw(st.integers(ded_met, oop))
    text = f"""
kind: commercial
network_type: ppo
deductible: {{individual: {ded}, family: {ded * 2}, embedded: {str(embedded).lower()}}}
oop_max: {{individual: {oop}, family: {oop * 2}}}
out_of_network: {{covered: true, deductible: {{individual: {ded * 2}}}, oop_max: {{individual: {oop * 2}}}, coinsurance: 0.4}}
benefits:
  outpatient_physician: {{copay: {copay}, coinsurance: {coins}, deductible_applies: {str(draw(st.booleans())).lower()}}}
  anesthesia: {{coinsurance: {coins}}}
accumulators: {{deductible_met: {ded_met}, oop_met: {oop_met}, family_deductible_met: {ded_met}, family_oop_met: {oop_met}}}
"""
    return parse_plan(text, "random.yaml")


@st.composite
def lines(draw):  # type: ignore[no-untyped-def]
    out = []
    for i in range(draw(st.integers(1, 8))):
        allowed = draw(money)
        network = draw(st.sampled_from(["in", "out"]))
        out.append(
            Line(
                id=f"l{i}",
                benefit=draw(st.sampled_from(["outpatient_physician", "anesthesia"])),
                allowed=allowed,
                billed=allowed + draw(money),
                role=draw(st.sampled_from(["surgeon", "anesthesia"])),
                network=network,
                facility_network=draw(st.sampled_from(["in", None])),
                setting=draw(st.sampled_from(["asc", "office"])),
                consent_signed=draw(st.booleans()),
            )
        )
    return out


@settings(max_examples=300, deadline=None)
@given(plans(), lines())
def test_line_amounts_add_up_and_limits_hold(plan, ls) -> None:  # type: ignore[no-untyped-def]
    est = estimate(plan, ls)
    for r in est.lines:
        assert r.patient is not None and r.plan is not None and r.balance_bill is not None
        assert r.patient >= 0 and r.plan >= 0 and r.balance_bill >= 0
        assert r.patient == r.patient.quantize(Decimal("0.01"))
        # what the patient and the plan pay is the allowed amount; only a balance bill comes on top
        assert r.patient + r.plan == r.allowed
        assert r.deductible + r.copay + r.coinsurance == r.patient
        if r.nsa_protected or r.line.network == "in":
            assert r.balance_bill == 0
        else:
            assert r.balance_bill == (r.line.billed or 0) - (r.allowed or 0)
    s = est.state
    assert plan.oop_max.individual is not None
    assert s.oop <= plan.oop_max.individual
    assert s.ded <= plan.deductible.individual or not plan.deductible.embedded
    assert plan.deductible.family is not None and s.fam_ded <= max(plan.deductible.family, s.ded)
    oon = plan.out_of_network
    assert oon.oop_max.individual is not None and s.oon_oop <= oon.oop_max.individual
    total = est.to_json()["totals"]
    assert Decimal(total["patient_total"]) == Decimal(total["patient"]) + Decimal(total["balance_bill"])

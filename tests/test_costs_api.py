# ruff: noqa: E501  (request bodies read best on one line)
"""The JSON entry point the web app uses for POST /api/estimate: same answers, JSON-path errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from backcover.costs import estimate_request
from backcover.errors import BadInput
from backcover.yamlio import load_yaml

SHARED = Path(__file__).resolve().parents[1].parent / "shared"


def _plain(node):  # type: ignore[no-untyped-def]
    return json.loads(json.dumps(node, default=str))


def test_worked_example_as_json() -> None:
    ex = SHARED / "examples"
    plan = _plain(load_yaml(ex / "plan-silver-ppo.yaml"))
    lines = _plain(load_yaml(ex / "lines-microdiscectomy-asc.yaml"))["lines"]
    out = estimate_request(json.loads(json.dumps({"plan": plan, "lines": lines})))
    assert out["totals"]["patient_total"] == "2100.00"
    assert [x["nsa_protected"] for x in out["lines"]] == [False, True]


def test_template_and_procedure_with_prices() -> None:
    out = estimate_request(
        {
            "plan": "ppo",
            "procedure": "62323",
            "setting": "office",
            "prices": {"injection": 600, "99213": "150.00"},
        }
    )
    assert out["procedure"]["code"] == "62323"
    assert [(x["id"], x["patient"]) for x in out["lines"]] == [
        ("injection", "600.00"),
        ("follow_up", "50.00"),
    ]


@pytest.mark.parametrize(
    ("body", "file", "problem"),
    [
        pytest.param({"plan": "pp0", "lines": []}, "$.plan", "no plan template", id="template"),
        pytest.param(
            {"plan": {"kind": "commercial", "network_type": "ppo", "deductible": {"individual": 100},
                      "oop_max": {"individual": 1000}, "benefits": {"lab": {"coinsurance": 20}}},
             "lines": [{"id": "a", "benefit": "lab", "allowed": 10}]},
            "$.plan", "coinsurance is 20", id="coinsurance-20",
        ),
        pytest.param({"plan": "ppo", "lines": [{"id": "a", "benefit": "labs", "allowed": 10}]}, "$.lines", "did you mean", id="benefit"),
        pytest.param({"plan": "ppo"}, "$", "either lines or procedure", id="nothing"),
        pytest.param({"plan": "ppo", "procedure": "62323", "prices": {"x": 1}}, "$.prices.x", "no line", id="price-id"),
    ],
)  # fmt: skip
def test_bad_json_input(body: dict[str, object], file: str, problem: str) -> None:
    with pytest.raises(BadInput) as e:
        estimate_request(body)
    assert e.value.file == file
    assert problem in e.value.problem or problem in e.value.fix

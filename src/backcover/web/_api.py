"""The JSON API under /api: the contracts of CONTRACTS.md section 4, plus look-ups the pages use.

Each contract endpoint takes the CLI's inputs as JSON and returns exactly the JSON the CLI prints
with ``--format json``. Bad input is a 4xx whose body is ``BadInput.to_json()``:
``{"error", "fix", "file", "where"}``.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

import orjson
from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field, field_validator
from starlette.concurrency import run_in_threadpool

from backcover.catalog import SETTINGS, families, resolve, search
from backcover.engine import insurer_json, insurer_table
from backcover.errors import BadInput
from backcover.record.model import Record
from backcover.vocab import Payer, PlanKind, Setting, parse_state, values
from backcover.web import _services as svc
from backcover.web._context import ctx

__all__ = ["router"]

# Plan kinds take the aliases ``aca`` and ``erisa`` too (CONTRACTS.md section 3).
AppealPlanKind = PlanKind | Literal["aca", "erisa"]
assert set(SETTINGS) == set(values(Setting))

_ERROR = {
    "description": "Bad input: what is wrong, where, and how to fix it",
    "content": {
        "application/json": {
            "schema": {
                "type": "object",
                "properties": {
                    "error": {"type": "string"},
                    "fix": {"type": "string"},
                    "file": {"type": ["string", "null"]},
                    "where": {"type": ["string", "null"]},
                },
                "required": ["error", "fix"],
            }
        }
    },
}
ERRORS: dict[int | str, dict[str, Any]] = {400: _ERROR, 413: _ERROR, 422: _ERROR}

router = APIRouter(prefix="/api", tags=["api"], responses=ERRORS)


class RecordFile(BaseModel):
    """One input file, as the CLI's ``--record`` would read it."""

    model_config = ConfigDict(extra="forbid")
    filename: Annotated[str, Field(min_length=1, max_length=200, examples=["export.ndjson"])] = Field(
        description="its name; the ending decides how it is read: .json (FHIR Bundle or resource), "
        ".ndjson (bulk export), .yaml/.yml (treatment log)"
    )
    content: str = Field(description="the file's text")


class CheckRequest(BaseModel):
    """Inputs of `backcover check`. Give the record as `records` (file contents), or leave it out
    to use the records kept in this app (the Start page's import, or `POST /api/records`), with
    `patient` (a FHIR Patient id, see `GET /api/patients`) choosing the person."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "procedure": "72148",
                    "payer": "commercial",
                    "setting": "office",
                    "state": "PA",
                    "as_of": "2026-06-23",
                    "records": [{"filename": "record.json", "content": '{"resourceType": "Bundle", ...}'}],
                }
            ]
        },
    )
    procedure: str = Field(min_length=1, max_length=12, description="CPT/HCPCS code, e.g. 72148, 62323")
    payer: Payer
    setting: Setting | None = Field(default=None, description="default: the procedure's usual setting")
    state: str | None = Field(
        default=None,
        min_length=2,
        max_length=40,
        description="a state's two-letter code or name (NY or New York); anything else is refused",
    )
    as_of: date | None = Field(default=None, description="date of the question; default today")
    insurer: str | None = Field(
        default=None,
        max_length=40,
        description="a named insurer (aetna, cigna, unitedhealthcare, anthem, humana; GET /api/insurers "
        "lists them) whose own policies to use; default none: generic guidelines (CONTRACTS §5)",
    )
    patient: str | None = Field(
        default=None, max_length=200, description="patient id, when the inputs hold several"
    )
    records: list[RecordFile] | None = Field(default=None, max_length=50)

    @field_validator("state")
    @classmethod
    def _real_state(cls, value: str | None) -> str | None:
        if value is None:
            return None
        try:
            return parse_state(value, where="state")
        except BadInput as exc:
            raise ValueError(f"{exc.problem}: {exc.fix}") from None


class EstimateRequest(BaseModel):
    """Inputs of `backcover estimate`: one plan (its YAML text, a built-in template's name, or a plan
    saved in this app) and either a procedure (the usual episode) or explicit claim lines (YAML text)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"plan_template": "silver-ppo", "procedure": "72148", "setting": "office"}]
        },
    )
    plan: str | None = Field(default=None, description="the plan file's YAML text (CONTRACTS.md section 2)")
    plan_template: str | None = Field(
        default=None, max_length=100, description="name of a built-in plan template"
    )
    plan_name: str | None = Field(
        default=None, max_length=100, description="name of a plan saved in this app"
    )
    procedure: str | None = Field(default=None, min_length=1, max_length=12)
    setting: Setting | None = None
    lines: str | None = Field(default=None, description="claim lines as YAML text: {lines: [...]}")
    prices: dict[str, Annotated[str, Field(max_length=20)]] | None = Field(
        default=None,
        max_length=50,
        description="allowed amounts you know, by line id, as text (e.g. from a Good Faith Estimate): "
        '{"mri": "450.00"}; they fill in lines with no known price or replace the built-in price',
    )


class DeadlinesRequest(BaseModel):
    """Inputs of `backcover deadlines`."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"plan_kind": "marketplace", "notice_date": "2026-06-15"}]},
    )
    plan_kind: AppealPlanKind
    notice_date: date
    received_date: date | None = None
    urgent: bool = False
    service: Literal["pre", "post"] = "post"


def _json(data: Any) -> Response:
    """The core's JSON as it is (no re-encoding through FastAPI's encoder: faster, and exact)."""
    return Response(orjson.dumps(data), media_type="application/json")


def _doc(example_of: str) -> dict[int | str, dict[str, Any]]:
    return {
        200: {
            "description": f"The JSON of {example_of}, exactly as the CLI prints it with --format json",
            "content": {"application/json": {"schema": {"type": "object"}}},
        }
    }


@router.post(
    "/check",
    summary="Coverage determination (backcover check)",
    response_class=Response,
    responses=_doc("CONTRACTS.md section 1 (the Determination)"),
)
async def api_check(body: CheckRequest, request: Request) -> Response:
    """Does the record meet the payer's policy for this procedure; is prior authorization needed;
    what is missing. Returns the Determination JSON of CONTRACTS.md section 1."""
    web = ctx(request)
    as_of = body.as_of or web.today()
    resolve(body.procedure, body.setting)  # a wrong code or setting is named before the record is read

    def answer(record: Record) -> dict[str, Any]:
        return svc.check(
            record,
            body.procedure,
            body.payer,
            setting=body.setting,
            state=body.state,
            as_of=as_of,
            insurer=body.insurer,
        )

    def run() -> dict[str, Any]:
        if body.records:
            record = svc.record_from_texts([(f.filename, f.content) for f in body.records], body.patient)
        else:
            record = svc.workspace_record(web.workspace, body.patient)
        return answer(record)

    # A check of an already-read record takes about a millisecond: run it here. Reading files (an
    # upload, or the first use of the imported ones) can take much longer: run it in a worker thread.
    cached = None if body.records else svc.cached_workspace_record(web.workspace, body.patient)
    det = answer(cached) if cached is not None else await run_in_threadpool(run)
    return _json(det)


@router.post(
    "/estimate",
    summary="Out-of-pocket estimate (backcover estimate)",
    response_class=Response,
    responses=_doc("CONTRACTS.md section 2 (the Estimate)"),
)
def api_estimate(body: EstimateRequest, request: Request) -> Response:
    """Price an episode of care or explicit claim lines under a plan. Returns the Estimate JSON of
    CONTRACTS.md section 2."""
    web = ctx(request)
    plan = svc.plan_from(web.workspace, text=body.plan, template=body.plan_template, saved=body.plan_name)
    prices = svc.parse_prices(body.prices) if body.prices else None
    return _json(
        svc.estimate(plan, procedure=body.procedure, setting=body.setting, lines=body.lines, prices=prices)
    )


@router.post(
    "/deadlines",
    summary="Appeal deadlines (backcover deadlines)",
    response_class=Response,
    responses=_doc("CONTRACTS.md section 3 (the appeal levels)"),
)
def api_deadlines(body: DeadlinesRequest) -> Response:
    """Every appeal level in order, with its last day to file and decision time. Returns the JSON of
    CONTRACTS.md section 3."""
    return _json(
        svc.deadlines(
            body.plan_kind,
            body.notice_date,
            received_date=body.received_date,
            urgent=body.urgent,
            service=body.service,
        )
    )


class ImportRequest(BaseModel):
    """Files to keep in this app's workspace (as the Start page's import does)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"records": [{"filename": "export.ndjson", "content": '{"resourceType": "Patient"}'}]}
            ]
        },
    )
    records: list[RecordFile] = Field(min_length=1, max_length=50)
    replace: bool = Field(default=False, description="remove the files imported before")


@router.post("/records", summary="Import record files into this app")
def api_records(body: ImportRequest, request: Request) -> dict[str, Any]:
    """Read each file as `--record` would (bad input is refused and nothing is kept), then keep it in
    the workspace. Later `POST /api/check` calls without `records` use the kept files, with `patient`
    choosing the person. Returns the files kept and the people they describe."""
    ws = ctx(request).workspace
    files = [(f.filename, f.content.encode("utf-8", errors="replace")) for f in body.records]
    svc.validate_files(files)
    if body.replace:
        ws.clear_uploads()
    for name, data in files:
        ws.add_upload(name, data)
    return {"files": [p.name for p in ws.uploads()], "patients": [p.to_json() for p in ws.patients()]}


@router.get("/procedures", summary="Find a procedure in plain words")
def api_procedures(q: Annotated[str, Query(max_length=100)] = "") -> list[dict[str, Any]]:
    """Procedure families whose plain-language words match `q` (all of them when `q` is empty)."""
    hits = search(q) if q.strip() else list(families().values())
    return [
        {
            "family": p.family,
            "code": p.code,
            "codes": list(p.codes),
            "name": p.name,
            "usual_setting": p.usual_setting,
            "settings": list(p.settings),
        }
        for p in hits
    ]


@router.get("/insurers", summary="Named insurers (backcover policies insurers)")
def api_insurers() -> dict[str, Any]:
    """The insurers `check` accepts as `insurer`: the payer kinds each offers, its review vendors and the
    packs used, each fact with its source."""
    return {"insurers": [insurer_json(i) for i in insurer_table().by_slug.values()]}


@router.get("/plan-templates", summary="Built-in plan templates")
def api_plan_templates() -> list[str]:
    return svc.template_names()


@router.get("/patients", summary="People in the records imported into this app")
def api_patients(request: Request) -> list[dict[str, Any]]:
    return [p.to_json() for p in ctx(request).workspace.patients()]

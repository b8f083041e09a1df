"""The documents of a real case, read back from their PDFs: the Synthea patient with chronic low back
pain, a microdiscectomy (63030) denied with CO-50. What goes to the payer argues for her; what is
missing goes on the private sheet; the packet holds the minimum necessary."""

from __future__ import annotations

import io
import re
import subprocess
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from pypdf import PdfReader

from backcover import services
from backcover.documents import (
    GoodFaithEstimateRequest,
    Party,
    before_you_send,
    letter_kind,
    render_pdf,
)
from backcover.errors import BadInput
from backcover.store import Store, open_store
from backcover.vocab import Signer
from tests.conftest import SHARED, SYNTHEA_FILES, SYNTHEA_LBP

TODAY = date(2026, 11, 27)
UNRELATED = ("HIV", "chlamydia", "pregnan", "depression", "IUD", "intrauterine", "syphilis", "substance")


def _text(pdf: bytes) -> str:
    return re.sub(r"\s+", " ", " ".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(pdf)).pages))


@pytest.fixture(scope="module")
def record() -> object:
    return services.read_files(SYNTHEA_FILES, patient=SYNTHEA_LBP)


@pytest.fixture
def case_store(tmp_path: Path) -> tuple[Store, int]:
    store = open_store(f"sqlite:///{tmp_path / 'bc.db'}", actor="test")
    case = services.open_case(
        store,
        services.case_input("63030", "commercial"),
        patient=services.PatientInput("Corrin Test", date(1986, 11, 19)),
        provider=services.ProviderInput("Dr. Ravi Menon", "1234567893"),
        plan=services.PlanInput(
            "Keystone Silver PPO", services.case_input("63030", "commercial").payer, member_id="XJH123456789"
        ),
    )
    services.edit_case(
        store,
        case.id,
        {
            "appeals_address": "Appeals Unit\nPO Box 1\nPittsburgh, PA 15222",
            "payer_name": "Keystone Health Plan",
            "group_number": "GRP-0042",
            "claim_number": "CLM-2026-778812",
            "service_from": date(2026, 11, 10),
            "specialty": "Orthopedic spine surgery",
        },
    )
    services.add_denial(
        store,
        case.id,
        date(2026, 11, 20),
        services.denial_codes(codes="CO-50, N115"),
        as_of=TODAY,
        reason_text="The service is not medically necessary.",
    )
    yield store, case.id
    store.close()


def _draft(store: Store, case_id: int, kind: str, record: object, **kw: object) -> tuple[object, bytes]:
    _case, doc = services.draft_letter(store, case_id, letter_kind(kind), TODAY, record=record, **kw)  # type: ignore[arg-type]
    return doc, render_pdf(doc, show_warnings=False)


@pytest.mark.parametrize("kind", ["appeal", "external", "packet"])
def test_no_criterion_that_is_not_met_reaches_the_payer(
    case_store: tuple[Store, int], record: object, kind: str
) -> None:
    store, cid = case_store
    doc, pdf = _draft(store, cid, kind, record)
    text = _text(pdf)
    det = doc.determination  # type: ignore[attr-defined]
    assert det is not None and det.open  # the engine finds gaps for this patient
    for c in det.criteria:
        if c.status != "met":
            assert c.summary not in text, (kind, c.summary, c.status)
    assert "Points not argued" not in text and "not met" not in text.lower()
    # what the payer files it under
    for must in ("XJH123456789", "CLM-2026-778812", "2026-11-10", "Dr. Ravi Menon", "NPI 1234567893"):
        assert must in text, (kind, must)


def test_the_appeal_letter_quotes_the_denial_and_asks_for_the_claim_file(
    case_store: tuple[Store, int], record: object
) -> None:
    store, cid = case_store
    _doc, pdf = _draft(store, cid, "appeal", record)
    text = _text(pdf)
    assert "The service is not medically necessary." in text and "CO-50" in text and "N115" in text
    assert "Keystone Health Plan" in text and "PO Box 1" in text and "GRP-0042" in text
    assert "45 CFR 147.136(b)(2)(ii)(C)" in text  # the claim file and criteria, ACA/ERISA plans
    assert "peer-to-peer" in text
    assert "DRAFT" not in text


def test_the_private_sheet_lists_what_is_missing_from_whom_and_the_deadline(
    case_store: tuple[Store, int], record: object
) -> None:
    store, cid = case_store
    doc, _pdf = _draft(store, cid, "appeal", record)
    text = _text(render_pdf(before_you_send(doc), show_warnings=False))  # type: ignore[arg-type]
    assert "Do not mail it" in text
    assert "MRI or CT" in text and "imaging center" in text
    assert "May 19, 2027" in text  # 180 days from the notice


def test_the_packet_holds_the_minimum_necessary(case_store: tuple[Store, int], record: object) -> None:
    store, cid = case_store
    _doc, pdf = _draft(store, cid, "packet", record)
    text = _text(pdf)
    for word in UNRELATED:
        assert word.lower() not in text.lower(), word
    assert "Chronic low back pain" in text  # the diagnosis the request rests on
    assert "Chronic neck pain" not in text  # another region
    assert "Records withheld as unrelated" in text and re.search(r"\d+ procedures and treatments", text)
    assert "Utilization Management" in text and "Appeals" not in text.split("Prior authorization request")[0]
    assert "ambulatory surgery center" in text and "Setting: asc" not in text
    assert "Submitted by" in text and "Dr. Ravi Menon" in text


def test_the_peer_to_peer_sheet_is_for_the_case_provider(
    case_store: tuple[Store, int], record: object
) -> None:
    store, cid = case_store
    services.record_peer_to_peer(
        store, cid, requested_on=date(2026, 11, 24), reviewer="Dr. Alex Reviewer", credentials="MD, physiatry"
    )
    _doc, pdf = _draft(store, cid, "p2p", record)
    text = _text(pdf)
    assert "For Dr. Ravi Menon (Orthopedic spine surgery), the treating clinician" in text
    assert "Treating clinician Dr. Ravi Menon" in text and "Treating clinician Corrin" not in text
    assert "Payer Keystone Health Plan" in text and "Appeals Department" not in text
    assert "Dr. Alex Reviewer, MD, physiatry" in text
    assert "Likely objections, and answers" in text


def test_the_good_faith_estimate_request_fits_the_person(
    case_store: tuple[Store, int], record: object
) -> None:
    store, cid = case_store
    _doc, pdf = _draft(store, cid, "gfe", record)
    insured = _text(pdf)
    assert "uninsured" not in insured.lower() and "not using insurance" not in insured
    assert "not yet enforced" in insured and "Keystone Silver PPO" in insured
    p = Party("Sam Self-Pay")
    self_pay = _text(
        render_pdf(
            GoodFaithEstimateRequest(p, p, Party("Clinic"), TODAY, services=(("63030", "Discectomy"),))
        )
    )
    assert "45 CFR 149.610" in self_pay and "$400" in self_pay and "uninsured" in self_pay


def test_finalising_without_member_id_or_address_says_which_and_where(tmp_path: Path, record: object) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'bc.db'}", actor="test")
    case = services.open_case(
        store, services.case_input("63030", "commercial"), patient=services.PatientInput("No Id Person")
    )
    services.add_denial(store, case.id, date(2026, 11, 20), services.denial_codes(codes="CO-50"), as_of=TODAY)
    _c, doc = services.draft_letter(store, case.id, letter_kind("appeal"), TODAY)
    problem = services.final_problems(doc)
    assert problem is not None
    assert "member id" in problem.problem and "appeals address" in problem.problem
    assert "denial notice" in problem.fix and problem.where == "member id"
    assert "DRAFT" in _text(render_pdf(doc))  # the draft is still made, marked draft
    assert [d for d in store.get_case(case.id).documents if d.source == "backcover"] == []  # nothing kept
    store.close()


def test_a_representative_signs_with_the_form_named(case_store: tuple[Store, int], record: object) -> None:
    store, cid = case_store
    services.edit_case(store, cid, {"representative_name": "Pat Advocate"})
    _doc, pdf = _draft(store, cid, "appeal", record, sender=Signer.REPRESENTATIVE)
    text = _text(pdf)
    assert "Pat Advocate" in text and "Authorized representative of the patient for Corrin Test" in text
    assert "authorized-representative form" in text


def test_a_final_letter_is_kept_with_the_case_with_its_date_and_sha256(case_store: tuple[Store, int]) -> None:
    store, cid = case_store
    case, doc = services.draft_letter(store, cid, letter_kind("appeal"), TODAY)
    assert services.final_problems(doc) is None
    pdf = render_pdf(doc, show_warnings=False)
    kept = services.keep_letter(store, case, doc, pdf, TODAY, "appeal.pdf")
    d = next(x for x in store.get_case(cid).documents if x.id == kept)
    import hashlib

    assert (
        d.doc_date == TODAY and d.sha256 == hashlib.sha256(pdf).hexdigest() and d.doc_type == "appeal_letter"
    )


def test_a_denied_prior_authorization_moves_the_case_on(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'bc.db'}", actor="test")
    case = services.open_case(
        store, services.case_input("63030", "commercial"), patient=services.PatientInput("P")
    )
    services.set_prior_auth(store, case.id, "submitted", on_date=date(2026, 11, 2))
    services.set_prior_auth(store, case.id, "denied", on_date=date(2026, 11, 9), as_of=TODAY)
    loaded = store.get_case(case.id)
    assert len(loaded.denials) == 1 and loaded.denials[0].denial_date == date(2026, 11, 9)
    nxt = services.next_deadline(loaded, TODAY)
    assert nxt is not None and nxt.kind == "file_appeal"
    store.close()


def test_deleting_asks_for_confirmation_and_audits_ids_only(case_store: tuple[Store, int]) -> None:
    store, cid = case_store
    with pytest.raises(BadInput, match="cannot be undone"):
        services.delete_case(store, cid, confirm=False)
    doc = store.add_document(store.get_case(cid).patient_id, b"%PDF-1.4 test", "other", case_id=cid)
    services.delete_document(store, cid, doc.id, confirm=True)
    assert doc.id not in {d.id for d in store.get_case(cid).documents}
    services.delete_case(store, cid, confirm=True)
    with pytest.raises(BadInput, match=f"there is no case {cid}"):
        store.get_case(cid)
    from sqlalchemy import select

    from backcover.store import AuditEntry

    with store.transaction() as s:
        rows = list(s.scalars(select(AuditEntry).where(AuditEntry.action == "delete")))
    assert {(r.entity, r.entity_id) for r in rows} >= {("case", str(cid)), ("document", str(doc.id))}


def test_a_paid_line_with_only_cost_sharing_is_not_a_denial() -> None:
    lines = (SHARED / "data" / "x12-835-managed-care.835").read_text().splitlines()
    body = [
        "ST*835*0001",
        "BPR*I*100.00*C*CHK************20261120",
        "TRN*1*1*1",
        "N1*PR*KEYSTONE",
        "LX*1",
        "CLP*CLM1*1*500.00*100.00*400.00*12*REF1",
        "CAS*PR*1*300.00**2*100.00",
        "SVC*HC:63030*500.00*100.00",
    ]
    text = (
        "~\n".join(
            [
                lines[0].rstrip("~"),
                lines[1].rstrip("~"),
                *body,
                f"SE*{len(body) + 1}*0001",
                "GE*1*1",
                "IEA*1*000000907",
            ]
        )
        + "~\n"
    )
    with pytest.raises(BadInput, match="not a denial") as exc:
        services.denial_codes(x12=(text.encode(), "paid.835"))
    assert "no appeal deadline" in exc.value.fix


def test_a_denial_notice_is_read_from_its_pdf_and_from_a_photo(tmp_path: Path) -> None:
    import weasyprint

    notice = (
        "<p>Keystone Health Plan</p><p>Notice date: November 20, 2026</p><p>Claim number: CLM-2026-778812</p>"
        "<p>Reason for denial: The service is not medically necessary.</p>"
        "<p>Adjustment: CO-50. Remark: N115.</p>"
    )
    pdf = weasyprint.HTML(
        string=f"<html><body style='font: 14pt sans-serif'>{notice}</body></html>"
    ).write_pdf()
    got = services.read_notice(pdf, "notice.pdf")
    assert got.method == "text layer"
    assert got.codes == ("CO-50", "N115") and got.notice_date == date(2026, 11, 20)
    assert got.claim_number == "CLM-2026-778812" and got.reason and "not medically necessary" in got.reason
    (tmp_path / "n.pdf").write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "200", "-singlefile", str(tmp_path / "n.pdf"), str(tmp_path / "n")],
        check=True,
    )
    photo = services.read_notice((tmp_path / "n.png").read_bytes(), "n.png")
    assert photo.method == "OCR"
    assert "CO-50" in photo.codes and photo.notice_date == date(2026, 11, 20)


def test_deadlines_export_as_a_calendar_with_a_reminder_a_week_before(case_store: tuple[Store, int]) -> None:
    store, cid = case_store
    items = services.case_deadlines(store.get_case(cid))
    ics = services.deadlines_ics(
        items, stamp=datetime(2026, 11, 27, tzinfo=UTC), titles={cid: "Microdiscectomy"}
    )
    assert ics.startswith("BEGIN:VCALENDAR\r\n") and ics.endswith("END:VCALENDAR\r\n")
    assert ics.count("BEGIN:VEVENT") == len(items) >= 1
    assert "DTSTART;VALUE=DATE:20270519" in ics and ics.count("TRIGGER:-P7D") == len(items)
    assert "Corrin" not in ics  # no patient name in a calendar that may sync elsewhere
    assert all(len(line.encode()) <= 75 for line in ics.split("\r\n"))


def test_an_unconfirmed_right_reads_unconfirmed_once_on_the_sheet() -> None:
    """The sheet says "Unconfirmed: <rule>: <why>"; the why does not say "unconfirmed" again."""
    from backcover.documents._parts import patient_rights
    from backcover.vocab import PlanKind

    for kind, urgent in ((k.value, u) for k in PlanKind for u in (False, True)):
        for right in patient_rights(kind, urgent=urgent):
            if right.confidence:
                assert not right.confidence.lower().startswith("unconfirmed"), (kind, right.citation)

"""Denials (with their codes and notice), appeals, peer-to-peer reviews and external reviews."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from backcover.errors import BadInput
from backcover.store._base import CodeInput
from backcover.store._documents import DocumentStore
from backcover.store._models import Appeal, Case, Denial, DenialCode, ExternalReview, PeerToPeer

__all__ = ["OUTCOMES", "AppealStore"]

OUTCOMES = ("pending", "overturned", "upheld", "partial", "withdrawn")


class AppealStore(DocumentStore):
    """Denials and what follows them."""

    # -- denials and appeals -----------------------------------------------------------------------
    def add_denial(
        self,
        case_id: int,
        denial_date: date,
        *,
        as_of: date,
        codes: Sequence[CodeInput] = (),
        reason_text: str | None = None,
        received_date: date | None = None,
        source: str = "typed",
        document: tuple[bytes, str, str | None] | None = None,
    ) -> Denial:
        """Record a denial with its codes (and optionally its letter or 835 as a document), all or nothing.

        ``document`` is ``(content, doc_type, filename)``.
        """
        if denial_date > as_of:
            raise BadInput(
                f"the denial date {denial_date.isoformat()} is in the future (today is {as_of.isoformat()})",
                "give the date printed on the denial notice",
                where="denial date",
            )
        if received_date is not None and (received_date < denial_date or received_date > as_of):
            raise BadInput(
                f"the received date {received_date.isoformat()} must be between the denial date and today",
                "give the day the notice arrived",
                where="received date",
            )
        if not codes and not (reason_text or "").strip():
            raise BadInput(
                "a denial needs its codes or its reason text", "give the codes or the reason", where="codes"
            )
        with self.transaction() as s:
            case = self._get(s, Case, case_id, "case")
            doc_id = None
            if document is not None:
                doc = self._add_document(
                    s,
                    case.patient_id,
                    document[0],
                    document[1],
                    doc_date=denial_date,
                    source="denial intake",
                    filename=document[2],
                    case_id=case_id,
                )
                doc_id = doc.id
            denial = Denial(
                patient_id=case.patient_id,
                case_id=case_id,
                denial_date=denial_date,
                received_date=received_date,
                reason_text=reason_text,
                source=source,
                document_id=doc_id,
            )
            s.add(denial)
            s.flush()
            for c in codes:
                s.add(
                    DenialCode(
                        patient_id=case.patient_id,
                        denial_id=denial.id,
                        system=c.system,
                        group_code=c.group,
                        code=c.code,
                        amount=c.amount,
                        known=c.known,
                        source=c.source,
                        claim_id=c.claim_id,
                        service_code=c.service_code,
                    )
                )
            s.flush()
            s.refresh(denial, ["codes"])
            self._audit(s, "create", case.patient_id, "denial", denial.id, case_id=case.id)
            return denial

    def add_appeal(
        self,
        case_id: int,
        level: str,
        *,
        denial_id: int | None = None,
        filed_on: date | None = None,
        deadline: date | None = None,
        outcome: str | None = None,
        outcome_date: date | None = None,
        note: str | None = None,
    ) -> Appeal:
        if outcome is not None and outcome not in OUTCOMES:
            raise BadInput(
                f"unknown outcome {outcome!r}", "use one of: " + ", ".join(OUTCOMES), where="outcome"
            )
        with self.transaction() as s:
            case = self._get(s, Case, case_id, "case")
            if denial_id is not None and self._get(s, Denial, denial_id, "denial").case_id != case_id:
                raise BadInput(f"denial {denial_id} belongs to another case", "give a denial of this case")
            appeal = Appeal(
                patient_id=case.patient_id,
                case_id=case_id,
                denial_id=denial_id,
                level=level,
                filed_on=filed_on,
                deadline=deadline,
                outcome=outcome,
                outcome_date=outcome_date,
                note=note,
            )
            s.add(appeal)
            s.flush()
            self._audit(s, "create", case.patient_id, "appeal", appeal.id, case_id=case.id)
            return appeal

    def set_appeal_outcome(self, appeal_id: int, outcome: str, outcome_date: date) -> Appeal:
        if outcome not in OUTCOMES:
            raise BadInput(
                f"unknown outcome {outcome!r}", "use one of: " + ", ".join(OUTCOMES), where="outcome"
            )
        with self.transaction() as s:
            appeal = self._get(s, Appeal, appeal_id, "appeal")
            appeal.outcome, appeal.outcome_date = outcome, outcome_date
            self._audit(s, "update", appeal.patient_id, "appeal", appeal.id, case_id=appeal.case_id)
            return appeal

    def add_peer_to_peer(self, case_id: int, requested_on: date, **fields: Any) -> PeerToPeer:
        with self.transaction() as s:
            case = self._get(s, Case, case_id, "case")
            p2p = PeerToPeer(patient_id=case.patient_id, case_id=case_id, requested_on=requested_on, **fields)
            s.add(p2p)
            s.flush()
            self._audit(s, "create", case.patient_id, "peer_to_peer", p2p.id, case_id=case.id)
            return p2p

    def add_external_review(self, case_id: int, requested_on: date, **fields: Any) -> ExternalReview:
        with self.transaction() as s:
            case = self._get(s, Case, case_id, "case")
            er = ExternalReview(
                patient_id=case.patient_id, case_id=case_id, requested_on=requested_on, **fields
            )
            s.add(er)
            s.flush()
            self._audit(s, "create", case.patient_id, "external_review", er.id, case_id=case.id)
            return er

    def update_peer_to_peer(self, p2p_id: int, **fields: Any) -> PeerToPeer:
        """Record who the reviewer was, when it was held and its outcome."""
        with self.transaction() as s:
            p2p = self._get(s, PeerToPeer, p2p_id, "peer_to_peer")
            for k, v in fields.items():
                if v is not None:
                    setattr(p2p, k, v)
            self._audit(s, "update", p2p.patient_id, "peer_to_peer", p2p.id, case_id=p2p.case_id)
            return p2p

    def update_external_review(self, review_id: int, **fields: Any) -> ExternalReview:
        """Record an external review's decision."""
        with self.transaction() as s:
            er = self._get(s, ExternalReview, review_id, "external_review")
            for k, v in fields.items():
                if v is not None:
                    setattr(er, k, v)
            self._audit(s, "update", er.patient_id, "external_review", er.id, case_id=er.case_id)
            return er

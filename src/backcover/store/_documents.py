"""Documents (content-addressed files of a patient, optionally on a case)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from backcover.errors import BadInput
from backcover.store._base import StoreBase, now
from backcover.store._files import check_document, sha256_hex
from backcover.store._models import Blob, Case, Denial, Document, Patient

__all__ = ["DocumentStore"]


class DocumentStore(StoreBase):
    """Store and read documents; the bytes live once per patient and sha256."""

    def _add_document(
        self,
        s: Session,
        patient_id: int,
        content: bytes,
        doc_type: str,
        *,
        doc_date: date | None,
        source: str | None,
        filename: str | None,
        case_id: int | None,
    ) -> Document:
        media = check_document(content, doc_type, file=filename)
        digest = sha256_hex(content)
        if s.get(Blob, (patient_id, digest)) is None:
            s.add(Blob(patient_id=patient_id, sha256=digest, content=content))
        doc = Document(
            patient_id=patient_id,
            case_id=case_id,
            sha256=digest,
            doc_type=doc_type,
            doc_date=doc_date,
            source=source,
            filename=filename,
            media_type=media,
            size=len(content),
            added_at=now(),
        )
        s.add(doc)
        s.flush()
        self._audit(s, "create", patient_id, "document", doc.id, case_id=doc.case_id)
        return doc

    def add_document(
        self,
        patient_id: int,
        content: bytes,
        doc_type: str,
        *,
        doc_date: date | None = None,
        source: str | None = None,
        filename: str | None = None,
        case_id: int | None = None,
    ) -> Document:
        """Store a file (PDF or image; an 835 for ``remittance``), content-addressed by sha256."""
        with self.transaction() as s:
            self._get(s, Patient, patient_id, "patient")
            if case_id is not None and self._get(s, Case, case_id, "case").patient_id != patient_id:
                raise BadInput(
                    f"case {case_id} belongs to another patient", "give one of this patient's cases"
                )
            return self._add_document(
                s,
                patient_id,
                content,
                doc_type,
                doc_date=doc_date,
                source=source,
                filename=filename,
                case_id=case_id,
            )

    def document_content(self, document_id: int) -> bytes:
        with self.transaction() as s:
            doc = self._get(s, Document, document_id, "document")
            blob = s.get(Blob, (doc.patient_id, doc.sha256))
            assert blob is not None
            self._audit(s, "read", doc.patient_id, "document", doc.id, case_id=doc.case_id)
            return blob.content

    def delete_document(self, document_id: int) -> None:
        """Delete a document (its bytes too when nothing else uses them); audited with its id only."""
        with self.transaction() as s:
            self._drop_document(s, self._get(s, Document, document_id, "document"))

    def _drop_document(self, s: Session, doc: Document) -> None:
        """Delete one document row, and its bytes when no other document of the patient uses them."""
        s.execute(update(Denial).where(Denial.document_id == doc.id).values(document_id=None))
        pid, digest, ident, case_id = doc.patient_id, doc.sha256, doc.id, doc.case_id
        s.delete(doc)
        s.flush()
        others = s.scalar(
            select(Document.id).where(Document.patient_id == pid, Document.sha256 == digest).limit(1)
        )
        if others is None:
            s.execute(delete(Blob).where(Blob.patient_id == pid, Blob.sha256 == digest))
        self._audit(s, "delete", pid, "document", ident, case_id=case_id)

    def list_documents(self, patient_id: int, case_id: int | None = None) -> list[Document]:
        with self.transaction() as s:
            q = select(Document).where(Document.patient_id == patient_id)
            if case_id is not None:
                q = q.where(Document.case_id == case_id)
            rows = list(s.scalars(q.order_by(Document.doc_date, Document.id)))
            self._audit(s, "read", patient_id, "document_list", case_id=case_id)
            return rows

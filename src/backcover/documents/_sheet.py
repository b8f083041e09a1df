"""What a packet may include from a record (the minimum necessary), and the private "Before you
send" sheet that goes with every draft.

HIPAA's minimum necessary standard (45 CFR 164.502(b), 164.514(d)) asks a disclosure for payment to
hold only what the request needs: the items that are evidence for a criterion the packet argues, and
the diagnoses of the body region the service treats. Everything else is withheld, and the packet
says how many items of each section were left out (never what they were).
"""

from __future__ import annotations

from collections import Counter

from backcover.documents._build import _item_label
from backcover.documents._letters import BeforeYouSend, Document, Withheld
from backcover.documents._model import LETTER_PROVENANCE, DeterminationView, TimelineEntry
from backcover.documents._parts import OBTAIN_FROM
from backcover.record.model import Item, Record
from backcover.vocab import ItemKind

__all__ = ["SECTION_NAMES", "before_you_send", "packet_record"]

SECTION_NAMES: dict[str, str] = {
    ItemKind.DIAGNOSIS: "diagnoses and problems",
    ItemKind.SYMPTOM: "symptoms",
    ItemKind.SCORE: "pain and function scores",
    ItemKind.PROCEDURE: "procedures and treatments",
    ItemKind.MEDICATION: "medications",
    ItemKind.IMAGING: "imaging",
    ItemKind.OBSERVATION: "observations and screenings",
    ItemKind.LAB: "laboratory results",
    ItemKind.ENCOUNTER: "visits",
    ItemKind.REFERRAL: "referrals and orders",
    ItemKind.DOCUMENT: "clinical documents",
    ItemKind.COVERAGE: "insurance coverage",
    ItemKind.CLAIM: "claims",
}


def _entry(item: Item) -> TimelineEntry | None:
    if item.when is None:
        return None
    prov = str(item.provenance)
    return TimelineEntry(item.when.start_date, _item_label(item, 140), LETTER_PROVENANCE.get(prov, prov))


def packet_record(
    record: Record, det: DeterminationView | None, region: str | None
) -> tuple[tuple[TimelineEntry, ...], tuple[TimelineEntry, ...], tuple[Withheld, ...]]:
    """(diagnoses the request rests on, evidence timeline, sections withheld with their counts)."""
    evidence = {e.resource for c in (det.met if det else ()) for e in c.evidence}
    diagnoses: list[TimelineEntry] = []
    timeline: list[TimelineEntry] = []
    left: Counter[str] = Counter()
    for item in record.items:
        kind = str(item.kind.value)
        entry = _entry(item)
        if item.id in evidence and entry is not None:
            (diagnoses if kind == ItemKind.DIAGNOSIS else timeline).append(entry)
        elif (
            kind == ItemKind.DIAGNOSIS
            and region is not None
            and str(item.region.value if item.region else "") == str(region)
            and item.concept
            and entry is not None
        ):
            diagnoses.append(entry)
        else:
            left[SECTION_NAMES.get(kind, kind)] += 1
    return (
        tuple(sorted(set(diagnoses), key=lambda t: (t.date, t.text))),
        tuple(sorted(timeline, key=lambda t: (t.date, t.text))),
        tuple(Withheld(k, n) for k, n in sorted(left.items())),
    )


def before_you_send(doc: Document) -> BeforeYouSend:
    """The private checklist for a draft: what is missing, where to get it, and the deadline."""
    det: DeterminationView | None = getattr(doc, "determination", None)
    obtain: list[tuple[str, str, str]] = []
    notes: list[str] = []
    if det is None:
        notes.append("No coverage check was attached: run the check so the letter can argue the criteria.")
    else:
        for c in det.open:
            obtain.append(
                (
                    f"{c.summary} ({c.status_label.lower()})",
                    c.to_satisfy or "a record that documents it",
                    OBTAIN_FROM.get(c.kind, "the treating clinician"),
                )
            )
        if det.open:
            notes.append(
                "The letter argues only the criteria the record shows as met; the ones above are left out "
                "of it. Add the missing records to the case and draft again before the deadline."
            )
    rights = getattr(doc, "rights", ())
    notes += [f"Unconfirmed: {r.citation}: {r.confidence}" for r in rights if r.confidence]
    form = doc.representative_form
    if form:
        notes.append(f"Send {form[0]} ({form[1]}), signed by the patient and the representative, with it.")
    return BeforeYouSend(
        doc.patient,
        doc.patient,
        doc.patient,
        doc.letter_date,
        ref=doc.ref,
        for_letter=doc.title,
        to_obtain=tuple(obtain),
        fields=tuple(doc.missing()),
        file_by=getattr(doc, "file_by", None),
        deadline_rule=getattr(doc, "deadline_rule", None) or getattr(doc, "rule", None),
        notes=tuple(notes),
    )

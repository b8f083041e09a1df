"""Imaging findings read from a radiology report's words, with negation and uncertainty.

Pure: text in, findings out (the finding vocabulary is ``codesets/findings.yaml`` of the packaged
knowledge, read once). The reading uses spaCy's rule-based entity ruler on a blank English pipeline
(no statistical model is needed or downloaded) and negspacy's NegEx: "No stenosis", "without
instability", "negative for fracture" are negated; "possible herniation", "cannot exclude a pars
defect" are uncertain (a second NegEx pass with backcover's uncertainty words). spaCy loads only
when a report is first read.

Each finding carries the spinal levels, the Meyerding grade (for a slip) and a measurement in
millimetres found in its sentence, so a criterion can ask for "instability over 3 mm" or
"spondylolisthesis grade II or more".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Any

__all__ = ["FINDINGS", "Finding", "finding_label", "read_findings"]


@dataclass(frozen=True, slots=True)
class Finding:
    """One finding the report names: affirmed, negated or uncertain."""

    concept: str  # a name of codesets/findings.yaml
    words: str  # the words of the report that name it
    sentence: str
    negated: bool
    uncertain: bool
    levels: tuple[str, ...] = ()  # "L4-L5", "L5-S1", "L3"
    grade: int | None = None  # Meyerding grade of a slip (I-V as 1-5)
    mm: Decimal | None = None  # the largest measurement in millimetres in the sentence

    @property
    def affirmed(self) -> bool:
        return not self.negated and not self.uncertain


_LEVEL = re.compile(r"\b([CTLS])(\d{1,2})(?:\s*[-/–]\s*([CTLS])?(\d{1,2}))?\b")
_GRADE = re.compile(r"\bgrade\s+(V|IV|III|II|I|[1-5])\b", re.IGNORECASE)
_MM = re.compile(r"(\d+(?:\.\d+)?)\s*mm\b", re.IGNORECASE)
_ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5}


@cache
def _vocabulary() -> dict[str, Any]:
    from backcover.knowledge import Knowledge
    from backcover.yamlio import load_yaml

    data = load_yaml(Knowledge.packaged().file("codesets/findings.yaml"))
    return {
        "findings": {
            str(k): {"label": str(v["label"]), "terms": [str(t) for t in v["terms"]]}
            for k, v in data["findings"].items()
        },
        "uncertain": {k: [str(t) for t in v] for k, v in data["uncertain"].items()},
    }


def FINDINGS() -> tuple[str, ...]:
    """The finding names of the vocabulary."""
    return tuple(_vocabulary()["findings"])


def finding_label(name: str) -> str:
    found: dict[str, dict[str, Any]] = _vocabulary()["findings"]
    return str(found[name]["label"]) if name in found else name


@cache
def _pipeline() -> Any:
    import spacy
    from negspacy.negation import Negex  # noqa: F401 - registers the "negex" factory
    from negspacy.termsets import termset

    vocab = _vocabulary()
    nlp = spacy.blank("en")
    # A semicolon ends a negation's scope as a full stop does ("no instability; mild stenosis").
    nlp.add_pipe("sentencizer", config={"punct_chars": [".", "!", "?", ";", "\n"]})
    ruler = nlp.add_pipe("entity_ruler", config={"phrase_matcher_attr": "LOWER"})
    patterns = [
        {"label": name, "pattern": term} for name, spec in vocab["findings"].items() for term in spec["terms"]
    ]
    ruler.add_patterns(patterns)  # type: ignore[attr-defined]
    names = list(vocab["findings"])
    negations = termset("en_clinical").get_patterns()  # type: ignore[no-untyped-call]
    nlp.add_pipe("negex", config={"ent_types": names, "neg_termset": negations})
    unsure = vocab["uncertain"]
    nlp.add_pipe(
        "negex",
        name="uncertainty",
        config={
            "ent_types": names,
            "extension_name": "uncertain",
            "neg_termset": {
                "pseudo_negations": [],
                "preceding_negations": unsure["preceding"],
                "following_negations": unsure["following"],
                "termination": negations["termination"],
            },
        },
    )
    return nlp


def _levels(sentence: str) -> tuple[str, ...]:
    out = []
    for m in _LEVEL.finditer(sentence):
        a, n1, b, n2 = m.groups()
        if n2 is None:
            out.append(f"{a}{n1}")
        else:
            out.append(f"{a}{n1}-{b or a}{n2}")
    return tuple(dict.fromkeys(out))


def read_findings(text: str) -> tuple[Finding, ...]:
    """The findings a report's text names, each affirmed, negated or uncertain."""
    if not text or not text.strip():
        return ()
    doc = _pipeline()(text)
    out: list[Finding] = []
    for ent in doc.ents:
        sent = ent.sent.text.strip()
        grade_m = _GRADE.search(sent)
        grade = None
        if grade_m:
            g = grade_m.group(1).upper()
            grade = _ROMAN.get(g) or int(g)
        mms = [Decimal(m.group(1)) for m in _MM.finditer(sent)]
        out.append(
            Finding(
                concept=ent.label_,
                words=ent.text,
                sentence=sent,
                negated=bool(ent._.negex),
                uncertain=bool(ent._.uncertain),
                levels=_levels(sent),
                grade=grade,
                mm=max(mms) if mms else None,
            )
        )
    return tuple(out)

"""What a policy pack is once read: criteria (leaves and all/any groups), exclusions and PA rules.

These are plain frozen values (they pickle, so the parsed packs can be kept on disk); reading and
checking the YAML is ``_packs.py``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

from backcover.engine._model import Source
from backcover.engine.criteria import Params
from backcover.vocab import Payer, PriorAuth, values

__all__ = [
    "PAYERS",
    "Borrow",
    "CodeExclusion",
    "Group",
    "Leaf",
    "Node",
    "PaDefault",
    "PaRule",
    "Pack",
    "VisitThreshold",
    "leaves",
]

PAYERS: tuple[str, ...] = values(Payer)


@dataclass(frozen=True, slots=True)
class Leaf:
    """One criterion: what it asks (``test`` and ``params``), its citation and its wording."""

    id: str
    kind: str
    summary: str
    test: str
    params: Params
    source: Source
    to_satisfy: str
    required: bool = True
    confidence: str | None = None
    start: date | None = None  # the first day this criterion was in force (None: as its pack)
    end: date | None = None  # the last day (None: still in force)

    def in_force(self, on: date) -> bool:
        return (self.start is None or on >= self.start) and (self.end is None or on <= self.end)


@dataclass(frozen=True, slots=True)
class Group:
    """``all``: every child is needed. ``any``: one child is enough (the others become not_applicable)."""

    op: Literal["all", "any"]
    children: tuple[Node, ...]
    id: str | None = None
    summary: str | None = None


Node = Leaf | Group


@dataclass(frozen=True, slots=True)
class CodeExclusion:
    codes: frozenset[str]
    reason: str
    source: Source
    start: date | None = None
    end: date | None = None

    def in_force(self, on: date) -> bool:
        return (self.start is None or on >= self.start) and (self.end is None or on <= self.end)


@dataclass(frozen=True, slots=True)
class VisitThreshold:
    """A rule that needs prior authorization only from a visit on: ``after`` visits need none.

    ``concepts``: the record items that count as visits of the therapy (one a day); ``starts``: the
    concepts of a visit that begins a new episode of care (an evaluation, say); ``gap_days``: a break
    of more than this many days without a visit begins one too. Both as the source states; None or
    empty when it states none.
    """

    after: int
    concepts: tuple[str, ...]
    starts: tuple[str, ...] = ()
    gap_days: int | None = None


@dataclass(frozen=True, slots=True)
class PaRule:
    """A prior-authorization rule: codes, settings, states and the dates of service it covers.

    ``answer``: what the rule says for those codes, ``required`` (the default) or ``not_required``
    (a published "no prior authorization for these codes"); a matching ``required`` rule wins.
    ``note``: said only when this rule matches (the pack's ``notes`` go with every matching rule).
    """

    codes: frozenset[str]
    category: str
    start: date | None
    end: date | None
    settings: tuple[str, ...] | None
    states: tuple[str, ...] | None
    source: Source
    confidence: str | None = None
    answer: PriorAuth = PriorAuth.REQUIRED
    note: str | None = None  # said with the answer when this rule matches
    visits: VisitThreshold | None = None  # required only from visit ``visits.after + 1`` of an episode

    @property
    def heading(self) -> str:
        """What the rule is about, said with its answer: "spinal fusion surgery", or "no prior
        authorization needed: ..." for a rule that says none is needed."""
        return (
            self.category
            if self.answer == PriorAuth.REQUIRED
            else f"no prior authorization needed: {self.category}"
        )

    @property
    def confidences(self) -> tuple[str, ...]:
        """The rule's confidence notes: its own and its source's (each once)."""
        return tuple(dict.fromkeys(c for c in (self.confidence, self.source.confidence) if c))

    @property
    def dates_text(self) -> str:
        """The dates of service the rule covers, in words (said so when the source gives no start)."""
        end = f" to {self.end.isoformat()}" if self.end else ""
        if self.start is None:
            return f"for services{end}" if end else "no start date given by the source"
        return f"for services from {self.start.isoformat()}{end}"

    def applies(self, code: str, setting: str, state: str | None, on: date) -> bool:
        if code not in self.codes:
            return False
        if self.settings is not None and setting not in self.settings:
            return False
        if self.states is not None and (state is None or state not in self.states):
            return False
        if self.start is not None and on < self.start:
            return False
        return not (self.end is not None and on > self.end)


@dataclass(frozen=True, slots=True)
class PaDefault:
    """A prior-authorization pack's answer when none of its rules applies (``when_no_rule``).

    ``consult_policy_packs``: first use the ``prior_authorization`` field of the coverage packs
    that applied (commercial guidelines say whether they need prior authorization).
    """

    prior_authorization: PriorAuth
    basis: str
    source: Source
    consult_policy_packs: bool = False


@dataclass(frozen=True, slots=True)
class Borrow:
    """When a payer has no specific policy for a code, the packs of another payer it may use."""

    payer: Payer
    kind: str
    note: str
    source: Source


@dataclass(frozen=True, slots=True)
class Pack:
    id: str
    file: str
    title: str
    policy: str
    kind: str
    payers: tuple[str, ...]
    codes: frozenset[str] | None  # None: every code (baseline packs)
    settings: tuple[str, ...] | None
    states: tuple[str, ...] | None
    start: date | None
    end: date | None
    url: str
    confidence: str | None
    prior_authorization: str | None
    lcd_family: str | None
    noncovered_codes: tuple[CodeExclusion, ...]
    exclusions: tuple[Leaf, ...]
    criteria: Node | None
    notes: tuple[str, ...]
    rules: tuple[PaRule, ...]
    fallback_for: tuple[str, ...]  # payers for which this pack is used only when nothing specific applies
    when_no_rule: PaDefault | None = None
    borrows: Borrow | None = None
    version: str | None = None  # the policy's own version label (e.g. "V2.0.2025")
    last_reviewed: date | None = None  # when backcover last checked the pack against its source
    series: str = ""  # packs of one series are versions of one policy ("" : the pack's own id)
    superseded: bool = False  # an older version kept for the record; a newer one of its series wins
    insurer: str | None = None  # the insurer (insurers.yaml slug) whose policy this is; None: generic
    publisher: str = ""  # who wrote the policy ("Aetna", "eviCore", "CMS", "Noridian", ...)

    @property
    def series_id(self) -> str:
        return self.series or self.id

    def in_force(self, on: date) -> bool:
        return (self.start is None or on >= self.start) and (self.end is None or on <= self.end)

    def applies(self, code: str, payer: str, setting: str, state: str | None, on: date) -> bool:
        if payer not in self.payers:
            return False
        if self.codes is not None and code not in self.codes:
            return False
        if self.settings is not None and setting not in self.settings:
            return False
        if self.states is not None and (state is None or state not in self.states):
            return False
        return self.in_force(on)

    def all_leaves(self) -> list[Leaf]:
        out = list(self.exclusions)
        if self.criteria is not None:
            out.extend(leaves(self.criteria))
        return out


def leaves(node: Node) -> list[Leaf]:
    if isinstance(node, Leaf):
        return [node]
    out: list[Leaf] = []
    for child in node.children:
        out.extend(leaves(child))
    return out

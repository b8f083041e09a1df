"""Criterion evaluators: one pure function per test type, each reading the record as of a date.

Each returns an :class:`Outcome`: the status, the sentence that explains it, the items it used and,
for a time-based criterion that is not met yet, the date it would be met if the current care goes on.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from itertools import pairwise
from typing import Any

from backcover.catalog import Procedure
from backcover.codesets import ancestors, concept_label
from backcover.engine._model import Status
from backcover.engine._timeline import (
    CARE_GAP_DAYS,
    Relief,
    add_months,
    care_spans,
    modality,
    name_of,
    region_group,
    relief_for,
    sessions,
    usable,
)
from backcover.record.details import (
    DurationBasis,
    MedicationDetails,
    ProcedureDetails,
    report_text,
    sessions_of,
)
from backcover.record.model import Item, ItemKind, Record

__all__ = ["EVALUATORS", "Ctx", "Outcome", "evaluate"]

_NOT_CARE = (ItemKind.DIAGNOSIS, ItemKind.REFERRAL, ItemKind.DOCUMENT, ItemKind.COVERAGE, ItemKind.SYMPTOM)
_FINDING_KINDS = (ItemKind.DIAGNOSIS, ItemKind.SYMPTOM, ItemKind.OBSERVATION, ItemKind.IMAGING, ItemKind.LAB)


@dataclass(frozen=True, slots=True)
class Ctx:
    """The question, and the record's usable items (dated by ``as_of``, not cancelled), computed once."""

    record: Record
    as_of: date
    procedure: Procedure
    payer: str
    setting: str
    state: str | None
    items: tuple[Item, ...] = ()
    cache: dict[tuple[str, ...], list[Item]] = field(default_factory=dict)

    @classmethod
    def build(
        cls, record: Record, as_of: date, procedure: Procedure, payer: str, setting: str, state: str | None
    ) -> Ctx:
        usable_items = tuple(it for it in record.items if usable(it, as_of))
        return cls(record, as_of, procedure, payer, setting, state, usable_items)

    def having(self, concepts: Sequence[str]) -> list[Item]:
        key = tuple(concepts)
        hit = self.cache.get(key)
        if hit is None:
            wanted = frozenset(concepts)
            hit = [it for it in self.items if not _lineage(it.concepts).isdisjoint(wanted)]
            self.cache[key] = hit
        return hit


@dataclass(slots=True)
class Outcome:
    status: Status
    explanation: str
    evidence: list[Item] = field(default_factory=list)
    eligible_on: date | None = None


Evaluator = Callable[[Mapping[str, Any], Ctx], Outcome]

# Conservative care counts for the current episode when it went on within this many months
# (backcover's reading of "for the current episode"; no payer gives a number).
CURRENT_EPISODE_MONTHS = 12


@cache
def _lineage(concepts: tuple[str, ...]) -> frozenset[str]:
    """Every concept an item with these concepts counts as (the concepts and all their ancestors)."""
    out: set[str] = set()
    for c in concepts:
        out |= ancestors(c)
    return frozenset(out)


def _d(d: date) -> str:
    return d.isoformat()


def _weeks_text(days: int) -> str:
    w, r = divmod(days, 7)
    if w == 0:
        return f"{days} day{'s' if days != 1 else ''}"
    return f"{w} week{'s' if w != 1 else ''}" + (f" {r} day{'s' if r != 1 else ''}" if r else "")


def _need(params: Mapping[str, Any], start: date) -> tuple[date, str]:
    """The date on which a duration starting on ``start`` is reached, and the duration in words."""
    if params.get("months"):
        n = int(params["months"])
        return add_months(start, n), f"{n} month{'s' if n != 1 else ''}"
    if params.get("weeks"):
        n = int(params["weeks"])
        return start + timedelta(days=7 * n), f"{n} week{'s' if n != 1 else ''}"
    n = int(params.get("days") or 0)
    return start + timedelta(days=n), f"{n} days"


def _labels(concepts: Sequence[str]) -> str:
    if not concepts:
        return "none"
    names = [concept_label(c).lower() if i else concept_label(c) for i, c in enumerate(concepts)]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


def _with(ctx: Ctx, concepts: Sequence[str], kinds: Sequence[ItemKind] | None = None) -> list[Item]:
    found = ctx.having(concepts)
    return found if kinds is None else [it for it in found if it.kind in kinds]


_RESOLVED = frozenset({"resolved", "inactive", "remission"})


def _current(ctx: Ctx, concepts: Sequence[str], kinds: Sequence[ItemKind] | None = None) -> list[Item]:
    """Like ``_with``, without diagnoses that had resolved before ``as_of`` (an old episode)."""
    out = []
    for it in _with(ctx, concepts, kinds):
        if it.kind is ItemKind.DIAGNOSIS:
            if it.status and it.status.lower() in _RESOLVED:
                continue
            if it.when is not None and it.when.end is not None and not it.when.ongoing:
                end = it.when.end_date
                if end is not None and end < ctx.as_of:
                    continue
        out.append(it)
    return out


def _diag_text(items: Sequence[Item]) -> str:
    parts = []
    for it in items:
        code = it.codes[0].code if it.codes else None
        label = it.text or (concept_label(it.concept) if it.concept else it.id)
        parts.append(f"{label}{f' ({code})' if code else ''}{f' since {_d(it.date)}' if it.date else ''}")
    return "; ".join(dict.fromkeys(parts))


# --- evaluators -------------------------------------------------------------------------------


def diagnosis(p: Mapping[str, Any], ctx: Ctx) -> Outcome:
    concepts = list(p["concepts"])
    found = _current(ctx, concepts, (ItemKind.DIAGNOSIS, ItemKind.SYMPTOM))
    if p.get("low_back_only"):
        found = [it for it in found if it.region is None or region_group(it.region) == "lumbosacral"]
    if found:
        return Outcome("met", f"Documented: {_diag_text(found)}.", found)
    return Outcome("unknown", f"No diagnosis of {_labels(concepts).lower()} is documented.")


def symptom_duration(p: Mapping[str, Any], ctx: Ctx) -> Outcome:
    found = [
        it for it in _current(ctx, list(p["concepts"]), (ItemKind.DIAGNOSIS, ItemKind.SYMPTOM)) if it.date
    ]
    # A pain score recorded for the lower back (e.g. in the treatment log) also shows the pain was there.
    found += [
        s
        for s in _with(ctx, ["pain_score"], (ItemKind.SCORE,))
        if s.date and s.region is not None and region_group(s.region) == region_group(ctx.procedure.region)
    ]
    if not found:
        return Outcome("unknown", "The record does not say when the pain started.")
    first = min(found, key=lambda it: it.date or date.max)
    onset = first.date
    assert onset is not None
    need_on, need_text = _need(p, onset)
    so_far = _weeks_text((ctx.as_of - onset).days)
    if ctx.as_of >= need_on:
        return Outcome(
            "met", f"Symptoms documented since {_d(onset)} ({so_far}); {need_text} needed.", [first]
        )
    return Outcome(
        "not_met",
        f"Symptoms documented since {_d(onset)}: {so_far} as of {_d(ctx.as_of)}, where {need_text} are "
        f"needed (reached on {_d(need_on)}).",
        [first],
        eligible_on=need_on,
    )


def _span_text(items: Sequence[Item], as_of: date) -> str:
    by_mod: dict[str, list[Item]] = {}
    for it in items:
        by_mod.setdefault(modality(it), []).append(it)
    parts = []
    for mod, its in by_mod.items():
        its = sorted(its, key=lambda i: i.date or date.min)
        if mod == "medication_trial":
            for med in its:
                assert med.when is not None
                name = name_of(med)
                basis = med.details.duration_basis if isinstance(med.details, MedicationDetails) else None
                if med.when.ongoing and med.when.end is None:
                    parts.append(f"{name} since {_d(med.when.start_date)}")
                else:
                    end = med.when.end_as_of(as_of)
                    extra = f", {basis.label}" if basis is DurationBasis.ASSUMED_30_DAYS else ""
                    parts.append(f"{name} {_d(med.when.start_date)}..{_d(end)}{extra}")
        else:
            first = min(i.when.start_date for i in its if i.when is not None)
            last = max(i.when.end_as_of(as_of) for i in its if i.when is not None)
            n = sum(sessions_of(i.details) or 0 for i in its) + len(
                {i.date for i in its if not sessions_of(i.details)}
            )
            label = concept_label(mod)
            if n <= 1 and first == last:
                parts.append(f"{label} on {_d(first)}")
            else:
                parts.append(f"{label} {_d(first)}..{_d(last)} ({n} session{'s' if n != 1 else ''})")
    return " and ".join([", ".join(parts[:-1]), parts[-1]] if len(parts) > 1 else parts)


def conservative_care(p: Mapping[str, Any], ctx: Ctx) -> Outcome:
    concepts = list(p.get("concepts") or ["conservative_care"])
    items = [it for it in _with(ctx, concepts) if it.kind not in _NOT_CARE and it.when is not None]
    if not items:
        return Outcome(
            "unknown", "No conservative care (therapy, medication, exercise program) is documented."
        )
    all_spans = care_spans(items, ctx.as_of)
    # The current episode: care that went on within the last CURRENT_EPISODE_MONTHS (backcover's rule).
    since = add_months(ctx.as_of, -CURRENT_EPISODE_MONTHS)
    spans = [sp for sp in all_spans if sp.end > since]
    if not spans:
        old = all_spans[-1]
        return Outcome(
            "not_met",
            f"The only conservative care documented ({_span_text(old.items, ctx.as_of)}) ended more than "
            f"{CURRENT_EPISODE_MONTHS} months ago; care for the current episode is needed.",
            list(old.items),
        )
    best = max(spans, key=lambda s: (s.days, s.start))
    need_on, need_text = _need(p, best.start)
    min_mod = int(p.get("min_modalities") or 1)
    if best.end >= need_on:
        mods = best.modalities()
        text = f"{_span_text(best.items, ctx.as_of)}: {_weeks_text(best.days)} of care"
        text += f"; {need_text} needed." if best.start < need_on else "."
        if len(mods) < min_mod:
            return Outcome(
                "not_met",
                f"{text} Only {len(mods)} kind of care "
                f"({', '.join(concept_label(m).lower() for m in mods)}); {min_mod} different kinds are "
                "needed.",
                list(best.items),
            )
        return Outcome("met", text, list(best.items))
    latest = spans[-1]
    current = (ctx.as_of - latest.end).days <= CARE_GAP_DAYS
    eligible = max(_need(p, latest.start)[0], ctx.as_of) if current else None
    text = (
        f"{_span_text(best.items, ctx.as_of)}: {_weeks_text(best.days)} of care documented as of "
        f"{_d(ctx.as_of)}, where {need_text} are needed."
    )
    if eligible is not None:
        text += f" If the current care goes on, {need_text} are reached on {_d(eligible)}."
    else:
        text += " The care has stopped; it would have to start again."
    return Outcome("not_met", text, list(best.items), eligible_on=eligible)


def imaging(p: Mapping[str, Any], ctx: Ctx) -> Outcome:
    concepts = list(p.get("concepts") or ["advanced_spine_imaging"])
    found = sorted(
        _with(ctx, concepts, (ItemKind.IMAGING, ItemKind.PROCEDURE)), key=lambda i: i.date or date.min
    )
    found = [i for i in found if i.date is not None]
    if not found:
        return Outcome("unknown", f"No {_labels(concepts).lower()} is documented.")
    months = p.get("within_months")
    limit = add_months(ctx.as_of, -int(months)) if months else None
    recent = [i for i in found if limit is None or (i.date is not None and i.date >= limit)]
    if not recent:
        last = found[-1]
        return Outcome(
            "not_met",
            f"The latest {concept_label(last.concept or concepts[0]).lower()} is from {_d(last.date)}"  # type: ignore[arg-type]
            f", more than {months} months before {_d(ctx.as_of)}.",
            [last],
        )
    day = recent[-1].date
    same = [i for i in recent if i.date == day]
    findings = [str(report_text(i.details)) for i in same if report_text(i.details)]
    label = concept_label(same[0].concept or concepts[0])
    text = f"{label} on {_d(day)}"  # type: ignore[arg-type]
    if findings:
        text += f": {' '.join(dict.fromkeys(f.strip().rstrip('.') for f in findings))}"
    elif p.get("report_needed"):
        return Outcome("unknown", f"{text}, but its report (findings) is not in the record.", same)
    return Outcome("met", text + ".", same)


def _score_text(it: Item) -> str:
    unit = "%" if it.unit == "%" or it.scale == "odi" else ""
    scale = (it.scale or "score").upper()
    return f"{scale} {it.value}{unit} on {_d(it.date)}" if it.date else f"{scale} {it.value}{unit}"


def severity(p: Mapping[str, Any], ctx: Ctx) -> Outcome:
    concepts = list(p.get("concepts") or ["pain_score", "function_score"])
    scores = [s for s in _with(ctx, concepts, (ItemKind.SCORE,)) if isinstance(s.value, Decimal) and s.date]
    months = p.get("within_months")
    if months:
        limit = add_months(ctx.as_of, -int(months))
        scores = [s for s in scores if s.date is not None and s.date >= limit]
    if not scores:
        return Outcome(
            "unknown", "No pain or function score (NRS, PEG, Oswestry, Roland-Morris) is documented."
        )
    # A baseline is a score taken on its own, not one recorded as part of a procedure (e.g. after a block).
    standalone = [s for s in scores if not any(r.startswith("Procedure/") for r in s.refs)]
    scores = standalone or scores
    latest: dict[str, Item] = {}
    for s in sorted(scores, key=lambda s: s.date or date.min):
        latest[s.scale or "score"] = s
    mins = {str(k): Decimal(str(v)) for k, v in (p.get("min") or {}).items()}
    shown = "; ".join(_score_text(s) for s in latest.values())
    if not mins:
        return Outcome("met", f"Documented: {shown}.", list(latest.values()))
    judged = {k: s for k, s in latest.items() if k in mins}
    if not judged:
        need = ", ".join(f"{k.upper()} ≥ {v}" for k, v in mins.items())
        return Outcome(
            "unknown",
            f"Documented: {shown}; none on a scale the policy names ({need}).",
            list(latest.values()),
        )
    ok = [s for k, s in judged.items() if isinstance(s.value, Decimal) and s.value >= mins[k]]
    need = " or ".join(f"{k.upper()} ≥ {v}" for k, v in mins.items())
    if ok:
        return Outcome("met", f"{'; '.join(_score_text(s) for s in ok)} ({need} needed).", ok)
    return Outcome(
        "not_met",
        f"Latest: {'; '.join(_score_text(s) for s in judged.values())}; {need} is needed.",
        list(judged.values()),
    )


def red_flag(p: Mapping[str, Any], ctx: Ctx) -> Outcome:
    concepts = list(p.get("concepts") or ["red_flag"])
    found = _current(ctx, concepts, _FINDING_KINDS)
    if found:
        return Outcome("met", f"Red flag documented: {_diag_text(found)}.", found)
    return Outcome("not_met", "No red flag is documented.")


def _procs(ctx: Ctx, concepts: Sequence[str]) -> list[Item]:
    return sorted(
        (
            it
            for it in _with(ctx, concepts, (ItemKind.PROCEDURE,))
            if it.date is not None and it.date <= ctx.as_of
        ),
        key=lambda i: i.date or date.min,
    )


def _scores(ctx: Ctx) -> list[Item]:
    return [s for s in ctx.items if s.kind is ItemKind.SCORE]


def _fmt_pct(x: Decimal) -> str:
    """Whole percent for display, half up (85.7 -> 86%); comparisons use the exact value."""
    return f"{x.quantize(Decimal('1'), rounding=ROUND_HALF_UP)}%"


def block_relief(p: Mapping[str, Any], ctx: Ctx) -> Outcome:
    concepts = list(p["concepts"])
    need = int(p.get("count") or 1)
    minimum = Decimal(str(p["min_relief_pct"]))
    days = sessions(_procs(ctx, concepts))
    if not days and p.get("only_if_prior"):
        return Outcome("not_applicable", f"No earlier {_labels(concepts).lower()}: this would be the first.")
    if not days:
        return Outcome("unknown", f"No {_labels(concepts).lower()} is documented.")
    scores = _scores(ctx)
    good: list[tuple[date, Item, Relief, Item, Decimal]] = []
    bad: list[str] = []
    unscored: list[date] = []
    used: list[Item] = []
    for day, procs in days:
        reliefs = [r for proc in procs for r in relief_for(proc, scores) if r.best is not None]
        if not reliefs:
            unscored.append(day)
            used.extend(procs)
            continue
        r = reliefs[0]
        best = r.best
        assert best is not None
        after, value = best
        used.extend([r.procedure, r.baseline, after])
        if value >= minimum:
            good.append((day, r.procedure, r, after, value))
        else:
            bad.append(
                f"{_d(day)}: {r.scale.upper()} {r.baseline.value} to {after.value} ({_fmt_pct(value)} relief)"
            )
    gap = int(p.get("min_days_apart") or 0)
    described = [
        f"{_d(day)}: {r.scale.upper()} {r.baseline.value} to {after.value} ({_fmt_pct(v)} relief)"
        for day, _, r, after, v in good
    ]
    if len(good) >= need:
        if gap and need > 1:
            dates = [g[0] for g in good]
            if any((b - a).days < gap for a, b in pairwise(dates)):
                return Outcome(
                    "not_met",
                    f"Blocks with enough relief: {'; '.join(described)}, but they are less than {gap} days "
                    "apart.",
                    used,
                )
        return Outcome(
            "met",
            f"{len(good)} block{'s' if len(good) != 1 else ''} with at least {minimum}% relief: "
            f"{'; '.join(described)}.",
            used,
        )
    if len(good) + len(unscored) >= need and unscored:
        return Outcome(
            "unknown",
            f"Pain scores before and after the block on {', '.join(_d(d) for d in unscored)} are "
            "not documented" + (f"; with enough relief: {'; '.join(described)}" if described else "") + ".",
            used,
        )
    parts = []
    if described:
        parts.append(f"with at least {minimum}% relief: {'; '.join(described)}")
    if bad:
        parts.append(f"with less: {'; '.join(bad)}")
    if unscored:
        parts.append(f"without paired scores: {', '.join(_d(d) for d in unscored)}")
    return Outcome(
        "not_met",
        f"{need} blocks with at least {minimum}% relief each are needed; the record has {len(good)} "
        f"({'; '.join(parts)}).",
        used,
    )


def sustained_relief(p: Mapping[str, Any], ctx: Ctx) -> Outcome:
    concepts = list(p["concepts"])
    minimum = Decimal(str(p["min_relief_pct"]))
    procs = _procs(ctx, concepts)
    if p.get("within_months"):
        since = add_months(ctx.as_of, -int(p["within_months"]))
        procs = [x for x in procs if x.date is not None and x.date > since]
    if not procs:
        return Outcome("not_applicable", f"No earlier {_labels(concepts).lower()}: this would be the first.")
    last = procs[-1]
    assert last.date is not None
    need_on, need_text = _need(p, last.date)
    reliefs = relief_for(last, _scores(ctx), later_until=ctx.as_of)
    reported = _reported_relief(last, p, minimum, need_text)
    if reported is not None and not any(
        s.date is not None and s.date > last.date for r in reliefs for s in r.after
    ):
        return reported
    if not reliefs:
        return Outcome(
            "unknown",
            f"The earlier procedure on {_d(last.date)} has no pain score from the same day before it, so "
            "its relief cannot be measured.",
            [last],
        )
    r = reliefs[0]
    later = [s for s in r.after if s.date is not None and s.date > last.date]
    if not later:
        return Outcome(
            "unknown",
            f"No {r.scale.upper()} score after the procedure on {_d(last.date)}.",
            [last, r.baseline],
        )
    window = [s for s in later if s.date is not None and s.date <= need_on]
    beyond = [s for s in later if s.date is not None and s.date >= need_on]
    considered = window + beyond[:1]
    used = [last, r.baseline, *considered]
    lows = [s for s in considered if r.relief_of(s) < minimum]
    base = f"{r.scale.upper()} {r.baseline.value} before the procedure on {_d(last.date)}"
    if lows:
        s = lows[0]
        return Outcome(
            "not_met",
            f"{base}; {s.value} on {_d(s.date)} "  # type: ignore[arg-type]
            f"({_fmt_pct(r.relief_of(s))} relief), under the {minimum}% needed.",
            used,
        )
    last_seen = max(s.date for s in considered if s.date is not None)
    shown = ", ".join(f"{s.value} on {_d(s.date)} ({_fmt_pct(r.relief_of(s))})" for s in considered)  # type: ignore[arg-type]
    if last_seen >= need_on:
        return Outcome("met", f"{base}; after: {shown}: at least {minimum}% relief for {need_text}.", used)
    if ctx.as_of >= need_on:
        return Outcome(
            "unknown",
            f"{base}; after: {shown}. The relief held until {_d(last_seen)}; a score on or after "
            f"{_d(need_on)} is needed to show it lasted {need_text}.",
            used,
        )
    return Outcome(
        "not_met",
        f"{base}; after: {shown}. The relief has lasted until {_d(last_seen)} so far; {need_text} (to "
        f"{_d(need_on)}) are needed.",
        used,
        eligible_on=need_on,
    )


def _reported_relief(proc: Item, p: Mapping[str, Any], minimum: Decimal, need_text: str) -> Outcome | None:
    """Relief the person reported for a procedure (treatment log: relief_percent, relief_weeks)."""
    relief = proc.details if isinstance(proc.details, ProcedureDetails) else ProcedureDetails()
    pct_v, weeks_v = relief.relief_percent, relief.relief_weeks
    if pct_v is None or weeks_v is None or proc.date is None:
        return None
    pct_d, weeks_d = Decimal(str(pct_v)), Decimal(str(weeks_v))
    need_on, _ = _need(p, proc.date)
    lasted_to = proc.date + timedelta(days=int(weeks_d * 7))
    text = f"Reported for the procedure on {_d(proc.date)}: {pct_d}% relief lasting {weeks_d} weeks"
    if pct_d < minimum:
        return Outcome("not_met", f"{text}; at least {minimum}% is needed.", [proc])
    if lasted_to >= need_on:
        return Outcome("met", f"{text} (at least {minimum}% for {need_text} needed).", [proc])
    return Outcome("not_met", f"{text}; it must last {need_text}.", [proc])


def trial_relief(p: Mapping[str, Any], ctx: Ctx) -> Outcome:
    concepts = list(p["concepts"])
    minimum = Decimal(str(p["min_relief_pct"]))
    procs = _procs(ctx, concepts)
    if not procs:
        return Outcome("unknown", f"No {_labels(concepts).lower()} is documented.")
    last = procs[-1]
    assert last.date is not None
    until = last.date + timedelta(days=int(p.get("within_days") or 10))
    reliefs = relief_for(last, _scores(ctx), later_until=min(until, ctx.as_of))
    if not reliefs or reliefs[0].best is None:
        return Outcome(
            "unknown",
            f"The trial on {_d(last.date)} has no paired pain scores (before it, and during it).",
            [last],
        )
    r = reliefs[0]
    best = r.best
    assert best is not None
    s, value = best
    text = f"Trial on {_d(last.date)}: {r.scale.upper()} {r.baseline.value} to {s.value}"
    text += f" ({_fmt_pct(value)} relief)"
    if value >= minimum:
        return Outcome("met", f"{text}; {minimum}% needed.", [last, r.baseline, s])
    return Outcome("not_met", f"{text}; {minimum}% is needed.", [last, r.baseline, s])


def frequency(p: Mapping[str, Any], ctx: Ctx) -> Outcome:
    concepts = list(p["concepts"])
    maximum = int(p["max"])
    months = int(p.get("months") or 0)
    days_window = int(p.get("days") or 0)
    start = add_months(ctx.as_of, -months) if months else ctx.as_of - timedelta(days=days_window)
    window_text = f"{months} months" if months else f"{days_window} days"
    group = region_group(ctx.procedure.region)
    procs = [
        it
        for it in _procs(ctx, concepts)
        if it.date is not None
        and start < it.date <= ctx.as_of
        and (group is None or it.region is None or region_group(it.region) == group)
    ]
    days = [d for d, _ in sessions(procs)]
    where = f" in the {group} region" if group else ""
    if len(days) < maximum:
        return Outcome(
            "met",
            f"{len(days)} session{'s' if len(days) != 1 else ''}{where} in the {window_text} before "
            f"{_d(ctx.as_of)}; up to {maximum} allowed, so one more fits.",
            procs,
        )
    k = len(days) - maximum
    drop = days[k]
    eligible = add_months(drop, months) if months else drop + timedelta(days=days_window)
    return Outcome(
        "not_met",
        f"{len(days)} sessions{where} in the {window_text} before {_d(ctx.as_of)} "
        f"({', '.join(_d(d) for d in days)}); the limit is {maximum}. The next one fits from {_d(eligible)}.",
        procs,
        eligible_on=eligible,
    )


def interval(p: Mapping[str, Any], ctx: Ctx) -> Outcome:
    concepts = list(p["concepts"])
    group = region_group(ctx.procedure.region)
    procs = [
        it
        for it in _procs(ctx, concepts)
        if group is None or it.region is None or region_group(it.region) == group
    ]
    if not procs:
        return Outcome("not_applicable", f"No earlier {_labels(concepts).lower()}: no waiting time applies.")
    last = procs[-1]
    assert last.date is not None
    need_on, need_text = _need(p, last.date)
    if ctx.as_of >= need_on:
        return Outcome("met", f"The last one was on {_d(last.date)}, at least {need_text} before.", [last])
    return Outcome(
        "not_met",
        f"The last one was on {_d(last.date)}; {need_text} must pass, until {_d(need_on)}.",
        [last],
        eligible_on=need_on,
    )


def age(p: Mapping[str, Any], ctx: Ctx) -> Outcome:
    years = ctx.record.patient.age_on(ctx.as_of)
    lo, hi = p.get("min"), p.get("max")
    rng = (
        f"{lo}–{hi}"
        if lo is not None and hi is not None
        else f"at least {lo}"
        if lo is not None
        else f"at most {hi}"
    )
    if years is None:
        return Outcome("unknown", "The record has no birth date.")
    if (lo is not None and years < int(lo)) or (hi is not None and years > int(hi)):
        return Outcome("not_met", f"Age {years} on {_d(ctx.as_of)}; the policy's range is {rng}.")
    return Outcome("met", f"Age {years} on {_d(ctx.as_of)} (range {rng}).")


def documented(p: Mapping[str, Any], ctx: Ctx) -> Outcome:
    concepts = list(p["concepts"])
    kinds = [ItemKind(k) for k in p["kinds"]] if p.get("kinds") else None
    found = _with(ctx, concepts, kinds)
    months = p.get("within_months")
    if months:
        limit = add_months(ctx.as_of, -int(months))
        found = [i for i in found if i.date is None or i.date >= limit]
    if found:
        shown = "; ".join(
            dict.fromkeys(
                f"{concept_label(i.concept) if i.concept else i.text}{f' on {_d(i.date)}' if i.date else ''}"
                for i in found
            )
        )
        return Outcome("met", f"Documented: {shown}.", found)
    within = f" in the last {months} months" if months else ""
    return Outcome("unknown", f"No {_labels(concepts).lower()} is documented{within}.")


def nicotine_free(p: Mapping[str, Any], ctx: Ctx) -> Outcome:
    weeks = int(p.get("weeks") or 6)
    since = ctx.as_of - timedelta(days=7 * weeks)
    cap = Decimal(str(p.get("max_cotinine") or 10))
    tests = [
        t
        for t in _with(ctx, ["nicotine_test"])
        if isinstance(t.value, Decimal) and t.date is not None and t.date >= since
    ]
    if tests:
        t = max(tests, key=lambda t: t.date or date.min)
        assert isinstance(t.value, Decimal)
        tday = _d(t.date or ctx.as_of)
        if t.value <= cap:
            return Outcome("met", f"Cotinine {t.value} {t.unit or ''} on {tday} (at most {cap} ng/mL).", [t])
        return Outcome(
            "not_met", f"Cotinine {t.value} {t.unit or ''} on {tday}; at most {cap} ng/mL is needed.", [t]
        )
    use = _with(ctx, ["nicotine_use"])
    current = [
        u for u in use if u.when is not None and (u.when.ongoing or (u.when.end_as_of(ctx.as_of) >= since))
    ]
    status = sorted(
        (s for s in _with(ctx, ["never_smoker", "former_smoker"]) if s.date is not None),
        key=lambda s: s.date or date.min,
    )
    last_use = max((u.date for u in current if u.date), default=None)
    if current and not (status and last_use is not None and status[-1].date and status[-1].date > last_use):
        return Outcome(
            "not_met",
            f"Nicotine use is documented within the last {weeks} weeks: {_diag_text(current)}.",
            current,
        )
    if status:
        s = status[-1]
        return Outcome("met", f"{concept_label(s.concept or 'never_smoker')} on {_d(s.date)}.", [s])  # type: ignore[arg-type]
    return Outcome(
        "unknown", f"Smoking status is not documented (nicotine-free for {weeks} weeks, or a cotinine test)."
    )


def lab_value(p: Mapping[str, Any], ctx: Ctx) -> Outcome:
    if p.get("only_if"):
        cond = _with(ctx, list(p["only_if"]), (ItemKind.DIAGNOSIS,))
        if not cond:
            return Outcome(
                "not_applicable",
                f"Applies only with {_labels(list(p['only_if'])).lower()}, which is not documented.",
            )
    concepts = list(p["concepts"])
    labs = sorted(
        (i for i in _with(ctx, concepts) if isinstance(i.value, Decimal) and i.date is not None),
        key=lambda i: i.date or date.min,
    )
    below = Decimal(str(p["below"]))
    if not labs:
        return Outcome("unknown", f"No {_labels(concepts).lower()} result is documented.")
    last = labs[-1]
    assert isinstance(last.value, Decimal)
    text = f"{concept_label(last.concept or concepts[0])} {last.value}{last.unit or ''} on {_d(last.date)}"  # type: ignore[arg-type]
    if last.value < below:
        return Outcome("met", f"{text} (under {below} needed).", [last])
    return Outcome("not_met", f"{text}; under {below} is needed.", [last])


def present(p: Mapping[str, Any], ctx: Ctx) -> Outcome:
    """An alternative that applies only when a condition is documented (not_met, not unknown, otherwise)."""
    concepts = list(p["concepts"])
    found = _current(ctx, concepts, (ItemKind.DIAGNOSIS, ItemKind.SYMPTOM))
    if found:
        return Outcome("met", f"Documented: {_diag_text(found)}.", found)
    return Outcome("not_met", f"No {_labels(concepts).lower()} is documented.")


def absent(p: Mapping[str, Any], ctx: Ctx) -> Outcome:
    concepts = list(p["concepts"])
    found = _current(ctx, concepts, (ItemKind.DIAGNOSIS, ItemKind.SYMPTOM))
    if found:
        return Outcome("not_met", f"Documented: {_diag_text(found)}.", found)
    return Outcome("met", f"No {_labels(concepts).lower()} is documented.")


def improving(p: Mapping[str, Any], ctx: Ctx) -> Outcome:
    """Pain or function better now than at the start of the window, on the same scale."""
    since = ctx.as_of - timedelta(days=int(p.get("days") or 90))
    scores = sorted(
        (s for s in _scores(ctx) if isinstance(s.value, Decimal) and s.date is not None and s.date >= since),
        key=lambda s: s.date or date.min,
    )
    for scale in dict.fromkeys(s.scale for s in scores):
        same = [s for s in scores if s.scale == scale]
        if len(same) >= 2:
            first, last = same[0], same[-1]
            assert isinstance(first.value, Decimal) and isinstance(last.value, Decimal)
            text = f"{_score_text(first)} and {_score_text(last)}"
            if last.value < first.value:
                return Outcome("met", f"Improving: {text}.", [first, last])
            return Outcome("not_met", f"Not improving: {text}.", [first, last])
    return Outcome("unknown", "There are not two scores on the same scale to show improvement.")


def different_approach(p: Mapping[str, Any], ctx: Ctx) -> Outcome:
    """A repeat after no response: a different approach than the last procedure of the family."""
    procs = _procs(ctx, list(p["concepts"]))
    if not procs:
        return Outcome("not_applicable", "No earlier procedure of this kind.")
    last = procs[-1]
    code = last.codes[0].code if last.codes else "?"
    if ctx.procedure.concept not in last.concepts:
        return Outcome(
            "met",
            f"The last one ({code}) on {_d(last.date or ctx.as_of)} used another approach than "
            f"{ctx.procedure.code}.",
            [last],
        )
    return Outcome(
        "unknown",
        f"The last one ({code}) on {_d(last.date or ctx.as_of)} used the same approach; a different level or "
        "drug also qualifies, but the record does not show it.",
        [last],
    )


def attestation(p: Mapping[str, Any], ctx: Ctx) -> Outcome:
    return Outcome("unknown", "A patient record does not show this; the clinician's claim or notes must.")


def excluded_indication(p: Mapping[str, Any], ctx: Ctx) -> Outcome:
    excluded = _current(ctx, list(p["excluded"]), (ItemKind.DIAGNOSIS,))
    covered = _current(ctx, list(p["covered"]), (ItemKind.DIAGNOSIS,))
    if excluded and not covered:
        return Outcome(
            "not_met",
            (
                f"The only indication documented is one the policy does not cover: {_diag_text(excluded)}. "
                f"Covered indications include {_labels(list(p['covered'])).lower()}."
            )
            if p["covered"]
            else f"The policy does not cover the service with: {_diag_text(excluded)}.",
            excluded,
        )
    if excluded:
        return Outcome(
            "met",
            f"{_diag_text(excluded)} is documented together with a covered indication: "
            f"{_diag_text(covered)}.",
            excluded + covered,
        )
    return Outcome("met", "None of the indications the policy does not cover is documented.")


def requires_indication(p: Mapping[str, Any], ctx: Ctx) -> Outcome:
    covered = _current(ctx, list(p["covered"]), (ItemKind.DIAGNOSIS,))
    if covered:
        return Outcome("met", f"Covered indication documented: {_diag_text(covered)}.", covered)
    other = _current(ctx, ["back_condition", "chronic_pain", "neck_pain"], (ItemKind.DIAGNOSIS,))
    if other:
        return Outcome(
            "not_met",
            f"The documented conditions ({_diag_text(other)}) are not ones the policy covers "
            f"({_labels(list(p['covered'])).lower()}).",
            other,
        )
    return Outcome(
        "unknown",
        f"No diagnosis is documented; the policy covers only {_labels(list(p['covered'])).lower()}.",
    )


def age_over(p: Mapping[str, Any], ctx: Ctx) -> Outcome:
    years = ctx.record.patient.age_on(ctx.as_of)
    cap = int(p["max"])
    if years is None:
        return Outcome(
            "unknown", f"The record has no birth date; the policy does not cover people over {cap}."
        )
    if years > cap:
        return Outcome(
            "not_met", f"Age {years} on {_d(ctx.as_of)}: the policy does not cover people over {cap}."
        )
    return Outcome("met", f"Age {years} on {_d(ctx.as_of)} (not over {cap}).")


def not_a_benefit(p: Mapping[str, Any], ctx: Ctx) -> Outcome:
    return Outcome("not_met", "The plan does not cover this service as a benefit, whatever the record shows.")


EVALUATORS: dict[str, Evaluator] = {
    "diagnosis": diagnosis,
    "symptom_duration": symptom_duration,
    "conservative_care": conservative_care,
    "imaging": imaging,
    "severity": severity,
    "red_flag": red_flag,
    "block_relief": block_relief,
    "sustained_relief": sustained_relief,
    "trial_relief": trial_relief,
    "frequency": frequency,
    "interval": interval,
    "age": age,
    "documented": documented,
    "nicotine_free": nicotine_free,
    "lab_value": lab_value,
    "attestation": attestation,
    "different_approach": different_approach,
    "improving": improving,
    "absent": absent,
    "present": present,
    "excluded_indication": excluded_indication,
    "requires_indication": requires_indication,
    "age_over": age_over,
    "not_a_benefit": not_a_benefit,
}


def evaluate(test: str, params: Mapping[str, Any], ctx: Ctx) -> Outcome:
    return EVALUATORS[test](params, ctx)

"""Which packs answer a question on a date, their citations, and the prior-authorization answer.

Rules in force by date: a pack applies only on the days of its ``effective`` span. Packs of one
``series`` are versions of one policy: on a given day the newest version in force is used (a
``superseded`` version is kept for the record and used only when no newer version of its series
applies, e.g. before the newer one began). Before every version of a policy begins, the payer's
baseline (the statutory reasonable-and-necessary rule) applies.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from backcover.engine._mac import Mac, family_title, mcd_url
from backcover.engine._model import PolicyRef, PriorAuth
from backcover.engine._pa_visits import visit_answer
from backcover.engine._pack_model import Pack
from backcover.engine.criteria._context import Ctx
from backcover.knowledge import Knowledge
from backcover.vocab import Payer

__all__ = [
    "REVIEW_MONTHS",
    "newest_versions",
    "policy_ids",
    "prior_auth",
    "select",
    "stale_notes",
    "version_notes",
]

# A pack last reviewed against its source more than this many months before the date of the
# question is flagged in the answer (backcover's own rule).
REVIEW_MONTHS = 12


def newest_versions(found: list[Pack]) -> list[Pack]:
    """Of the packs that apply, one per series: the newest version (superseded ones lose)."""
    by_series: dict[str, list[Pack]] = {}
    for p in found:
        by_series.setdefault(p.series_id, []).append(p)
    out = []
    for group in by_series.values():
        current = [p for p in group if not p.superseded] or group
        out.append(max(current, key=lambda p: (p.start or date.min, p.id)))
    return sorted(out, key=lambda p: found.index(p))


def _ref(pack: Pack, id_: str, title: str, url: str, publisher: str | None = None) -> PolicyRef:
    return PolicyRef(
        id_,
        title,
        url,
        pack.kind,
        pack.start,
        pack.confidence,
        version=pack.version,
        until=pack.end,
        last_reviewed=pack.last_reviewed,
        pack=pack.id,
        series=pack.series_id,
        publisher=publisher or pack.publisher or None,
        insurer=pack.insurer,
    )


def stale_notes(used: list[Pack], as_of: date) -> list[str]:
    """A warning for each pack last reviewed more than REVIEW_MONTHS before ``as_of``."""
    from backcover.engine._timeline import add_months

    limit = add_months(as_of, -REVIEW_MONTHS)
    out = []
    for p in used:
        if p.last_reviewed is None:
            out.append(
                f"{p.title}: backcover has no record of when this policy was last checked against its "
                "source; check the payer's current version."
            )
        elif p.last_reviewed < limit:
            out.append(
                f"{p.title}: last checked against its source on {p.last_reviewed.isoformat()}, more "
                f"than {REVIEW_MONTHS} months before {as_of.isoformat()}; the policy may have changed."
            )
    return out


def select(
    every: tuple[Pack, ...],
    code: str,
    payer: Payer,
    setting: str,
    state: str | None,
    as_of: date,
    *,
    borrow: bool = True,
) -> tuple[list[Pack], list[str]]:
    """The coverage packs that apply (else a lender's, with ``borrow``; else the baseline), and notes."""
    notes: list[str] = []
    all_packs = [p for p in every if p.kind != "prior_authorization"]
    specific = newest_versions(
        [p for p in all_packs if not p.fallback_for and p.applies(code, payer, setting, state, as_of)]
    )
    if not specific and borrow:
        # A payer with nothing specific for the code may use another payer's packs (e.g. Medicare
        # Advantage plans use public commercial criteria where Medicare has none): the packs say so.
        for lender in all_packs:
            lend = lender.borrows
            if lend is None or payer not in lender.payers or not lender.in_force(as_of):
                continue
            specific = newest_versions(
                [
                    p
                    for p in all_packs
                    if p.kind == lend.kind
                    and not p.fallback_for
                    and p.applies(code, lend.payer, setting, state, as_of)
                ]
            )
            if specific:
                notes.append(lend.note)
                break
    if specific:
        return specific, notes
    fallback = [p for p in all_packs if payer in p.fallback_for and p.in_force(as_of)]
    notes.append(
        "No specific coverage policy for this code was found for this payer; the payer's general "
        "reasonable-and-necessary baseline (a supporting diagnosis for the procedure's region) was applied."
    )
    return fallback, notes


def prior_auth(
    every: tuple[Pack, ...],
    code: str,
    payer: Payer,
    setting: str,
    state: str | None,
    as_of: date,
    used: list[Pack],
    *,
    ctx: Ctx | None = None,
) -> tuple[PriorAuth, list[str], list[str]]:
    """Prior authorization: the payer's PA rules, else their ``when_no_rule`` (and the packs used).

    A matching ``required`` rule wins over a matching ``not_required`` one (the stricter list decides).
    A rule with a visit threshold answers from the visits of ``ctx``'s record (``_pa_visits``).
    """
    found: dict[PriorAuth, list[str]] = {PriorAuth.REQUIRED: [], PriorAuth.NOT_REQUIRED: []}
    notes: list[str] = []
    programs = [
        p for p in every if p.kind == "prior_authorization" and payer in p.payers and p.in_force(as_of)
    ]
    for pack in programs:
        for rule in pack.rules:
            if rule.applies(code, setting, state, as_of):
                answer, says, then = rule.answer, "", ""
                if rule.visits is not None:
                    answer, count, visit_notes = visit_answer(rule.visits, ctx, code)
                    says = f"from visit {rule.visits.after + 1} of "
                    then = f": {count}"
                    notes.extend(visit_notes)
                    if answer == PriorAuth.NOT_REQUIRED:
                        says = f"no prior authorization needed for visits 1 to {rule.visits.after} of "
                elif answer == PriorAuth.NOT_REQUIRED:
                    says = "no prior authorization needed for "
                found[answer].append(
                    f"{pack.title}: {says}{rule.category} ({rule.source.policy}, {rule.source.section})"
                    + ", "
                    + rule.dates_text
                    + then
                )
                if rule.note:
                    notes.append(rule.note)
                notes.extend(f"Unconfirmed ({pack.title}): {conf}" for conf in rule.confidences)
                notes.extend(pack.notes)
            elif state is None and rule.states is not None and code in rule.codes:
                probe = rule.states[0]
                if rule.applies(code, setting, probe, as_of):
                    verb = "requires" if rule.answer == PriorAuth.REQUIRED else "needs no"
                    when = f" from visit {rule.visits.after + 1} of an episode of care" if rule.visits else ""
                    notes.append(
                        f"{pack.title} {verb} prior authorization for this code{when} in "
                        f"{', '.join(rule.states)}; give --state to check the patient's state."
                    )
    for answer in (PriorAuth.REQUIRED, PriorAuth.NOT_REQUIRED):
        if found[answer]:
            return answer, found[answer], list(dict.fromkeys(notes))
    default = next((p.when_no_rule for p in programs if p.when_no_rule is not None), None)
    if default is None or default.consult_policy_packs:
        for wanted, says in (
            (PriorAuth.REQUIRED, "prior authorization is required for this service"),
            (PriorAuth.NOT_REQUIRED, "no prior authorization for this service"),
        ):
            for pack in used:
                if pack.prior_authorization == wanted:
                    return wanted, [f"{pack.title} ({pack.policy}): {says}."], notes
    if default is not None:
        return default.prior_authorization, [default.basis], notes
    return PriorAuth.PLAN_DEPENDENT, ["No prior-authorization rule is known for this payer."], notes


def policy_ids(
    pack: Pack, mac: Mac | None, kb: Knowledge
) -> tuple[PolicyRef, tuple[str, str] | None, str | None]:
    """The policy to cite, the (id, url) substitution for its criteria, and a note."""
    if pack.lcd_family is None:
        return _ref(pack, pack.policy, pack.title, pack.url), None, None
    title = family_title(pack.lcd_family, kb)
    if mac is not None and (lcd := mac.lcd(pack.lcd_family)):
        url = mcd_url(lcd)
        ref = _ref(pack, lcd, f"{title} ({mac.name}, jurisdiction {mac.jurisdiction})", url, mac.name)
        return ref, (lcd, url), None
    if mac is not None:
        note = (
            f"{mac.name} (jurisdiction {mac.jurisdiction}) issues its own copy of the LCD "
            f'"{title}"; its id is not '
            f"confirmed in backcover's sources, so the criteria of the LCD family ({pack.policy} and its "
            "sister versions, near-identical) are cited. Check the Medicare Coverage Database for the MAC's "
            "id."
        )
        ref = _ref(
            pack,
            pack.policy,
            f"{title} ({mac.name}, jurisdiction {mac.jurisdiction} version; cited by its family id "
            f"{pack.policy})",
            pack.url,
            mac.name,
        )
        return ref, None, note
    note = (
        f'No state given: the LCD "{title}" is cited by its family id {pack.policy}. Each MAC has '
        "its own copy; give --state to cite the patient's MAC's version."
    )
    return _ref(pack, pack.policy, f"{title} (LCD family)", pack.url), None, note


def version_notes(stored: Mapping[str, Any], current: list[PolicyRef], as_of: date) -> list[str]:
    """Notes for a determination stored earlier (its CONTRACTS §1 JSON) whose policy versions differ.

    Each policy of the stored answer is matched to today's by series (else by id); a different
    version label or start date is a change the case should mention.
    """
    now = {(p.series or p.id): p for p in current}
    by_id = {p.id: p for p in current}
    out = []
    for old in stored.get("policies") or ():
        if not isinstance(old, Mapping):
            continue
        key = str(old.get("series") or old.get("id") or "")
        new = now.get(key) or by_id.get(str(old.get("id") or ""))
        if new is None:
            continue
        before = (old.get("version"), old.get("effective"))
        after = (new.version, new.effective.isoformat() if new.effective else None)
        if before != after:
            since = old.get("effective") or "an unknown date"
            then = old.get("version") or f"the version in force from {since}"
            now_text = new.version or f"the version in force from {after[1]}"
            out.append(
                f"The stored determination of {stored.get('as_of') or 'an earlier date'} was made under "
                f"{new.id} {then}; on {as_of.isoformat()} "
                f"{now_text} applies. Check the case again."
            )
    return out

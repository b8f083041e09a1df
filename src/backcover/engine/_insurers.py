"""Which packs answer for a named insurer (``check(..., insurer=)``), or, with none named, which generic ones.

Pure: reads only the ``Knowledge`` bundle's parsed packs and insurer table.

- **No insurer named**: only generic packs (no ``insurer:``) are used; the answer names the generic
  guidelines used and their publishers, and says the insurer's own policy may differ.
- **An insurer named**: no pack of another insurer, and no generic guideline or prior-authorization
  pack, is used. What is used: the insurer's own packs; the payer's public rules (baseline, statute,
  regulation); for Medicare Advantage, Medicare's NCDs, LCDs and benefit rules wherever they apply
  (42 CFR 422.101(b)(6): a plan's internal criteria only where Medicare's are not fully established,
  so a Medicare pack that applies wins over an insurer pack written for several payer kinds; an
  insurer pack written for Medicare Advantage alone fills what Medicare leaves open, and is used
  alongside it). Where the insurer has no
  pack for the code, a generic guideline written by the insurer itself or by the vendor that reviews
  the service area for it counts as the insurer's (eviCore for Cigna); otherwise the answer says
  plainly that backcover has no policy of that insurer and applies the payer's baseline.
- **Prior authorization**: with an insurer, only its own ``prior_authorization`` packs answer; with
  none, the answer is plan dependent, with a note.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from backcover import catalog
from backcover.catalog import Procedure
from backcover.engine._choose import prior_auth, select
from backcover.engine._insurer_table import INSURER_PAYERS, Insurer, insurer_table
from backcover.engine._library import packs
from backcover.engine._model import PriorAuth
from backcover.engine._pack_model import Pack
from backcover.engine.criteria._context import Ctx, in_sentence
from backcover.errors import BadInput, suggest
from backcover.knowledge import Knowledge
from backcover.vocab import Payer

__all__ = [
    "MEDICARE_KINDS",
    "PUBLIC_KINDS",
    "choose_packs",
    "insurer_json",
    "insurer_packs",
    "insurer_prior_auth",
    "resolve_insurer",
]

# Generic packs a named insurer's answer still uses: rules that bind every plan of the payer kind.
PUBLIC_KINDS: frozenset[str] = frozenset({"baseline", "statute", "regulation"})
# ... and for Medicare Advantage, Medicare's own coverage rules (42 CFR 422.101(b)).
MEDICARE_KINDS: frozenset[str] = frozenset({"ncd", "lcd", "benefit"})
_MA_RULE = (
    "Medicare Advantage plans follow Medicare's NCDs and LCDs where these establish the criteria, and may "
    "use their own criteria only where Medicare's are not fully established (42 CFR 422.101(b)(6))."
)


def resolve_insurer(slug: str | None, payer: Payer, knowledge: Knowledge) -> Insurer | None:
    """The insurer named (by slug or name, any case), or None; BadInput when unknown or not offered."""
    if slug is None or not slug.strip():
        return None
    table = insurer_table(knowledge)
    wanted = slug.strip().lower()
    found = table.by_slug.get(wanted) or next(
        (i for i in table.by_slug.values() if i.name.lower() == wanted), None
    )
    if found is None:
        raise BadInput(
            f"unknown insurer {slug.strip()!r}",
            suggest(wanted, table.slugs) + " (`backcover policies insurers` lists them)",
            where="--insurer",
        )
    if payer.value not in INSURER_PAYERS:
        raise BadInput(
            f"--insurer is for plans an insurer sells; {payer.label} is not one",
            "use --payer commercial, medicare-advantage or medicaid with --insurer, or leave --insurer out",
            where="--insurer",
        )
    if not found.offered(payer.value):
        offer = found.offers[payer.value]
        why = f" {offer.note}" if offer.note else ""
        raise BadInput(
            f"{found.name} offers no {payer.value} plans.{why} (source: {offer.source.section}, "
            f"{offer.source.url})",
            f"check the payer kind on the member card; {found.name} offers "
            + (", ".join(p for p in INSURER_PAYERS if found.offered(p)) or "none of them"),
            where="--insurer",
        )
    return found


def _generic_note(used: list[Pack], payer: Payer, names: list[str]) -> list[str]:
    # The core speaks to every edge: "name your insurer" is the CLI's --insurer and the web's
    # "Which insurer?" alike, so the note names neither.
    if payer.value not in INSURER_PAYERS:
        return []
    tail = (
        "your insurer's own policy may differ; name your insurer ("
        + ", ".join(names)
        + ") to use its policy where backcover has it."
    )
    guides = [p for p in used if p.kind == "guideline"]
    if guides:
        named = "; ".join(f"{p.title} (published by {p.publisher})" for p in guides)
        return [f"No insurer was named, so backcover used the generic guideline {named}: {tail}"]
    if any(p.fallback_for for p in used):
        return [f"No insurer was named, so backcover applied the payer's general baseline: {tail}"]
    return []


def choose_packs(
    every: tuple[Pack, ...],
    proc: Procedure,
    payer: Payer,
    setting: str,
    state: str | None,
    as_of: date,
    insurer: Insurer | None,
    knowledge: Knowledge,
) -> tuple[list[Pack], list[str]]:
    """The coverage packs that answer, and the notes that say why (see the module docstring)."""
    code = proc.code
    if insurer is None:
        generic = tuple(p for p in every if p.insurer is None)
        used, notes = select(generic, code, payer, setting, state, as_of)
        return used, notes + _generic_note(
            used, payer, [i.name for i in insurer_table(knowledge).by_slug.values()]
        )
    kinds = PUBLIC_KINDS | (MEDICARE_KINDS if payer is Payer.MEDICARE_ADVANTAGE else frozenset())
    own = [p for p in every if p.insurer == insurer.slug and p.kind != "prior_authorization"]
    public = [p for p in every if p.insurer is None and p.kind in kinds]
    used, notes = select((*own, *public), code, payer, setting, state, as_of, borrow=False)
    mine = [p for p in used if p.insurer == insurer.slug]
    medicare = [p for p in used if p.insurer is None and p.kind in MEDICARE_KINDS]
    if medicare and mine:
        # A policy the insurer wrote for Medicare Advantage alone is written around Medicare's rules
        # (it fills what they leave open); a policy of several payer kinds does not apply over them.
        kept = [p for p in mine if tuple(p.payers) == (Payer.MEDICARE_ADVANTAGE.value,)]
        dropped = [p for p in mine if p not in kept]
        used = [p for p in used if p not in dropped]
        notes.append(_MA_RULE)
        if dropped:
            notes.append(
                f"Medicare's policy applies here, so {insurer.name}'s "
                + ", ".join(p.title for p in dropped)
                + " is not used."
            )
        if kept:
            notes.append(
                f"{insurer.name}'s Medicare Advantage policy "
                + ", ".join(p.title for p in kept)
                + " applies alongside Medicare's, for what Medicare's rules leave open."
            )
        return used, notes
    if mine or medicare:
        if medicare:
            notes.append(_MA_RULE)
        return used, notes
    area = insurer_table(knowledge).area_of(proc.family)
    publishers = insurer.publishers(area, payer.value)
    stand_in = [
        p
        for p in every
        if p.insurer is None and p.kind == "guideline" and p.publisher in publishers and not p.fallback_for
    ]
    found, _ = select(tuple(stand_in), code, payer, setting, state, as_of, borrow=False)
    found = [p for p in found if not p.fallback_for]
    if found:
        vendors = {v.name: v for v in insurer.vendors_for(area, payer.value)}
        for p in found:
            why = (
                f"{p.publisher} reviews {(area or 'these').replace('_', ' ')} requests for {insurer.name} "
                f"({vendors[p.publisher].source.section}, {vendors[p.publisher].source.url})"
                if p.publisher in vendors
                else f"it is {insurer.name}'s own published policy"
            )
            notes.append(f"{p.title} is used as {insurer.name}'s policy: {why}.")
        return found, [n for n in notes if not n.startswith("No specific coverage policy")]
    notes.insert(
        0,
        f"backcover has no {insurer.name} policy for {in_sentence(proc.name)} ({code}); the plan's own "
        "policy decides. The payer's general baseline was applied instead.",
    )
    return used, notes


def insurer_prior_auth(
    every: tuple[Pack, ...],
    proc: Procedure,
    payer: Payer,
    setting: str,
    state: str | None,
    as_of: date,
    used: list[Pack],
    insurer: Insurer | None,
    ctx: Ctx | None = None,
) -> tuple[PriorAuth, list[str], list[str]]:
    """Prior authorization: the insurer's own lists when one is named, else the generic packs'.

    ``ctx`` (the question and its record) answers a rule that depends on the visits already had."""
    if insurer is None:
        generic = tuple(p for p in every if p.insurer is None)
        return prior_auth(generic, proc.code, payer, setting, state, as_of, used, ctx=ctx)
    own = tuple(
        p
        for p in every
        if p.insurer == insurer.slug
        and p.kind == "prior_authorization"
        and payer in p.payers
        and p.in_force(as_of)
    )
    if not own:
        return (
            PriorAuth.PLAN_DEPENDENT,
            [
                f"backcover has no {insurer.name} prior-authorization list for {payer.value} plans; "
                "the plan's list decides (call the number on the member card)."
            ],
            [],
        )
    return prior_auth(own, proc.code, payer, setting, state, as_of, used, ctx=ctx)


def insurer_packs(
    every: tuple[Pack, ...], insurer: Insurer, payer: str, knowledge: Knowledge
) -> list[tuple[Pack, str]]:
    """The packs a check for this insurer and payer kind may use, each with how it counts.

    ``own``: the insurer's pack; ``vendor``: a generic guideline by the insurer or its vendor for the
    service area, used where the insurer has no pack of its own for the code; ``medicare``: Medicare's
    NCD, LCD or benefit rule (Medicare Advantage only); ``prior_authorization``: the insurer's lists.
    """
    if not insurer.offered(payer):
        return []
    table = insurer_table(knowledge)
    out: list[tuple[Pack, str]] = []
    mine = [p for p in every if p.insurer == insurer.slug and payer in p.payers]
    out += [(p, "prior_authorization" if p.kind == "prior_authorization" else "own") for p in mine]
    own_codes = {c for p in mine if p.codes for c in p.codes}
    for p in every:
        if p.insurer is not None or p.kind != "guideline" or payer not in p.payers or p.codes is None:
            continue
        areas = {table.area_of(f) for f in _families(p, knowledge)}
        if p.codes - own_codes and any(p.publisher in insurer.publishers(a, payer) for a in areas):
            out.append((p, "vendor"))
    if payer == Payer.MEDICARE_ADVANTAGE.value:
        out += [
            (p, "medicare")
            for p in every
            if p.insurer is None and p.kind in MEDICARE_KINDS and payer in p.payers
        ]
    return out


def _families(pack: Pack, knowledge: Knowledge) -> set[str]:
    found = (catalog.find(code, knowledge) for code in pack.codes or ())
    return {proc.family for proc in found if proc is not None}


def insurer_json(ins: Insurer, kb: Knowledge | None = None) -> dict[str, Any]:
    """One insurer for `policies insurers --format json`: offers, vendors, the packs used per payer kind."""
    kb = kb if kb is not None else Knowledge.packaged()
    every = packs(kb)  # the packs of the bundle
    return {
        "slug": ins.slug,
        "name": ins.name,
        "offers": {
            payer: {"offered": o.offered, "note": o.note, "source": o.source.to_json()}
            for payer, o in ins.offers.items()
        },
        "vendors": [
            {
                "area": v.area,
                "name": v.name,
                "payers": list(v.payers) if v.payers is not None else None,
                "note": v.note,
                "source": v.source.to_json(),
            }
            for v in ins.vendors
        ],
        "packs": {
            payer: [
                {"id": p.id, "title": p.title, "publisher": p.publisher, "kind": p.kind, "use": use}
                for p, use in insurer_packs(every, ins, payer, kb)
            ]
            for payer in INSURER_PAYERS
        },
        "notes": list(ins.notes),
    }

"""What a person reads first about an estimate (CLI text and the web page share it): repeated lines
grouped with their citation once, the likely total and its range, what is included, what is still
unpriced, and the out-of-pocket maximum as a cap. Works on the contract JSON (CONTRACTS.md section 2)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

__all__ = ["cap_sentence", "grouped_lines", "short_source", "summary"]

_COUNT = re.compile(r"\s*\((\d+) of (\d+); ([^)]*)\)")
_SUMMED = ("allowed", "patient", "plan", "balance_bill")


def _dec(v: Any) -> Decimal:
    return Decimal(str(v)) if v not in (None, "") else Decimal(0)


def _m(v: Decimal) -> str:
    return f"{v:.2f}"


def _label(line: Mapping[str, Any]) -> str:
    return _COUNT.sub("", str(line.get("description") or line.get("id")))


def short_source(source: str | None, limit: int = 220) -> str:
    """The first part of a price's source (before its bracketed citation), for a reader in a hurry."""
    text = (source or "").split(" [")[0].strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def grouped_lines(lines: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The lines, with the lines of one group (therapy visits) folded into one row.

    A row is the line's JSON plus ``count``, ``ids``, ``label`` (the description without "1 of 6"),
    ``each`` (one line's allowed amount, when they are all the same) and, for a group, the sums of
    ``allowed``/``patient``/``plan``/``balance_bill`` and of their ranges.
    """
    rows: list[dict[str, Any]] = []
    for line in lines:
        last = rows[-1] if rows else None
        g = line.get("group")
        if g and last is not None and last.get("group") == g:
            last["count"] += 1
            last["ids"].append(line["id"])
            if line.get("allowed") != last["each"]:
                last["each"] = None
            for k in _SUMMED:
                if last.get(k) is not None and line.get(k) is not None:
                    last[k] = _m(_dec(last[k]) + _dec(line[k]))
            rng, other = last.get("range"), line.get("range")
            if rng and other:
                rng["low"] = _m(_dec(rng["low"]) + _dec(other["low"]))
                rng["high"] = _m(_dec(rng["high"]) + _dec(other["high"]))
                for end in ("low", "high"):
                    rng["patient"][end] = _m(_dec(rng["patient"][end]) + _dec(other["patient"][end]))
            continue
        row = dict(line)
        if row.get("range"):
            row["range"] = {**row["range"], "patient": dict(row["range"]["patient"])}
        m = _COUNT.search(str(line.get("description") or ""))
        row.update(count=1, ids=[line["id"]], label=_label(line), each=line.get("allowed"))
        row["assumption"] = m.group(3) if m else None
        rows.append(row)
    return rows


def cap_sentence(est: Mapping[str, Any]) -> str | None:
    """The out-of-pocket maximum as a cap on the person's share, or None when the plan has none."""
    cap = (est.get("totals") or {}).get("out_of_pocket_max")
    if not cap:
        return None
    limit = cap["limit"]
    if cap["reached"]:
        return (
            f"Your in-network out-of-pocket maximum (${limit}) is reached: it caps your share, so the plan "
            "pays the rest of covered in-network care this plan year."
        )
    if cap.get("reached_at_high"):
        return (
            f"Your in-network out-of-pocket maximum (${limit}) caps your share: it is not reached at the "
            "likely prices, but it would be at the high end of the range."
        )
    return (
        f"Your in-network out-of-pocket maximum (${limit}) caps your share; this estimate does not reach it."
    )


def summary(est: Mapping[str, Any]) -> dict[str, Any]:
    """The ten-second view: likely total, its range, included/estimated/unpriced lines, the cap."""
    rows = grouped_lines(est.get("lines") or [])
    tot = est.get("totals") or {}
    rng = tot.get("range")

    def name(r: Mapping[str, Any]) -> str:
        return f"{r['label']} × {r['count']}" if r["count"] > 1 else str(r["label"])

    return {
        "likely": tot.get("patient_total"),
        "low": rng["low"] if rng else None,
        "high": rng["high"] if rng else None,
        "included": [name(r) for r in rows if r.get("price_known")],
        "estimated": [name(r) for r in rows if r.get("range")],
        "unpriced": [name(r) for r in rows if not r.get("price_known")],
        "cap": cap_sentence(est),
        "rows": rows,
    }

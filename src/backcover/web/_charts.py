"""Charts drawn on the server as inline SVG: no script runs in the browser to draw them.

Both functions are pure: they take plain values and return SVG markup (escaped), so tests can
check what a chart says without a browser.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from html import escape

from markupsafe import Markup

__all__ = ["CostBar", "Marker", "PainPoint", "cost_chart", "pain_chart"]


@dataclass(frozen=True, slots=True)
class PainPoint:
    day: date
    value: Decimal  # 0..10
    label: str = ""


@dataclass(frozen=True, slots=True)
class Marker:
    day: date
    label: str
    kind: str  # "procedure" | "medication" | "therapy" | "imaging" | other


@dataclass(frozen=True, slots=True)
class CostBar:
    label: str
    patient: Decimal
    plan: Decimal
    balance_bill: Decimal = Decimal(0)


_MARK_COLORS = {
    "procedure": "#8a1c7c",
    "therapy": "#0a6b3d",
    "medication": "#8a4b00",
    "imaging": "#1b4f9c",
}


def _x(day: date, first: date, span: int, left: float, width: float) -> float:
    return left + (day - first).days / span * width if span else left + width / 2


_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _ticks(first: date, last: date, most: int = 6) -> list[tuple[date, str]]:
    """Dates for the time axis: one label for one day, else years or months, at most ``most``."""
    if first == last:
        return [(first, first.isoformat())]
    if (last - first).days > 400:
        years = list(range(first.year + (first.month > 1 or first.day > 1), last.year + 1))
        step = max(1, -(-len(years) // most))
        return [(date(y, 1, 1), str(y)) for y in years[::step]]
    months: list[tuple[date, str]] = []
    y, m = first.year, first.month
    while (y, m) <= (last.year, last.month):
        d = date(y, m, 1)
        if d >= first:
            months.append((d, f"{_MONTHS[m - 1]} {y}" if m == 1 or not months else _MONTHS[m - 1]))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    if not months:
        return [(first, first.isoformat()), (last, last.isoformat())]
    step = max(1, -(-len(months) // most))
    return months[::step]


def pain_chart(points: list[PainPoint], markers: list[Marker], title: str = "Pain over time") -> Markup:
    """A line of 0–10 pain scores over time with vertical marks for treatments and procedures."""
    w, h = 540.0, 290.0
    left, right, top, bottom = 44.0, 12.0, 16.0, 58.0
    pw, ph = w - left - right, h - top - bottom
    days = [p.day for p in points] + [m.day for m in markers]
    if not days:
        return Markup(
            '<svg class="chart" viewBox="0 0 720 60" role="img" aria-label="No pain scores yet">'
            '<text x="10" y="35" class="chart-empty">No pain scores or treatments yet.</text></svg>'
        )
    first, last = min(days), max(days)
    span = (last - first).days
    parts: list[str] = [
        f'<svg class="chart" viewBox="0 0 {w:.0f} {h:.0f}" role="img" aria-labelledby="pain-title pain-desc"'
        ' preserveAspectRatio="xMidYMid meet">',
        f'<title id="pain-title">{escape(title)}</title>',
        f'<desc id="pain-desc">{len(points)} pain scores from {first.isoformat()} to {last.isoformat()}, '
        f"with {len(markers)} treatments marked. The same facts are in the table below.</desc>",
    ]
    for v in range(0, 11, 2):
        y = top + ph - v / 10 * ph
        parts.append(f'<line class="grid" x1="{left}" y1="{y:.1f}" x2="{w - right}" y2="{y:.1f}"/>')
        parts.append(f'<text class="axis" x="{left - 8}" y="{y + 4:.1f}" text-anchor="end">{v}</text>')
    parts.append(
        f'<text class="axis" x="12" y="{top + ph / 2:.0f}" transform="rotate(-90 12 {top + ph / 2:.0f})" '
        'text-anchor="middle">pain 0–10</text>'
    )
    for i, m in enumerate(sorted(markers, key=lambda m: m.day)):
        x = _x(m.day, first, span, left, pw)
        color = _MARK_COLORS.get(m.kind, "#444")
        parts.append(
            f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{top + ph}" stroke="{color}" '
            f'stroke-width="2" stroke-dasharray="{"none" if m.kind == "procedure" else "4 3"}">'
            f"<title>{escape(m.day.isoformat())}: {escape(m.label)}</title></line>"
        )
        if m.kind == "procedure":
            ty = top + 12 + (i % 3) * 13
            parts.append(
                f'<text class="mark-label" x="{x + 3:.1f}" y="{ty:.1f}" fill="{color}">'
                f"{escape(m.label[:28])}</text>"
            )
    pts = sorted(points, key=lambda p: p.day)
    coords = [(_x(p.day, first, span, left, pw), top + ph - float(p.value) / 10 * ph) for p in pts]
    if len(coords) > 1:
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
        parts.append(f'<polyline class="pain-line" points="{path}"/>')
    for (x, y), p in zip(coords, pts, strict=True):
        parts.append(
            f'<circle class="pain-dot" cx="{x:.1f}" cy="{y:.1f}" r="4">'
            f"<title>{escape(p.day.isoformat())}: pain {p.value}{(' ' + escape(p.label)) if p.label else ''}"
            "</title></circle>"
        )
    for day, text in _ticks(first, last):
        x = _x(day, first, span, left, pw)
        parts.append(f'<line class="grid" x1="{x:.1f}" y1="{top + ph}" x2="{x:.1f}" y2="{top + ph + 4}"/>')
        parts.append(
            f'<text class="axis" x="{x:.1f}" y="{h - bottom + 18}" text-anchor="middle">{text}</text>'
        )
    # legend
    lx = left
    for kind, label in (
        ("pain", "pain score"),
        ("procedure", "procedure"),
        ("therapy", "therapy"),
        ("medication", "medicine"),
        ("imaging", "imaging"),
    ):
        y = h - 16
        if kind == "pain":
            parts.append(f'<circle class="pain-dot" cx="{lx + 6}" cy="{y - 4}" r="4"/>')
        else:
            parts.append(
                f'<line x1="{lx}" y1="{y - 4}" x2="{lx + 14}" y2="{y - 4}" stroke="{_MARK_COLORS[kind]}" '
                'stroke-width="3"/>'
            )
        parts.append(f'<text class="legend" x="{lx + 18}" y="{y}">{label}</text>')
        lx += 26 + 7.2 * len(label)
    parts.append("</svg>")
    return Markup("".join(parts))


def _money(d: Decimal) -> str:
    return f"${d:,.2f}"


def cost_chart(bars: list[CostBar], title: str = "Who pays what") -> Markup:
    """Stacked bars, one per line of the bill: what you pay, what the plan pays, any balance bill.

    Each line's name sits above its bar, so the chart stays readable on a phone-width screen.
    """
    w = 360.0
    left, right, row = 4.0, 4.0, 44.0
    top = 4.0
    legend_h = 26.0
    h = top + row * max(len(bars), 1) + legend_h
    total_max = max((b.patient + b.plan + b.balance_bill for b in bars), default=Decimal(0))
    pw = w - left - right
    parts = [
        f'<svg class="chart chart-narrow" viewBox="0 0 {w:.0f} {h:.0f}" role="img" '
        'aria-labelledby="cost-title cost-desc">',
        f'<title id="cost-title">{escape(title)}</title>',
        '<desc id="cost-desc">For each line of the bill, the part you pay, the part the plan pays and any '
        "balance bill. The same amounts are in the table.</desc>",
    ]
    for i, b in enumerate(bars):
        y = top + i * row
        total = b.patient + b.plan + b.balance_bill
        parts.append(
            f'<text class="axis" x="{left}" y="{y + 13:.1f}">{escape(b.label[:44])}: {_money(total)}</text>'
        )
        x = left
        for amount, cls, who in (
            (b.patient, "you", "you pay"),
            (b.plan, "plan", "plan pays"),
            (b.balance_bill, "balance", "balance bill"),
        ):
            if amount <= 0 or total_max <= 0:
                continue
            bw = float(amount / total_max) * pw
            parts.append(
                f'<rect class="bar-{cls}" x="{x:.1f}" y="{y + 18:.1f}" width="{bw:.1f}" height="18">'
                f"<title>{escape(b.label)}: {who} {_money(amount)}</title></rect>"
            )
            x += bw
    ly = h - legend_h + 8
    lx = left
    for cls, label in (("you", "you pay"), ("plan", "plan pays"), ("balance", "balance bill")):
        parts.append(f'<rect class="bar-{cls}" x="{lx}" y="{ly}" width="12" height="12"/>')
        parts.append(f'<text class="legend" x="{lx + 17}" y="{ly + 11}">{label}</text>')
        lx += 110
    parts.append("</svg>")
    return Markup("".join(parts))

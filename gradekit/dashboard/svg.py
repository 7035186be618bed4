"""The dashboard's charts: small inline SVG, drawn here, no script and no external file.

Why hand-written rather than a plotting library: the charts are three simple shapes
(a histogram, labelled horizontal bars, a one-line meter), and the page must open
offline with no network and no JavaScript; matplotlib would add a heavy dependency to
the kit for a few rectangles, and the JavaScript charting libraries need a script (and
usually a CDN) that the page's Content-Security-Policy forbids.

Every label is escaped here (:func:`html.escape`), since exercise ids and check names
come from reports. Colours are attributes, not classes, so a chart also reads right
when saved on its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from gradekit.dashboard.stats import Bin

__all__ = ["Bar", "bars", "histogram", "meter"]

PASS = "#2e7d32"
FAIL = "#c62828"
TRACK = "#e0e0e0"
INK = "#263238"
FONT = 'font-family="system-ui, sans-serif" font-size="12"'


@dataclass(frozen=True)
class Bar:
    label: str
    fraction: float  # 0..1: the bar's length
    note: str  # printed after the bar, e.g. "73% (22/30)"


def _svg(width: int, height: int, title: str, body: list[str], *, kind: str = "chart") -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="{kind}" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}" {FONT}>'
            f"<title>{escape(title)}</title>{''.join(body)}</svg>")


def _color(fraction: float) -> str:
    return PASS if fraction >= 0.8 else ("#f9a825" if fraction >= 0.5 else FAIL)


def histogram(bins: Sequence[Bin], title: str, *, width: int = 640, height: int = 260) -> str:
    """Vertical bars of ``bins`` (percent ranges), counts above them, the range's start below."""
    left, right, top, bottom = 36, 16, 20, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = max((b.count for b in bins), default=0) or 1
    step = plot_w / max(1, len(bins))
    body = [f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" stroke="{INK}"/>']
    for i, b in enumerate(bins):
        h = plot_h * b.count / peak
        x, y = left + i * step, top + plot_h - h
        body.append(f'<rect x="{x + 2:.1f}" y="{y:.1f}" width="{step - 4:.1f}" height="{h:.1f}" '
                    f'fill="{_color(b.low / 100)}"><title>{b.low:g}–{b.high:g}%: {b.count}</title></rect>')
        if b.count:
            body.append(f'<text x="{x + step / 2:.1f}" y="{y - 4:.1f}" text-anchor="middle" fill="{INK}">{b.count}</text>')
        body.append(f'<text x="{x:.1f}" y="{top + plot_h + 16}" text-anchor="middle" fill="{INK}">{b.low:g}</text>')
    body.append(f'<text x="{left + plot_w:.1f}" y="{top + plot_h + 16}" text-anchor="middle" fill="{INK}">100</text>')
    body.append(f'<text x="{left + plot_w / 2:.1f}" y="{height - 6}" text-anchor="middle" fill="{INK}">'
                "score, % of the maximum</text>")
    body.append(f'<text x="12" y="{top + plot_h / 2:.1f}" text-anchor="middle" fill="{INK}" '
                f'transform="rotate(-90 12 {top + plot_h / 2:.1f})">students</text>')
    return _svg(width, height, title, body)


def bars(rows: Sequence[Bar], title: str, *, width: int = 640, label_width: int = 200) -> str:
    """One labelled horizontal bar per row, its length the row's fraction, its note after it."""
    row_h, note_w = 22, 110
    plot_w = width - label_width - note_w
    body = []
    for i, row in enumerate(rows):
        y = i * row_h
        fraction = min(1.0, max(0.0, row.fraction))
        body.append(f'<text x="{label_width - 6}" y="{y + 15}" text-anchor="end" fill="{INK}">{escape(row.label)}</text>'
                    f'<rect x="{label_width}" y="{y + 4}" width="{plot_w}" height="14" fill="{TRACK}"/>'
                    f'<rect x="{label_width}" y="{y + 4}" width="{plot_w * fraction:.1f}" height="14" '
                    f'fill="{_color(fraction)}"/>'
                    f'<text x="{label_width + plot_w + 6}" y="{y + 15}" fill="{INK}">{escape(row.note)}</text>')
    return _svg(width, max(row_h, row_h * len(rows)), title, body)


def meter(fraction: float, title: str, *, width: int = 100, height: int = 10) -> str:
    """A one-line bar for a table cell."""
    fraction = min(1.0, max(0.0, fraction))
    body = [f'<rect width="{width}" height="{height}" fill="{TRACK}"/>',
            f'<rect width="{width * fraction:.1f}" height="{height}" fill="{_color(fraction)}"/>']
    return _svg(width, height, title, body, kind="meter")

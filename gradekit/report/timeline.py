"""Timelines: when each call of a check ran on the check's clock, and how to draw them.

A check about concurrency or time can attach a timeline to its result: the calls the
world recorded (a fetch, a job, a handle…), each with its start, its end and how it
ended, beside the shape of a correct run. "Your calls ran one after another" is then
seen at a glance. The JSON report carries it as plain data under
``exercises[].tests[].timeline``::

    {"title": "fetch(url) calls on the check's clock", "unit": "s",
     "observed": [{"label": "call 1", "start": 0.0, "end": 0.3, "outcome": "ok"}],
     "expected": [{"label": "call 1", "start": 0.0, "end": 0.3, "outcome": "ok"}]}

``outcome`` is one of :data:`OUTCOMES`; ``end`` is ``None`` only for ``running`` (the
call had not ended when the world looked). ``expected`` may be absent. Times are
seconds since the scenario started.

Two drawings of the same data::

    >>> print(text_chart(data))          # for terminals (the text report)
    >>> svg = svg_chart(data)            # for HTML: inline SVG, no script, no network

Labels can come from the student's code (the argument it passed to a fake), so
:meth:`Timeline.from_dict` cleans every string (:func:`gradekit.report.sanitize.clean`)
and caps the number of bars; :func:`svg_chart` also XML-escapes everything it writes.
Both drawings accept the dict as it appears in a report and raise
:class:`TimelineError` (a ``ValueError``) naming the part that is malformed.

The SVG is written by hand rather than with a drawing library: it is a few rectangles
and lines, and writing it here keeps every byte of it (and its escaping) in view.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from html import escape
from typing import Any

from gradekit.report.sanitize import clean

__all__ = ["OUTCOMES", "Bar", "Timeline", "TimelineError", "svg_chart", "text_chart", "timeline_data"]

#: How a call ended: returned, raised, was cancelled, or had not ended when the world looked.
OUTCOMES = ("ok", "error", "cancelled", "running")
MAX_BARS = 100  # per side (observed, expected): a check draws a dozen; a report stays small
LABEL = 40
TITLE = 200
UNIT = 10

_GLYPH = {"ok": "█", "error": "▒", "cancelled": "░", "running": "█"}
_LEGEND = {"ok": "█ returned", "error": "▒ raised", "cancelled": "░ cancelled", "running": "█▶ still running"}
_WORD = {"ok": "", "error": " raised", "cancelled": " cancelled", "running": " still running"}


class TimelineError(ValueError):
    """A timeline is not of the documented shape (see this module's docstring); the message says where."""


@dataclass(frozen=True)
class Bar:
    """One call: ``label`` ran from ``start`` to ``end`` (None while running) and ended as ``outcome``."""

    label: str
    start: float
    end: float | None
    outcome: str = "ok"

    @classmethod
    def from_dict(cls, data: Any, where: str) -> Bar:
        if not isinstance(data, dict):
            raise TimelineError(f"{where} must be an object with label, start, end and outcome, not {type(data).__name__}")
        outcome = data.get("outcome", "ok")
        if outcome not in OUTCOMES:
            raise TimelineError(f"{where}.outcome must be one of {', '.join(OUTCOMES)}, not {outcome!r}")
        start = _time(data.get("start"), f"{where}.start")
        end = None if data.get("end") is None else _time(data.get("end"), f"{where}.end")
        if (end is None) != (outcome == "running"):
            raise TimelineError(f"{where}.end must be null exactly when the outcome is 'running'")
        if end is not None and end < start:
            raise TimelineError(f"{where} ends ({end}) before it starts ({start})")
        return cls(clean(data.get("label", ""), LABEL), start, end, outcome)

    def to_dict(self) -> dict:
        return {"label": self.label, "start": self.start, "end": self.end, "outcome": self.outcome}


def _time(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
        raise TimelineError(f"{where} must be a finite number of seconds ≥ 0, not {value!r}")
    return round(float(value), 6)


def _bars(data: Any, where: str) -> tuple[Bar, ...]:
    if not isinstance(data, list):
        raise TimelineError(f"timeline.{where} must be a list of calls, not {type(data).__name__}")
    return tuple(Bar.from_dict(item, f"timeline.{where}[{i}]") for i, item in enumerate(data[:MAX_BARS]))


@dataclass(frozen=True)
class Timeline:
    """A check's calls on its clock (``observed``) beside a correct run's shape (``expected``, or None)."""

    title: str
    observed: tuple[Bar, ...]
    expected: tuple[Bar, ...] | None = None
    unit: str = "s"

    @classmethod
    def from_dict(cls, data: Any) -> Timeline:
        """The timeline of a report, checked and cleaned; :class:`TimelineError` says what is wrong."""
        if not isinstance(data, dict):
            raise TimelineError(f"a timeline must be an object, not {type(data).__name__}")
        if "observed" not in data:
            raise TimelineError("a timeline needs 'observed': the list of calls the check saw")
        expected = data.get("expected")
        return cls(title=clean(data.get("title", ""), TITLE), unit=clean(data.get("unit", "s"), UNIT),
                   observed=_bars(data["observed"], "observed"),
                   expected=None if expected is None else _bars(expected, "expected"))

    def to_dict(self) -> dict:
        data = {"title": self.title, "unit": self.unit, "observed": [b.to_dict() for b in self.observed]}
        if self.expected is not None:
            data["expected"] = [b.to_dict() for b in self.expected]
        return data

    @property
    def sections(self) -> list[tuple[str, tuple[Bar, ...]]]:
        sections = [("your run", self.observed)]
        return sections + ([("a correct run", self.expected)] if self.expected is not None else [])

    @property
    def last(self) -> float:
        """How far the axis must reach: the latest end, a little past a running bar's start."""
        bars = [b for _, section in self.sections for b in section]
        ends = max((b.end if b.end is not None else b.start for b in bars), default=0.0)
        return ends * 1.15 if any(b.end is None for b in bars) else ends


def timeline_data(data: Any) -> dict:
    """``data`` checked and cleaned, as a report stores it (idempotent)."""
    return Timeline.from_dict(data).to_dict()


# -- the axis -----------------------------------------------------------------------------------

def _ticks(last: float, most: int) -> list[float]:
    """Round tick values from 0 past ``last``, at most ``most`` + 1 of them (1, 2, 2.5, 5 × 10^k apart)."""
    last = max(last, 1e-3)
    for exponent in range(-4, 8):
        for mantissa in (1, 2, 2.5, 5):
            step = mantissa * 10.0 ** exponent
            count = math.ceil(last / step - 1e-9)
            if count <= most:
                return [round(k * step, 9) for k in range(count + 1)]
    raise TimelineError(f"a timeline spans {last} s: too long to draw")  # ~10^8 s; never from a check


def _fmt(value: float) -> str:
    return f"{value:g}"


def _span(bar: Bar) -> str:
    end = "…" if bar.end is None else f"{bar.end:.3f}"
    return f"{bar.start:.3f}–{end}{_WORD[bar.outcome]}"


# -- text ---------------------------------------------------------------------------------------

def text_chart(timeline: dict, width: int = 60) -> str:
    """The timeline as lines of text, ``width`` columns for the bars (plus labels and times).

    ::

        fetch(url) calls on the check's clock
                         0         0.2       0.4       0.6 s
          your run       ├─────────┼─────────┼─────────┤
            a            ███████████████                     0.000–0.300
            b                           █████                0.300–0.400
          a correct run  ├─────────┼─────────┼─────────┤
            a            ███████████████                     0.000–0.300
            b            █████                               0.000–0.100
          █ returned
    """
    if width < 10:
        raise ValueError(f"a text chart needs at least 10 columns for its bars, not {width}")
    data = Timeline.from_dict(timeline)
    ticks = _ticks(data.last, max(1, width // 10))
    scale = width / ticks[-1]
    column = {t: round(t * scale) for t in ticks}  # time t is the left edge of its column; the last is `width`
    pad = max([2 + len(heading) for heading, _ in data.sections] +
              [4 + len(b.label) for _, bars in data.sections for b in bars]) + 2
    lines = [data.title, " " * pad + _tick_labels(ticks, column, width) + f" {data.unit}"]
    for heading, bars in data.sections:
        lines.append(f"  {heading:<{pad - 2}}" + _ruler(column, width))
        lines += [f"    {b.label:<{pad - 4}}" + _bar(b, scale, width) + "  " + _span(b) for b in bars]
        if not bars:
            lines.append(f"    {'(no calls)':<{pad - 4}}")
    outcomes = [o for o in OUTCOMES if any(b.outcome == o for _, bars in data.sections for b in bars)]
    if outcomes:
        lines.append("  " + "  ".join(_LEGEND[o] for o in outcomes))
    return "\n".join(line.rstrip() for line in lines)


def _tick_labels(ticks: list[float], column: dict[float, int], width: int) -> str:
    row = [" "] * (width + 8)
    free = 0
    for t in ticks:
        text = _fmt(t)
        at = column[t]
        if at >= free and at + len(text) <= len(row):
            row[at:at + len(text)] = text
            free = at + len(text) + 1
    return "".join(row).rstrip()


def _ruler(column: dict[float, int], width: int) -> str:
    row = ["─"] * (width + 1)
    for at in column.values():
        row[at] = "┼"
    row[0], row[-1] = "├", "┤"
    return "".join(row)


def _bar(bar: Bar, scale: float, width: int) -> str:
    first = min(width - 1, math.floor(bar.start * scale + 1e-9))
    if bar.end is None:
        return " " * first + _GLYPH["running"] * max(0, width - first - 1) + "▶"
    last = max(first + 1, min(width, math.ceil(bar.end * scale - 1e-9)))
    return " " * first + _GLYPH[bar.outcome] * (last - first) + " " * (width - last)


# -- SVG ----------------------------------------------------------------------------------------

_COLOR = {"ok": "#3b6fb6", "error": "#c0392b", "cancelled": "#9a9a9a", "running": "#e08a00"}
_NAME = {"ok": "returned", "error": "raised", "cancelled": "cancelled", "running": "still running"}
_ROW, _BAR, _PLOT, _TIMES, _TOP = 18, 12, 420, 150, 34
_CHAR = 6.5  # px per character of an 11 px label: the label column fits the longest label


def _labels_width(data: Timeline) -> float:
    longest = max([len(b.label) for _, bars in data.sections for b in bars] + [12])
    return 24 + _CHAR * longest


def svg_chart(timeline: dict) -> str:
    """The timeline as one self-contained ``<svg>`` element (no script, no external reference).

    Bars are coloured by outcome, each with a ``<title>`` tooltip giving its times; the
    student's run is drawn above a correct run's shape, on one shared axis.
    """
    data = Timeline.from_dict(timeline)
    ticks = _ticks(data.last, 6)
    scale = _PLOT / ticks[-1]
    left = _labels_width(data)
    rows: list[str] = []
    y = _TOP
    for heading, bars in data.sections:
        rows.append(_svg_text(4, y + _BAR - 1, heading, weight="bold"))
        y += _ROW
        for bar in bars or ():
            rows.append(_svg_bar(bar, y, left, scale))
            y += _ROW
        if not bars:
            rows.append(_svg_text(16, y + _BAR - 1, "(no calls)"))
            y += _ROW
    outcomes = [o for o in OUTCOMES if any(b.outcome == o for _, bars in data.sections for b in bars)]
    legend = _svg_legend(outcomes, y + 6)
    height = y + (28 if outcomes else 8)
    grid = _svg_grid(ticks, left, scale, y, data.unit)
    width = round(left + _PLOT + _TIMES)
    title = escape(data.title or "timeline", quote=True)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="gk-timeline" role="img" width="{width}" '
            f'height="{height}" viewBox="0 0 {width} {height}" font-family="system-ui, sans-serif" font-size="11">'
            f"<title>{title}</title>"
            f'<text x="4" y="13" font-weight="bold">{title}</text>'
            + grid + "".join(rows) + legend + "</svg>")


def _svg_text(x: float, y: float, text: str, *, weight: str = "normal", anchor: str = "start", fill: str = "#222") -> str:
    return (f'<text x="{x:.1f}" y="{y:.1f}" font-weight="{weight}" text-anchor="{anchor}" fill="{fill}">'
            f"{escape(text, quote=True)}</text>")


def _svg_grid(ticks: list[float], left: float, scale: float, bottom: float, unit: str) -> str:
    parts = []
    for t in ticks:
        x = left + t * scale
        parts.append(f'<line x1="{x:.1f}" y1="{_TOP - 6}" x2="{x:.1f}" y2="{bottom:.1f}" stroke="#ddd"/>')
        parts.append(_svg_text(x, _TOP - 9, _fmt(t), anchor="middle", fill="#555"))
    parts.append(_svg_text(left + _PLOT + 24, _TOP - 9, f"({unit})", fill="#555"))
    return "".join(parts)


def _svg_bar(bar: Bar, y: float, left: float, scale: float) -> str:
    x = left + bar.start * scale
    end = left + _PLOT if bar.end is None else left + bar.end * scale
    width = max(2.0, end - x)
    tip = escape(f"{bar.label}: {_span(bar).replace(_WORD[bar.outcome], '')} s, {_NAME[bar.outcome]}", quote=True)
    arrow = ""
    if bar.outcome == "running":
        arrow = (f'<polygon points="{end:.1f},{y:.1f} {end + 7:.1f},{y + _BAR / 2:.1f} {end:.1f},{y + _BAR:.1f}" '
                 f'fill="{_COLOR["running"]}"/>')
    return (_svg_text(16, y + _BAR - 1, bar.label)
            + f'<rect x="{x:.1f}" y="{y:.1f}" width="{width:.1f}" height="{_BAR}" rx="2" fill="{_COLOR[bar.outcome]}">'
            f"<title>{tip}</title></rect>" + arrow
            + _svg_text(left + _PLOT + 12, y + _BAR - 1, _span(bar), fill="#555"))


def _svg_legend(outcomes: list[str], y: float) -> str:
    parts, x = [], 4.0
    for outcome in outcomes:
        parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="12" height="10" rx="2" fill="{_COLOR[outcome]}"/>')
        parts.append(_svg_text(x + 16, y + 9, _NAME[outcome]))
        x += 24 + 7 * len(_NAME[outcome])
    return "".join(parts)

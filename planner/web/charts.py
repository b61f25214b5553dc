"""The season and each lift as pictures: pure geometry for server-drawn SVG.

Numbers in, shapes out (rectangles, points, paths in a fixed viewBox); the templates only
draw them, and every chart comes with the rows of its data table for screen readers. No
clock, no randomness: the same plan draws the same picture.

    season_weeks(plan)  -> one SeasonWeek per week (running minutes, strength sets, phase,
                           step-back week, races)
    season_chart(weeks) -> two panels on one time axis: running minutes above, strength
                           sets below, phases as a band on top, step-back weeks shaded,
                           races flagged
    lift_series(plan)   -> each lift's kilograms (or reps) week by week
    line_chart(series)  -> one small line chart per lift
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from planner.domain import PHASES

# The season picture's viewBox and panels (SVG user units; the page scales it to fit).
WIDTH = 640
NARROW_WIDTH = 360  # drawn for phones, where the wide one's words would be too small
LEFT = 44  # room for the y-axis numbers
RIGHT = 8
PHASE_Y, PHASE_H = 0, 20
RUN_Y, RUN_H = 34, 96
STRENGTH_Y, STRENGTH_H = 150, 64
AXIS_Y = 232  # week labels
HEIGHT = 244
STRIP_WIDTH, STRIP_HEIGHT = 240, 44
LINE_WIDTH, LINE_HEIGHT = 300, 120


@dataclass(frozen=True)
class SeasonWeek:
    number: int  # 1-based
    start: date
    run_minutes: int
    strength_sets: int
    sessions: int
    phase: str
    deload: bool
    races: tuple[date, ...] = ()


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    width: float
    height: float
    label: str = ""  # the shape's tooltip (<title>)


@dataclass(frozen=True)
class Text:
    x: float
    y: float
    text: str


@dataclass(frozen=True)
class Band:
    x: float
    width: float
    phase: str
    label: str = ""  # the phase word when it fits the band, else "" (the <title> says it)


@dataclass(frozen=True)
class Flag:
    x: float
    label: str


@dataclass(frozen=True)
class SeasonChart:
    width: float
    height: float
    run_bars: tuple[Rect, ...]
    strength_bars: tuple[Rect, ...]
    phases: tuple[Band, ...]
    deloads: tuple[Rect, ...]
    races: tuple[Flag, ...]
    week_labels: tuple[Text, ...]
    run_ticks: tuple[Text, ...]
    strength_ticks: tuple[Text, ...]
    run_max: int
    strength_max: int


def season_weeks(plan: dict[str, Any]) -> list[SeasonWeek]:
    """The season's numbers from a plan JSON: running minutes and strength sets per week."""
    weeks = []
    for number, week in enumerate(plan.get("weeks", []), start=1):
        runs = [run for run in week.get("runs", []) if run.get("run") != "rest"]
        minutes = sum(int(run.get("minutes") or 0) for run in runs)
        sessions = week.get("sessions", [])
        sets = sum(int(item.get("sets") or 0) for session in sessions
                   for item in session.get("exercises", []))
        races = tuple(sorted(date.fromisoformat(run["date"]) for run in runs
                             if run.get("run") == "race"))
        phase = week.get("phase") if week.get("phase") in PHASES else ""
        weeks.append(SeasonWeek(number, date.fromisoformat(week["start"]), minutes, sets,
                                len(sessions), phase, bool(week.get("deload")), races))
    return weeks


def nice_max(value: float) -> int:
    """A round top for an axis at or above `value`: 1, 2, 3, 4, 5, 6 or 8 × 10^n (at least
    1), so the tallest bar fills most of its panel."""
    if value <= 1:
        return 1
    step = 1
    while True:
        for factor in (1, 2, 3, 4, 5, 6, 8):
            if step * factor >= value:
                return step * factor
        step *= 10


def _scale(value: float, top: int, height: float) -> float:
    return round(height * value / top, 1) if top else 0.0


def _column(index: int, count: int, width: float) -> tuple[float, float]:
    """The x and width of week `index` of `count` in a plot `width` wide."""
    slot = width / count
    return LEFT + slot * index, slot


def season_chart(weeks: list[SeasonWeek], width: float = WIDTH) -> SeasonChart:
    if not weeks:
        raise ValueError("a season chart needs at least one week")
    plot = width - LEFT - RIGHT
    count = len(weeks)
    run_top = nice_max(max(w.run_minutes for w in weeks))
    strength_top = nice_max(max(w.strength_sets for w in weeks))
    run_bars, strength_bars, deloads, labels = [], [], [], []
    for index, week in enumerate(weeks):
        x, slot = _column(index, count, plot)
        gap = min(slot * 0.2, 6)
        bar_x, bar_w = round(x + gap / 2, 1), round(slot - gap, 1)
        height = _scale(week.run_minutes, run_top, RUN_H)
        run_bars.append(Rect(bar_x, round(RUN_Y + RUN_H - height, 1), bar_w, height,
                             f"week {week.number}: {week.run_minutes} min running"))
        height = _scale(week.strength_sets, strength_top, STRENGTH_H)
        strength_bars.append(Rect(bar_x, round(STRENGTH_Y + STRENGTH_H - height, 1), bar_w,
                                  height, f"week {week.number}: {week.strength_sets} "
                                  "strength sets"))
        if week.deload:
            deloads.append(Rect(round(x, 1), RUN_Y, round(slot, 1),
                                STRENGTH_Y + STRENGTH_H - RUN_Y,
                                f"week {week.number}: step-back week"))
        every = max(1, -(-count * 28 // int(plot)))  # a label per 28 units at most
        if index % every == 0:
            labels.append(Text(round(x + slot / 2, 1), AXIS_Y, str(week.number)))
    return SeasonChart(
        width, HEIGHT, tuple(run_bars), tuple(strength_bars), tuple(_phase_bands(weeks, plot)),
        tuple(deloads), tuple(_race_flags(weeks, plot)), tuple(labels),
        (Text(LEFT - 4, RUN_Y + 4, str(run_top)), Text(LEFT - 4, RUN_Y + RUN_H, "0")),
        (Text(LEFT - 4, STRENGTH_Y + 4, str(strength_top)),
         Text(LEFT - 4, STRENGTH_Y + STRENGTH_H, "0")),
        run_top, strength_top)


PHASE_CHAR_PX = 7.0  # a 12-unit bold letter, roughly: a word wider than its band is left out


def _phase_bands(weeks: list[SeasonWeek], plot: float) -> list[Band]:
    """Runs of equal phase (a step-back week stays in its phase), one band each, named
    when the word fits (a one-week "maintain" on a phone would be cut to "main")."""
    runs: list[tuple[int, int, str]] = []  # first index, last index, phase
    for index, week in enumerate(weeks):
        if not week.phase:
            continue
        if runs and runs[-1][2] == week.phase and runs[-1][1] == index - 1:
            runs[-1] = (runs[-1][0], index, week.phase)
        else:
            runs.append((index, index, week.phase))
    bands = []
    for first, last, phase in runs:
        x, _ = _column(first, len(weeks), plot)
        end, slot = _column(last, len(weeks), plot)
        width = end + slot - x
        fits = len(phase) * PHASE_CHAR_PX + 6 <= width
        bands.append(Band(round(x, 1), round(width, 1), phase, phase if fits else ""))
    return bands


def _race_flags(weeks: list[SeasonWeek], plot: float) -> list[Flag]:
    count = len(weeks)
    flags = []
    for index, week in enumerate(weeks):
        x, slot = _column(index, count, plot)
        for race in week.races:
            offset = (race - week.start).days + 0.5
            flags.append(Flag(round(x + slot * offset / 7, 1),
                              f"race {race.day} {race.strftime('%b')}"))
    return flags


# ---- the squad's strip ----------------------------------------------------------------


@dataclass(frozen=True)
class Strip:
    width: float
    height: float
    bars: tuple[Rect, ...]  # strength sets per week
    deloads: tuple[Rect, ...]
    races: tuple[float, ...]  # x of each race


def season_strip(weeks: list[SeasonWeek], width: float = STRIP_WIDTH,
                 height: float = STRIP_HEIGHT) -> Strip:
    """A coach's glance: strength sets per week as bars, step-back weeks shaded, races as
    ticks, in a small box."""
    if not weeks:
        raise ValueError("a season strip needs at least one week")
    count = len(weeks)
    slot = width / count
    top = max(max(w.strength_sets for w in weeks), 1)
    bars, deloads, races = [], [], []
    usable = height - 6  # room for the race ticks on top
    for index, week in enumerate(weeks):
        x = slot * index
        gap = min(slot * 0.2, 3)
        bar_h = round(usable * week.strength_sets / top, 1)
        bars.append(Rect(round(x + gap / 2, 1), round(height - bar_h, 1),
                         round(slot - gap, 1), bar_h,
                         f"week {week.number}: {week.strength_sets} sets"))
        if week.deload:
            deloads.append(Rect(round(x, 1), 0, round(slot, 1), height,
                                f"week {week.number}: step-back week"))
        for race in week.races:
            races.append(round(x + slot * ((race - week.start).days + 0.5) / 7, 1))
    return Strip(width, height, tuple(bars), tuple(deloads), tuple(races))


# ---- each lift ------------------------------------------------------------------------


@dataclass(frozen=True)
class LiftPoint:
    week: int  # 1-based
    value: float
    text: str  # "3 × 8 reps · 6 kg"


@dataclass(frozen=True)
class LiftSeries:
    name: str
    unit: str  # "kg" or the reps unit
    points: tuple[LiftPoint, ...]


def lift_series(plan: dict[str, Any], names: dict[str, str] | None = None,
                min_weeks: int = 2) -> list[LiftSeries]:
    """Each lift (catalog family) week by week: its kilograms when the runner's weights name
    one in any week, else its reps. The week's first session with the lift stands for the
    week. `names` maps variation ids to the names the runner reads."""
    names = names or {}
    order: list[str] = []
    found: dict[str, dict[int, dict[str, Any]]] = {}
    for number, week in enumerate(plan.get("weeks", []), start=1):
        for session in week.get("sessions", []):
            for item in session.get("exercises", []):
                family = str(item.get("family") or item.get("id") or "")
                if family not in found:
                    found[family] = {}
                    order.append(family)
                found[family].setdefault(number, item)
    series = []
    for family in order:
        weeks = found[family]
        if len(weeks) < min_weeks:
            continue
        in_kg = any(_kg(item) for item in weeks.values())
        points = []
        for number, item in sorted(weeks.items()):
            weight = _kg(item)
            value = weight if in_kg else float(item.get("reps") or 0)
            if in_kg and weight is None:
                continue  # a bodyweight week of a loaded lift: no point on a kg axis
            shown = names.get(str(item.get("id")), item.get("display_name") or item.get("name"))
            text = f"{shown}: {item.get('sets')} × {item.get('reps')} {item.get('reps_unit')}"
            if weight is not None:
                text += f" · {weight:g} kg"
            points.append(LiftPoint(number, value, text))
        if len(points) >= min_weeks:
            first = next(iter(weeks.values()))
            unit = "kg" if in_kg else str(first.get("reps_unit") or "reps")
            title = names.get(str(first.get("id")), first.get("display_name") or family)
            series.append(LiftSeries(_lift_title(family, title), unit, tuple(points)))
    return series


def _lift_title(family: str, shown: str) -> str:
    """The family's name as the runner reads it: the shown exercise name when the family is
    a list of alternatives ("Pogo Hop or Squat Jump")."""
    return shown if " or " in family or not family else family


def _kg(item: dict[str, Any]) -> float | None:
    weight = item.get("weight_kg")
    if isinstance(weight, (int, float)) and not isinstance(weight, bool) and weight > 0:
        return float(weight)
    return None


@dataclass(frozen=True)
class LineChart:
    width: float
    height: float
    path: str  # the SVG path through the points
    dots: tuple[Rect, ...]  # a dot per point (x, y = centre; width = radius)
    low: float
    high: float
    ticks: tuple[Text, ...]
    week_labels: tuple[Text, ...]


def line_chart(series: LiftSeries, weeks: int, width: float = LINE_WIDTH,
               height: float = LINE_HEIGHT) -> LineChart:
    """One lift across `weeks` weeks: y from a round-down low to a round-up high."""
    if not series.points:
        raise ValueError("a line chart needs at least one point")
    left, right, top, bottom = 40.0, 8.0, 10.0, 22.0
    values = [p.value for p in series.points]
    low = float(int(min(values)))
    if max(values) == min(values):  # a held dose: a level line mid-height
        low, high = max(0.0, low - 1), low + 1
    else:
        high = float(nice_max(max(values)))
        if high - low > 4:  # start near the data, so a 6 -> 8 kg step is visible
            low = max(0.0, float(int(min(values) - (high - min(values)) * 0.25)))
    span = high - low
    plot_w, plot_h = width - left - right, height - top - bottom

    def x_of(week: int) -> float:
        return round(left + plot_w * ((week - 1) / max(weeks - 1, 1)), 1)

    def y_of(value: float) -> float:
        return round(top + plot_h * (1 - (value - low) / span), 1)

    coords = [(x_of(p.week), y_of(p.value)) for p in series.points]
    path = "M" + " L".join(f"{x:g},{y:g}" for x, y in coords)
    dots = tuple(Rect(x, y, 3.5, 0, p.text) for (x, y), p in zip(coords, series.points,
                                                                  strict=True))
    labels = [Text(x_of(1), height - 6, "week 1")]
    if weeks > 1:
        labels.append(Text(x_of(weeks), height - 6, f"week {weeks}"))
    ticks = (Text(left - 4, top + 4, f"{high:g}"), Text(left - 4, top + plot_h, f"{low:g}"))
    return LineChart(width, height, path, dots, low, high, ticks, tuple(labels))

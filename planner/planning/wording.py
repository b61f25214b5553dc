"""The words a runner reads, in one place: session names, grammar, equipment, warm-up, runs.

Pure functions of plain data (no solver, no clock), shared by the terminal table, the
calendar, `explain` and the why-lines, so the same thing is always called the same way.

Decisions (issue 10, "Honest words"):
* A heavy session is called the **main** session to the runner ("heavy" stays the data
  value in the JSON, the checker and the rules): a beginner's bodyweight session is not heavy.
* Equipment named is what the runner owns or what every home has (floor, wall, step, chair);
  a word for a box or bench the runner does not have is replaced by the item they use
  ("Box squat" to a chair becomes "Chair squat"; "the foot on the box" becomes "on the step").
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, time

from planner.domain import (
    ASSUMED_EQUIPMENT,
    LIGHT_EFFORT_CUE,
    PLYOMETRIC_TEMPO,
    REPS_IN_RESERVE,
    WEEKDAYS,
    Exercise,
    PlannedExercise,
    Run,
    phase_label,
)

# -- session names ----------------------------------------------------------------------

SESSION_WORDS = {"heavy": "main", "light": "light"}


def session_word(intensity: str) -> str:
    """What the runner reads for an intensity: "main" for heavy, "light" for light."""
    return SESSION_WORDS.get(intensity, intensity)


def count_summary(intensities: Iterable[str], weeks: int) -> str:
    """`2 sessions over 1 week: 1 main, 1 light.`"""
    kinds = list(intensities)
    total = len(kinds)
    main = sum(1 for kind in kinds if kind == "heavy")
    return (f"{plural(total, 'session')} over {plural(weeks, 'week')}: "
            f"{main} {session_word('heavy')}, {total - main} {session_word('light')}.")


# -- grammar ----------------------------------------------------------------------------

# Vowel letters that sound like a consonant ("a unilateral", "a one-leg") and silent h's.
_CONSONANT_SOUND = re.compile(r"(?:uni|use|usu|one|eu|ur[aeiou])", re.IGNORECASE)
_VOWEL_SOUND = re.compile(r"(?:hour|honest|honou?r)", re.IGNORECASE)


def a_an(word: str) -> str:
    """The indefinite article for `word`: "an intermediate", "a beginner", "a unilateral"."""
    number = re.match(r"\d+", word)
    if number:  # "an 8-minute", "an 11-minute", "a 5-minute"
        digits = number.group(0)
        return "an" if digits[0] == "8" or digits in ("11", "18") else "a"
    if _VOWEL_SOUND.match(word):
        return "an"
    if word[:1].lower() in "aeiou" and not _CONSONANT_SOUND.match(word):
        return "an"
    return "a"


def with_article(word: str) -> str:
    return f"{a_an(word)} {word}"


def plural(count: int, singular: str, many: str | None = None) -> str:
    """`1 week`, `3 weeks`, `2 eves`."""
    return f"{count} {singular if count == 1 else (many or singular + 's')}"


_ARTICLE_RE = re.compile(r"\b([Aa]n?) ([A-Za-z0-9][\w-]*)")


def fix_articles(text: str) -> str:
    """Make every "a"/"an" agree with the word after it ("a intermediate" -> "an ...")."""
    def repl(match: re.Match[str]) -> str:
        article, word = match.group(1), match.group(2)
        right = a_an(word)
        if article[0].isupper():
            right = right.capitalize()
        return f"{right} {word}"

    return _ARTICLE_RE.sub(repl, text)


_HEAVY_WORDS = (
    (re.compile(r"\bheavy session(s?)\b"), r"main session\1"),
    (re.compile(r"\bHeavy session(s?)\b"), r"Main session\1"),
    (re.compile(r"\((heavy)\)"), "(main)"),
)


def runner_text(text: str) -> str:
    """A rule's or penalty's text in the runner's words: main for heavy, a/an agreeing."""
    for pattern, replacement in _HEAVY_WORDS:
        text = pattern.sub(replacement, text)
    return fix_articles(text)


# -- equipment --------------------------------------------------------------------------

# Words for kit a runner may not own, replaced in a name or cue by the item they use
# instead ("step" is left alone: it also names the movement, as in "step-up").
_SWAP_FROM = ("box", "bench")
_SWAP_TO = ("box", "bench", "chair", "step")


def equipment_choice(options: tuple[str, ...], owned: frozenset[str]) -> str:
    """The item that meets one requirement: the runner's own first, else the first item
    every home has (ASSUMED_EQUIPMENT), in the catalog's order of alternatives."""
    for item in options:
        if item in owned:
            return item
    for item in options:
        if item in ASSUMED_EQUIPMENT:
            return item
    return options[0]


def day_label(day: date) -> str:
    """A day as a runner says it: "Mon 18 Jan"."""
    return f"{WEEKDAYS[day.weekday()]} {day.day} {day.strftime('%b')}"


def equipment_used(requirements: tuple[tuple[str, ...], ...], owned: frozenset[str]
                   ) -> tuple[str, ...]:
    """The item that meets each requirement: the runner's own kit first, else what every home
    has (floor, wall, step, chair), in the catalog's order of alternatives."""
    return tuple(equipment_choice(options, owned) for options in requirements)


def _swaps(exercise: Exercise, used: tuple[str, ...]) -> dict[str, str]:
    """Equipment words to replace: an alternative the runner is not using -> the one used."""
    swaps: dict[str, str] = {}
    for options, item in zip(exercise.equipment, used, strict=False):
        for other in options:
            if other != item and other in _SWAP_FROM and item in _SWAP_TO:
                swaps[other] = item
    return swaps


def _swap_words(text: str, swaps: dict[str, str]) -> str:
    for word, item in swaps.items():
        def repl(match: re.Match[str], item: str = item) -> str:
            found = match.group(0)
            return item.capitalize() if found[0].isupper() else item
        text = re.sub(rf"\b{word}\b", repl, text, flags=re.IGNORECASE)
    return text


_EITHER_RE = re.compile(r"^Dumbbell or (double-)?kettlebell ", re.IGNORECASE)
# "Barbell or dumbbell hip thrust": the catalog lists the barbell first, so an owner of
# both loads the barbell (the article's harder variation, "Barbell hip thrust").
_BAR_OR_DUMBBELL_RE = re.compile(r"^Barbell or dumbbell ", re.IGNORECASE)


def shown_name(exercise: Exercise, used: tuple[str, ...] = ()) -> str:
    """The exercise's name with the runner's own equipment: "Chair squat" for a Box squat
    done to a chair; "Dumbbell single-leg RDL" when the runner has dumbbells but no
    kettlebell."""
    name = _swap_words(exercise.name, _swaps(exercise, used))
    bar_or_dumbbell = _BAR_OR_DUMBBELL_RE.match(name)
    if bar_or_dumbbell:
        rest = name[bar_or_dumbbell.end():]
        if "barbell" in used:
            return f"Barbell {rest}"
        if "dumbbell" in used:
            return f"Dumbbell {rest}"
    either = _EITHER_RE.match(name)
    if either:
        rest = name[either.end():]
        if "dumbbell" in used:
            name = f"Dumbbell {rest}"
        elif "kettlebell" in used:
            name = f"{'Double-kettlebell' if either.group(1) else 'Kettlebell'} {rest}"
    return name


def shown_cue(exercise: Exercise, used: tuple[str, ...] = ()) -> str:
    """The exercise's cue with "box"/"bench" replaced by the item the runner uses."""
    return _swap_words(exercise.cue, _swaps(exercise, used))


# -- warm-up ----------------------------------------------------------------------------


EASY_MOVEMENT_MINUTES = 5  # the short end of the article's "5–8 minutes of easy movement"


def warmup_text(equipment: Iterable[str] = (), *, loaded: bool = True,
                minutes: int | None = None, after_run: bool = False) -> str:
    """The article's warm-up, with only the drills the runner can do: band walks only for
    a runner with a band; practice sets "before the first loaded exercise" only when one is
    loaded. With the booked `minutes`, the text asks for exactly those minutes: after a
    run (the run was the easy movement) drills only; otherwise 5 minutes of easy movement
    and the rest drills."""
    drills = ["bodyweight squats", "hip hinges", "glute bridges", "calf raises"]
    if "band" in set(equipment):
        drills.append("lateral band walks")
    practice = ("1–2 lighter practice sets before the first loaded exercise" if loaded
                else "1–2 easier practice sets of the first exercise")
    if after_run:
        return (f"drills only, your run was the easy movement: {', '.join(drills)}; "
                f"{practice}.")
    if minutes is None:
        return ("5–8 minutes of easy movement (brisk walk, light jog, bike or dynamic "
                f"mobility), then drills: {', '.join(drills)}; {practice}.")
    movement = min(EASY_MOVEMENT_MINUTES, minutes)
    rest = minutes - movement
    then = f"then {plural(rest, 'minute')} of drills" if rest else "then drills"
    return (f"{plural(movement, 'minute')} of easy movement (brisk walk, light jog, bike or "
            f"dynamic mobility), {then}: {', '.join(drills)}; {practice}.")


def season_words(phase: str, deload: bool = False, why: str = "") -> str:
    """The week's place in the season, "Season: maintain — running load ... doses held",
    and "Season: build" for a plain build week (the phase is shown in every output,
    docs/coaching.md). The .ics and the web's session card both say it this way."""
    return f"Season: {phase_label(phase or 'build', deload)}" + (f" — {why}" if why else "")


def effort_cue(intensity: str) -> str:
    """How hard a set is: the main session's "1-3 reps in reserve"; a light session stops
    well short of that ("can be lighter", "without making every session heavy")."""
    return LIGHT_EFFORT_CUE if intensity == "light" else REPS_IN_RESERVE


def tempo_words(planned: PlannedExercise) -> str:
    """The tempo a runner reads: jumps are quick, elastic contacts ("quick ground contact"),
    never "controlled" or slow lowering."""
    return PLYOMETRIC_TEMPO if planned.exercise.plyometric else planned.tempo_label


# -- runs and days ----------------------------------------------------------------------

RUN_NAMES = {
    "easy": "easy run", "recovery": "recovery run", "long": "long run", "tempo": "tempo run",
    "speed": "speed session", "hill": "hill session", "race": "race",
    "cross": "cross-training session",
}


def run_name(kind: str) -> str:
    return RUN_NAMES.get(kind, f"{kind} run")


def clock(value: time) -> str:
    return value.strftime("%H:%M")


def run_relation(run: Run, start: time | None) -> str:
    """Where the session sits against a run of the same day, by clock time:
    "after the 07:00 easy run", "before the 19:00 easy run"; without a known run time or
    session start, only "on an easy-run day"."""
    name = run_name(run.kind)
    if run.time is None or start is None:
        return f"on {with_article(name.replace(' ', '-'))} day"
    when = "after" if run.time < start else "before"
    return f"{when} the {clock(run.time)} {name}"


def days_phrase(days: list[str], singular: str, many: str) -> str:
    """`Sat is the eve of a key run` / `Mon, Wed are eves of key runs`."""
    return f"{', '.join(days)} {singular if len(days) == 1 else many}"


# -- table ------------------------------------------------------------------------------


def wrap_parts(parts: list[str], width: int, joiner: str = " + ") -> list[str]:
    """Lines of at most `width` characters (a single part longer than that is kept whole),
    joining parts with `joiner` and breaking only between parts."""
    lines: list[str] = []
    for part in parts:
        if lines and len(lines[-1]) + len(joiner) + len(part) <= width:
            lines[-1] += joiner + part
        elif lines:
            lines[-1] += joiner.rstrip()
            lines.append(part)
        else:
            lines.append(part)
    return lines or [""]

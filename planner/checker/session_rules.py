"""Hard rules judged one session at a time (H1, H2, H5-H8, H11-H15), each written from
../shared/RULES.md and the article, never from the model. Each takes a session and the plan
around it and yields its violations."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import timedelta

from planner.checker.records import (
    PlanContext,
    SessionEntry,
    Violation,
    kinds_words,
    when,
)
from planner.checker.timing import WARMUP_MINUTES
from planner.domain import (
    ASSUMED_EQUIPMENT,
    FATIGUING_RUNS,
    KEY_RUNS,
    LEVELS,
    NEXT_DAY_FATIGUING_RUNS,
    TEMPO_LABELS,
)

# H8: what a heavy session must cover; each entry is satisfied by any of its patterns.
_H8_COVERAGE: tuple[tuple[tuple[str, ...], str], ...] = (
    (("squat", "lunge"), "a squat or lunge"),
    (("hinge",), "a hip hinge"),
    (("single-leg",), "a step-up or single-leg move"),
    (("calf",), "calf work"),
    (("hip-stability",), "a hip-stability drill"),
)
# The article's beginner session has no deadlift: its hip extension is the glute bridge.
_H8_BEGINNER_HINGE = (("hinge", "bridge"), "a hip hinge or glute bridge")


def check_h1_key_run_eve(s: SessionEntry, ctx: PlanContext) -> Iterator[Violation]:
    """H1: no heavy session, and no plyometrics, on the day before a key run.

    Article: "Avoid heavy leg training the day before a long run, race, hill workout, or
    speed session." A session the day before a key run must be light and jump-free.
    """
    tomorrow = s.day + timedelta(days=1)
    key = ctx.runs_on(tomorrow) & KEY_RUNS
    if not key:
        return
    eve = f"on {when(s.day)}, the day before a {kinds_words(key)} run ({when(tomorrow)})"
    if s.intensity == "heavy":
        yield Violation("H1", s.iso, None, f"heavy session {eve}")
    for item, ex in s.known():
        if ex.plyometric:
            yield Violation("H1", s.iso, item.variation, f"plyometric {ex.name} {eve}")


def check_h13_unloaded_eve_of_key_run(s: SessionEntry, ctx: PlanContext) -> Iterator[Violation]:
    """H13: the session on the eve of a key run holds nothing loaded and no slow lowering.

    Article: the lighter session is "single-leg control, lateral band walks, glute bridges"
    and heavy leg work is avoided "the day before a long run, race, hill workout, or speed
    session".
    """
    tomorrow = s.day + timedelta(days=1)
    key = ctx.runs_on(tomorrow) & KEY_RUNS
    if not key:
        return
    for item in s.items:
        if item.load not in (None, "bodyweight"):
            yield Violation("H13", s.iso, item.variation,
                            f"{item.variation} at load '{item.load}' on {when(s.day)}, the day "
                            f"before a {kinds_words(key)} run")
        if item.tempo == TEMPO_LABELS[1]:
            yield Violation("H13", s.iso, item.variation,
                            f"{item.variation} with {item.tempo} on {when(s.day)}, the day "
                            f"before a {kinds_words(key)} run")



def check_h2_exercise_count(s: SessionEntry, ctx: PlanContext) -> Iterator[Violation]:
    """H2: every session has 4 to 7 exercises, each variation and family at most once.

    Article: "Most runners only need 4–7 leg exercises in one session."
    """
    if not 4 <= s.n_entries <= 7:
        yield Violation("H2", s.iso, None,
                        f"session on {when(s.day)} has {s.n_entries} exercises; 4 to 7 needed")
    seen: set[str] = set()
    for item in s.items:
        if item.variation is not None and item.variation in seen:
            yield Violation("H2", s.iso, item.variation,
                            f"{item.variation} appears more than once on {when(s.day)}")
        elif item.variation is not None:
            seen.add(item.variation)
    families: dict[int, list[str]] = defaultdict(list)
    for item, ex in s.known():
        if item.variation not in families[ex.family_no]:
            families[ex.family_no].append(item.variation or "")
    for family_no, variations in sorted(families.items()):
        if len(variations) > 1:
            family = _family_name(s, family_no)
            yield Violation("H2", s.iso, variations[1],
                            f"{family} (exercise {family_no}) appears more than once on "
                            f"{when(s.day)}: {', '.join(variations)}")


def _family_name(s: SessionEntry, family_no: int) -> str:
    """The article title of family `family_no` as named by the session's catalog rows."""
    return next((ex.family for _, ex in s.known() if ex.family_no == family_no),
                f"exercise {family_no}")


def check_h5_equipment(s: SessionEntry, ctx: PlanContext) -> Iterator[Violation]:
    """H5: only exercises the runner's equipment allows; with none, bodyweight variants.

    Article: each exercise's "Equipment needed" line. Floor, wall, step and chair are
    assumed in every home.
    """
    owned = ctx.profile.equipment
    if owned is None:
        return
    available = owned | ASSUMED_EQUIPMENT
    for item, ex in s.known():
        for group in ex.equipment:
            if not available & set(group):
                have = ", ".join(sorted(owned)) or "no equipment"
                yield Violation("H5", s.iso, item.variation,
                                f"{ex.name} on {when(s.day)} needs {' or '.join(group)}; "
                                f"the runner has {have} (plus floor, wall, step, chair)")


def check_h6_plyometrics_by_level(s: SessionEntry, ctx: PlanContext) -> Iterator[Violation]:
    """H6: plyometrics by level, and no variation above the runner's level.

    Article: "Beginners: Skip jumping at first"; "Intermediate: Start with low pogo hops on
    two legs"; "Advanced: Use squat jumps, low-level bounds, or single-leg pogo
    progressions". Documented extension: a variation written for a higher level than the
    runner's is not prescribed either, nor a beginner's two-leg calf raise to an advanced
    runner ("Intermediate: Use single-leg calf raises").
    """
    level = ctx.profile.level
    if level is None:
        return
    for item, ex in s.known():
        reasons = []
        if ex.plyometric and level == "beginner":
            reasons.append("beginners skip jumping")
        elif ex.plyometric and level == "intermediate" and ex.level != "intermediate":
            reasons.append("intermediate runners do only low two-leg pogo hops")
        if level == "advanced" and "calf" in ex.patterns and ex.level == "beginner":
            reasons.append("an advanced runner's calf raise is single-leg or loaded")
        if ex.level not in LEVELS:
            reasons.append(f"its catalog level {ex.level!r} is unknown")
        elif LEVELS.index(ex.level) > LEVELS.index(level):
            reasons.append(f"it is a {ex.level} variation")
        if reasons:
            yield Violation("H6", s.iso, item.variation,
                            f"{ex.name} on {when(s.day)} is not for a {level} runner: "
                            + "; ".join(reasons))


def check_h7_no_plyometrics_when_fatigued(s: SessionEntry, ctx: PlanContext) -> Iterator[Violation]:
    """H7: no plyometrics on a day with a long, race or hard run, nor the day after a long
    run or a race.

    Article: "Common mistakes: ... adding plyometrics when already fatigued."
    """
    hard = ctx.runs_on(s.day) & FATIGUING_RUNS
    before = ctx.runs_on(s.day - timedelta(days=1)) & NEXT_DAY_FATIGUING_RUNS
    if not hard and not before:
        return
    for item, ex in s.known():
        if not ex.plyometric:
            continue
        if hard:
            yield Violation("H7", s.iso, item.variation,
                            f"plyometric {ex.name} on {when(s.day)}, a day with a "
                            f"{kinds_words(hard)} run")
        else:
            yield Violation("H7", s.iso, item.variation,
                            f"plyometric {ex.name} on {when(s.day)}, the day after a "
                            f"{kinds_words(before)} run")


def check_h8_balanced_heavy_session(s: SessionEntry, ctx: PlanContext) -> Iterator[Violation]:
    """H8: a heavy session covers every movement the article lists.

    Article: "A balanced workout should include a squat or lunge, a hip hinge, a step-up or
    single-leg move, calf work, and a hip stability drill." The hinge is the deadlift
    pattern (a bridge is not one), except for a beginner, whose session is the article's
    beginner session with the glute bridge in that place.
    """
    if s.intensity != "heavy":
        return
    patterns = {p for _, ex in s.known() for p in ex.patterns}
    coverage = _H8_COVERAGE
    if ctx.profile.level == "beginner":
        coverage = tuple(_H8_BEGINNER_HINGE if needed == ("hinge",) else (needed, words)
                         for needed, words in _H8_COVERAGE)
    for needed, words in coverage:
        if not patterns & set(needed):
            yield Violation("H8", s.iso, None,
                            f"heavy session on {when(s.day)} has no {words}")


def check_h11_race_and_long_run_day(s: SessionEntry, ctx: PlanContext) -> Iterator[Violation]:
    """H11: no strength session on race day; no heavy session on a long-run day.

    Article: "Avoid heavy leg work right before speed training, hill repeats, racing, or
    long runs."
    """
    runs = ctx.runs_on(s.day)
    if "race" in runs:
        yield Violation("H11", s.iso, None, f"strength session on {when(s.day)}, a race day")
    if "long" in runs and s.intensity == "heavy":
        yield Violation("H11", s.iso, None,
                        f"heavy session on {when(s.day)}, a long-run day")


def check_h12_session_fits_minutes(s: SessionEntry, ctx: PlanContext) -> Iterator[Violation]:
    """H12: a session, warm-up included, fits the minutes the runner has for it.

    Article: "Start with 5–8 minutes of easy movement" and each exercise's "Rest" line.
    The duration is recomputed from the prescriptions; entries that cannot be timed
    (reported under H0) are left out, so the figure is then a lower bound.
    """
    timed = [item.seconds for item in s.items if item.seconds is not None]
    warmup = s.warmup or 0
    duration = warmup + -(-sum(timed) // 60)
    limit = ctx.profile.minutes
    if s.intensity in WARMUP_MINUTES and warmup < WARMUP_MINUTES[s.intensity]:
        yield Violation("H12", s.iso, None,
                        f"session on {when(s.day)} has a {warmup}-minute warm-up; the article "
                        f"gives 5–8 minutes ({WARMUP_MINUTES[s.intensity]} counted here)")
    if limit is not None and duration > limit:
        yield Violation("H12", s.iso, None,
                        f"session on {when(s.day)} takes {duration} min with warm-up; "
                        f"the runner has {limit}")
    if s.minutes is not None and s.minutes < duration:
        yield Violation("H12", s.iso, None,
                        f"session on {when(s.day)} says {s.minutes} min but its warm-up and "
                        f"exercises take {duration}")


def check_h14_one_split_stance_lift(s: SessionEntry, ctx: PlanContext) -> Iterator[Violation]:
    """H14: at most one split-stance lift (reverse, walking or split-squat lunge) a session.

    Article: each of its sessions holds one ("Reverse Lunge" in the sample workout,
    "Bulgarian split squats" in the intermediate one, "assisted reverse lunge" for a
    beginner), beside a step-up.
    """
    split = [ex.name for _, ex in s.known() if "split-stance" in ex.patterns]
    if len(split) > 1:
        yield Violation("H14", s.iso, None,
                        f"session on {when(s.day)} holds {len(split)} split-stance lifts: "
                        f"{', '.join(split)}")


def check_h15_light_session_is_light(s: SessionEntry, ctx: PlanContext) -> Iterator[Violation]:
    """H15: a light session has no slow 3-s lowering; on the eve of a key run its bridge and
    single-leg work are not the advanced variations (single-leg hip thrust).

    Article: the second session "can be lighter" so the plan "builds strength without
    making every session heavy"; heavy leg work is avoided "the day before a long run,
    race, hill workout, or speed session".
    """
    if s.intensity != "light":
        return
    for item in s.items:
        if item.tempo == TEMPO_LABELS[1]:
            yield Violation("H15", s.iso, item.variation,
                            f"{item.variation} with {item.tempo} in the light session on "
                            f"{when(s.day)}")
    tomorrow = s.day + timedelta(days=1)
    key = ctx.runs_on(tomorrow) & KEY_RUNS
    if not key:
        return
    for item, ex in s.known():
        if {"bridge", "single-leg"} & set(ex.patterns) and ex.level == LEVELS[-1]:
            yield Violation("H15", s.iso, item.variation,
                            f"{ex.name} on {when(s.day)}, the day before a "
                            f"{kinds_words(key)} run: take the easier variation")

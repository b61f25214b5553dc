"""The words a niggle adds to a plan: each exercise it changed says so with the niggle
named, the plan's notes list what each niggle does and the article's stop-and-seek-help
line, and a niggle that leaves a main session without one of its slots says which."""

from __future__ import annotations

from dataclasses import replace

from constraints.session_shape import HEAVY_SESSION_NEEDS
from planner.domain import SAFETY_LINE, Exercise, Plan, Profile
from planner.niggles import family_why, rules_for, variation_refused
from planner.planning.progression import allowed_for

SLOT_WORDS: dict[tuple[str, ...], str] = {
    ("squat", "lunge"): "a squat or lunge", ("hinge",): "a hip hinge",
    ("single-leg",): "a step-up or single-leg move", ("calf",): "calf work",
    ("hip-stability",): "a hip-stability drill",
}


# A summary's clause about one family, said only when the plan holds that family: a knee
# niggle's "a low step" means nothing to a plan without a step-up.
FAMILY_CLAUSES: dict[str, int] = {", a low step": 5}


def niggle_notes(profile: Profile, planned_families: frozenset[int] | None = None
                 ) -> tuple[str, ...]:
    """What each niggle changes, then the article's safety line; () without niggles.
    With `planned_families`, a clause about a family the plan does not hold is left out."""
    if not profile.niggles and not profile.exclude:
        return ()
    lines = []
    for rule in rules_for(profile.niggles):
        summary = rule.summary
        for clause, family in FAMILY_CLAUSES.items():
            if planned_families is not None and family not in planned_families:
                summary = summary.replace(clause, "")
        lines.append(summary)
    if profile.exclude:
        lines.append(f"left out as asked: {', '.join(sorted(profile.exclude))}")
    if profile.niggles:
        lines.append(f"a niggle is not an injury: {SAFETY_LINE[0].lower()}{SAFETY_LINE[1:]}")
    return tuple(lines)


def unfillable_slots(profile: Profile, exercises: tuple[Exercise, ...]) -> tuple[str, ...]:
    """Each slot of a main session (H8) that no variation can fill once the niggles, the
    exclusions, the kit and the level have had their say, in words naming why."""
    if not profile.niggles and not profile.exclude:
        return ()
    usable = [ex for ex in exercises if "heavy" in ex.sessions and allowed_for(ex, profile)]
    left = [ex for ex in usable if ex.id not in profile.exclude
            and not variation_refused(ex, profile.niggles)]
    said = []
    for need in HEAVY_SESSION_NEEDS:
        if any(set(need) & set(ex.patterns) for ex in left):
            continue
        why = " and ".join(filter(None, (
            f"the {', '.join(sorted(profile.niggles))} niggle" if profile.niggles else "",
            "your exclusions" if profile.exclude else "")))
        said.append(f"no main session can be planned: with {why}, your kit and level, no "
                    f"exercise is left for its {SLOT_WORDS.get(need, '/'.join(need))} slot "
                    "(H8); drop an --exclude or add equipment")
    return tuple(said)


def with_niggle_why(plan: Plan) -> Plan:
    """Each exercise of a family a niggle changes starts its why-line with what changed
    ("knee niggle: a low step only"); a plan without niggles is returned as it is."""
    niggles = plan.profile.niggles
    if not niggles:
        return plan
    weeks = []
    for week in plan.weeks:
        sessions = []
        for session in week.sessions:
            items = []
            for item in session.exercises:
                words = family_why(item.exercise.family_no, niggles)
                items.append(replace(item, why=f"{words}. {item.why}") if words else item)
            sessions.append(replace(session, exercises=tuple(items)))
        weeks.append(replace(week, sessions=tuple(sessions)))
    return replace(plan, weeks=tuple(weeks))

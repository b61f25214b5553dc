"""How often: H3 (sessions per week), H4 (a day between sessions), S6 (aim for the target),
S9 (one heavy and one light)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from ortools.sat.python import cp_model

from constraints.registry import hard_rule, soft_rule

if TYPE_CHECKING:
    from planner.planning.instance import WeekInstance
    from planner.planning.model import WeekModel

S6_WEIGHT = 10_000  # above every other cost: fewer sessions only when the week cannot hold them
S9_WEIGHT = 25


@hard_rule("H3", "sessions per week by level, never more than asked")
def add_h3_sessions_per_week(wm: WeekModel) -> None:
    """H3 — "Beginners should start with one session"; intermediate and advanced two;
    never more than the runner asked for."""
    wm.require("H3", wm.model.add(cp_model.LinearExpr.sum(wm.session)
                                  <= wm.inst.target_sessions))


def h4_closes(inst: WeekInstance) -> Iterator[tuple[int, str]]:
    """No session the day after (or before) last week's."""
    for d in inst.days:
        if any(abs((inst.date_of(d) - previous).days) < 2
               for previous in inst.carry.session_dates):
            yield from ((d, "heavy"), (d, "light"))


@hard_rule("H4", "a full day between two strength sessions", closes=h4_closes)
def add_h4_recovery_day(wm: WeekModel) -> None:
    """H4 — at least one full day between two strength sessions, across weeks too."""
    for d in range(6):
        wm.require("H4", wm.model.add(wm.session[d] + wm.session[d + 1] <= 1))
    for d, intensity in h4_closes(wm.inst):
        if intensity == "heavy":
            wm.require("H4", wm.model.add(wm.session[d] == 0))


@soft_rule("S6", "aim for the target number of strength days", weight=S6_WEIGHT)
def add_s6_target_sessions(wm: WeekModel) -> None:
    """S6 — CDC: muscle-strengthening "at least 2 days per week"; H3 sets this runner's
    target. Missing sessions are the most expensive cost, so they go only when the hard
    rules leave no room (H3: "fewer only when the week cannot hold them")."""
    target = wm.inst.target_sessions
    sessions = cp_model.LinearExpr.sum(wm.session)
    for n in range(target):
        missing = wm.model.new_bool_var(f"s6_missing_{n}")
        # missing_n is forced on when fewer than n+1 sessions are placed (scaled: a week
        # that holds no session at all must still be a plan, with every missing_n on).
        wm.model.add(sessions + (n + 1) * missing >= n + 1)
        wm.penalize("S6", S6_WEIGHT, missing,
                    f"session {n + 1} of {target} could not be placed this week")


@soft_rule("S9", "one heavy and one light session when there are two", weight=S9_WEIGHT)
def add_s9_session_mix(wm: WeekModel) -> None:
    """S9 — the article's intermediate week is "one session ... strength" and "the second
    session can be lighter": with two sessions, one heavy and one light; the single
    session of a week is a heavy (full-body) one."""
    m = wm.model
    heavy_count = cp_model.LinearExpr.sum(wm.heavy)
    extra_heavy = m.new_bool_var("s9_two_heavy")
    m.add(heavy_count <= 1 + extra_heavy)
    wm.penalize("S9", S9_WEIGHT, extra_heavy, "two heavy sessions this week (one should be light)")
    if wm.inst.short_by_rule:
        return  # race week and the return week are light by rule (B4, B6): nothing given up
    no_heavy = m.new_bool_var("s9_no_heavy")
    any_session = m.new_bool_var("s9_any_session")
    m.add_max_equality(any_session, wm.session)
    m.add(heavy_count + no_heavy >= any_session)
    wm.penalize("S9", S9_WEIGHT, no_heavy, "no heavy session this week")


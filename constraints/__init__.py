"""The rule registry: every hard rule and soft objective, by the ids of ../shared/RULES.md.

Each rule is one named function in a small module of its family, taking the WeekModel and
adding its constraints (hard) or named penalty terms (soft). Ids beyond RULES.md (B*, S7+)
are documented with their source and reason in docs/rules.md.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from constraints import (
    block,
    composition,
    continuity,
    coverage,
    eligibility,
    frequency,
    key_runs,
    placement,
    progression,
    session_shape,
)

if TYPE_CHECKING:
    from planner.model import WeekModel


@dataclass(frozen=True)
class Rule:
    id: str
    tier: str  # "hard" | "soft"
    title: str
    add: Callable[[WeekModel], None]
    weight: int = 0  # soft only: cost of one unit of the penalty


HARD_RULES: tuple[Rule, ...] = (
    Rule("H1", "hard", "no heavy session or plyometrics the day before a key run",
         key_runs.add_h1_no_heavy_before_key_run),
    Rule("H2", "hard", "4 to 7 exercises a session", session_shape.add_h2_exercise_count),
    Rule("H3", "hard", "sessions per week by level, never more than asked",
         frequency.add_h3_sessions_per_week),
    Rule("H4", "hard", "a full day between two strength sessions",
         frequency.add_h4_recovery_day),
    Rule("H5", "hard", "only exercises the runner's equipment allows",
         eligibility.add_h5_equipment),
    Rule("H6", "hard", "plyometrics and variations by level",
         eligibility.add_h6_level_and_plyometrics),
    Rule("H7", "hard", "no plyometrics on fatigued legs",
         key_runs.add_h7_no_plyometrics_when_fatigued),
    Rule("H8", "hard", "a heavy session is balanced", session_shape.add_h8_heavy_session_balance),
    Rule("H9", "hard", "one variable at a time", progression.add_h9_one_variable_at_a_time),
    Rule("H10", "hard", "new to strength: not everything new in one week",
         progression.add_h10_new_to_strength),
    Rule("H11", "hard", "no session on race day, no heavy session on a long-run day",
         key_runs.add_h11_race_and_long_run_days),
    Rule("H12", "hard", "a session fits the minutes available", session_shape.add_h12_time_budget),
    Rule("H13", "hard", "nothing loaded and no slow lowering on the eve of a key run",
         key_runs.add_h13_nothing_loaded_before_key_run),
    Rule("B1", "hard", "a deload week only steps back", block.add_b1_deload_week),
    Rule("B2", "hard", "race taper: less volume, light only and unloaded before a race",
         block.add_b2_race_taper),
)

SOFT_RULES: tuple[Rule, ...] = (
    Rule("S1", "soft", "cover every muscle group; direct calf and soleus work",
         coverage.add_s1_muscle_coverage, coverage.S1_WEIGHT),
    Rule("S2", "soft", "heavy after an easy or moderately hard run; rest days free",
         placement.add_s2_day_fit, placement.S2_REST_DAY_WEIGHT),
    Rule("S3", "soft", "spread two sessions apart", placement.add_s3_spread,
         placement.S3_WEIGHT),
    Rule("S4", "soft", "keep core lifts stable, rotate accessories",
         continuity.add_s4_stable_core_lifts, continuity.S4_CORE_WEIGHT),
    Rule("S5", "soft", "honour preferred and avoided days", placement.add_s5_preferred_days,
         placement.S5_AVOID_WEIGHT),
    Rule("S6", "soft", "aim for the target number of strength days",
         frequency.add_s6_target_sessions, frequency.S6_WEIGHT),
    Rule("S7", "soft", "variations that match the runner's level",
         eligibility.add_s7_level_fit, eligibility.S7_WEIGHT),
    Rule("S8", "soft", "progress each continuing exercise by one step",
         continuity.add_s8_progress, continuity.S8_WEIGHT),
    Rule("S9", "soft", "one heavy and one light session when there are two",
         frequency.add_s9_session_mix, frequency.S9_WEIGHT),
    Rule("S10", "soft", "each slot of the article's session filled by its own exercise",
         composition.add_s10_sample_sessions, composition.S10_MAIN_WEIGHT),
    Rule("S11", "soft", "no exercise beyond the session's slots",
         composition.add_s11_no_extras, composition.S11_WEIGHT),
    Rule("S12", "soft", "a little power: one plyometric exercise a week when a day allows",
         composition.add_s12_a_little_power, composition.S12_WEIGHT),
)

RULES_BY_ID: dict[str, Rule] = {rule.id: rule for rule in HARD_RULES + SOFT_RULES}

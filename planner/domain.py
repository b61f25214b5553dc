"""Plain data shared by every stage: inputs -> model -> plan -> renderers.

Nothing here imports the solver, so renderers, the checker and tests can use these
types without OR-Tools. Vocabulary follows ../shared/RULES.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

RUN_TYPES: tuple[str, ...] = (
    "easy", "recovery", "long", "tempo", "speed", "hill", "race", "rest", "cross",
)
KEY_RUNS: frozenset[str] = frozenset({"long", "tempo", "speed", "hill", "race"})
# H7: a session after one of these runs is done on fatigued legs.
FATIGUING_RUNS: frozenset[str] = frozenset({"long", "race", "tempo", "speed", "hill"})
# Runs whose fatigue lasts into the next day: legs the day after a long run or a race are
# "already fatigued" for jumps (H7).
NEXT_DAY_FATIGUING_RUNS: frozenset[str] = frozenset({"long", "race"})
LEVELS: tuple[str, ...] = ("beginner", "intermediate", "advanced")
INTENSITIES: tuple[str, ...] = ("heavy", "light")
PATTERNS: tuple[str, ...] = (
    "squat", "lunge", "hinge", "single-leg", "calf", "hip-stability", "plyometric",
    # one foot in front of the other, both loaded: the reverse, walking and split-squat
    # lunges (at most one a session, H14); "bridge": the glute bridge and hip thrust, hip
    # extension lying down, which is glute work, not the deadlift pattern "hinge" means
    "split-stance", "bridge",
)
MUSCLES: tuple[str, ...] = (
    "quads", "glutes", "hamstrings", "calves", "soleus", "hip-stabilizers", "adductors", "core",
)
EQUIPMENT: tuple[str, ...] = (
    "dumbbell", "kettlebell", "barbell", "bench", "box", "band", "machine",
)
# The issue says floor, wall, a step and a chair are assumed in every home.
ASSUMED_EQUIPMENT: frozenset[str] = frozenset({"floor", "wall", "step", "chair"})
ALL_EQUIPMENT_WORDS: frozenset[str] = frozenset(EQUIPMENT) | ASSUMED_EQUIPMENT

WEEKDAYS: tuple[str, ...] = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")

# Dose ladders. Index 0 is the easiest step; progression moves one index at a time.
# Load steps: bodyweight, then the runner's light start weight and one increment ("the next
# dumbbell up") per step. Double progression climbs one step only after the reps reach the
# top of the range, so loads rise every few weeks, never light to heavy in two.
LOAD_LABELS: tuple[str, ...] = (
    "bodyweight", "light", "light +1 step", "light +2 steps", "light +3 steps",
    "light +4 steps", "light +5 steps",
)
# Words older plans used for steps 2 and 3, still read by --previous and check.
LEGACY_LOAD_LABELS: dict[str, int] = {"moderate": 2, "heavy": 3}
LOADED_EQUIPMENT: tuple[str, ...] = ("dumbbell", "kettlebell", "barbell")


def load_step(label: object) -> int | None:
    """The load step a plan's load word stands for (older words included), else None."""
    if label in LOAD_LABELS:
        return LOAD_LABELS.index(str(label))
    return LEGACY_LOAD_LABELS.get(str(label))
def monday_of(day: date) -> date:
    """The Monday starting the week that holds `day` (weeks start on Monday)."""
    if isinstance(day, datetime):
        day = day.date()
    return day - timedelta(days=day.weekday())


# The numbers a coach writes (docs/coaching.md, "Doses and kilograms"): rep counts from this
# grid, timed work in multiples of five seconds.
REP_GRID: tuple[int, ...] = (5, 6, 8, 10, 12, 15, 20)
SECOND_STEP = 5


def grid_counts(reps_unit: str, low: int, high: int) -> list[int]:
    """The counts a coach writes from `low` to `high`: REP_GRID, or seconds in multiples
    of SECOND_STEP."""
    if reps_unit == "seconds":
        return [n for n in range(low, high + 1) if n % SECOND_STEP == 0]
    return [n for n in REP_GRID if low <= n <= high]


def step_back_reps(reps_unit: str, reps_min: int, reps_max: int, reps: int) -> int:
    """A third fewer reps, on the grid a coach writes ("2×15 s", "2×6", never "2×14 s" or
    "2×7"): the grid count below `reps` nearest two thirds of it (the lower on a tie),
    never below the range; `reps` itself when nothing lower is on offer."""
    target = reps - max(1, reps // 3)
    options = grid_counts(reps_unit, reps_min, reps - 1)
    if not options:
        return max(reps_min, min(reps, target))
    return min(options, key=lambda n: (abs(n - target), n))


TEMPO_LABELS: tuple[str, ...] = ("controlled", "slow 3-s lowering")
RANGE_LABELS: tuple[str, ...] = ("controlled range", "full range")

SAFETY_LINE = (
    "Stop and seek professional help if an exercise causes sharp pain, numbness, "
    "dizziness, chest pain, or unusual symptoms."
)
REPS_IN_RESERVE = "Finish every set with 1-3 reps in reserve."
# The light session's effort: it "can be lighter" and builds "without making every session
# heavy", so its sets stop well short of the main session's 1-3 reps in reserve.
LIGHT_EFFORT_CUE = "Stop every set 3-5 reps short: crisp, quick reps, nothing grinds."
# Plyometrics are not lowered slowly: "train quick ground contact".
PLYOMETRIC_TEMPO = "quick, elastic contacts"
# Minutes between the end of a run and the start of a strength session after it (--gap).
DEFAULT_GAP_MINUTES = 15
GAP_RANGE = (0, 240)


@dataclass(frozen=True)
class Exercise:
    """One catalog row: a named variation of one of the article's 13 exercises."""

    id: str  # stable slug, e.g. "goblet-squat"
    family: str  # the article's exercise title, e.g. "Goblet Squat"
    family_no: int  # 1..13, the article's numbering
    name: str  # display name of this variation, e.g. "Box squat"
    level: str  # the level this variation is written for (LEVELS)
    patterns: tuple[str, ...]
    primary: tuple[str, ...]  # muscles trained directly
    secondary: tuple[str, ...]
    # Each inner tuple is a requirement satisfied by any one of its items;
    # all requirements must be met. () means bodyweight only.
    equipment: tuple[tuple[str, ...], ...]
    loaded: bool  # carries an external load that can progress (LOAD_LABELS 1..3)
    plyometric: bool
    sessions: tuple[str, ...]  # intensities this variation suits: ("heavy",), ("light",), both
    role: str  # "core" lift kept stable across a block, or "accessory" that rotates (S4)
    sets_min: int
    sets_max: int
    reps_min: int
    reps_max: int
    reps_unit: str  # "reps", "reps/side", "steps/side", "steps/direction", "seconds"
    rest_min_s: int
    rest_max_s: int
    easier: str  # id of the easier neighbour on the ladder, "" at the bottom
    harder: str  # id of the harder neighbour, "" at the top
    cue: str  # the one cue printed in the calendar
    how_to: tuple[str, ...]
    mistakes: str
    tip: str
    # Sets in an intermediate or advanced main session, from the article's sample workout
    # (3 for the big lifts and calves, 2 for step-ups and band walks); 0 = sets_min + 1.
    main_sets: int = 0
    # The article's "Best for:" line of the family: what the exercise does for a runner.
    best_for: str = ""
    # The Garmin FIT profile's exercise_category and exercise_name enum names for this
    # variation (e.g. "squat", "goblet_squat"), written into FIT workout files; "" = none.
    fit_category: str = ""
    fit_name: str = ""


@dataclass(frozen=True)
class Run:
    date: date
    kind: str  # one of RUN_TYPES
    minutes: int | None = None
    time: time | None = None
    title: str = ""
    source_label: str = ""  # what the input said before synonym mapping ("intervals")


# A runner's profile: defaults and bounds, the one place they are defined (CLI options,
# web form, roster and plan-JSON readers all read them from here).
DEFAULT_LEVEL = "intermediate"
DEFAULT_EQUIPMENT = "none"
DEFAULT_MINUTES = 45
MINUTES_RANGE = (5, 240)
SESSIONS_RANGE = (0, 7)
DEFAULT_TIME = "18:00"  # HH:MM
DEFAULT_START_TIME = time.fromisoformat(DEFAULT_TIME)
# None: step-back weeks follow the running (a running cutback week steps back, a running
# jump holds; docs/coaching.md "The season: phases"); N: the fixed cadence, every Nth week.
DEFAULT_DELOAD_EVERY: int | None = None
DELOAD_RANGE = (0, 12)
# Race week (the week of a goal race): "light" = at most one short light session, at least
# four days out; "none" = no strength at all.
RACE_WEEK_CHOICES: tuple[str, ...] = ("light", "none")
DEFAULT_RACE_WEEK = "light"
ALARM_RANGE = (0, 24 * 60)
# More sessions from today on than this deleted by one `push` needs a yes (--yes or the
# prompt): pushing an older or shorter plan by mistake would otherwise empty later weeks.
CONFIRM_DELETES_OVER = 3
DEFAULT_ATHLETE = "runner"
ATHLETE_NAME_MAX = 80
# Characters that break a line somewhere a name is written (an .ics content line, a CSV
# row, a terminal line): a name holding one is refused where it is read.
NAME_LINE_BREAKS = frozenset("\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")


@dataclass(frozen=True)
class Profile:
    athlete: str = DEFAULT_ATHLETE
    level: str = DEFAULT_LEVEL
    new_to_strength: bool = False
    equipment: frozenset[str] = frozenset()
    sessions: int | None = None  # upper bound asked for; None = the level's default (H3)
    minutes: int = DEFAULT_MINUTES  # available per session, warm-up included (H12)
    # A session after a run starts at least this many minutes after the run ends.
    gap_minutes: int = DEFAULT_GAP_MINUTES
    start_time: time = DEFAULT_START_TIME
    tz: str = "UTC"
    prefer_days: frozenset[int] = frozenset()  # 0=Mon (S5)
    avoid_days: frozenset[int] = frozenset()  # 0=Mon (S5)
    # Every Nth week of a block is a step-back week; 0 = never; None = where the running
    # steps back (docs/coaching.md).
    deload_every: int | None = DEFAULT_DELOAD_EVERY
    # The weights the runner owns, in kg, lightest first, per loaded item ("dumbbell"):
    # the plan then names the weight instead of a load step.
    weights: tuple[tuple[str, tuple[float, ...]], ...] = ()
    # What the runner's legs ask for (planner.niggles.NIGGLES: "knee", "back"…) and the
    # catalog ids they asked to leave out (--exclude): rules H30 and H31.
    niggles: frozenset[str] = frozenset()
    exclude: frozenset[str] = frozenset()

    # Goal races named by the runner (--race, roster column `race`), sorted; () = found from
    # the runs (the longest race that does not recur weekly, the later on a tie).
    races: tuple[date, ...] = ()
    race_week: str = DEFAULT_RACE_WEEK  # RACE_WEEK_CHOICES
    # A lift's first-week weight chosen by the runner (--start-weight ID:KG), by catalog id;
    # each kg is one of `weights` for the item the lift uses (checked when read).
    start_weights: tuple[tuple[str, float], ...] = ()

    def weights_for(self, item: str) -> tuple[float, ...]:
        return dict(self.weights).get(item, ())


@dataclass(frozen=True)
class Dose:
    """What H9 compares week to week: at most one of these may change."""

    variation: str  # Exercise.id
    sets: int
    reps: int
    load: int  # index into LOAD_LABELS
    tempo: int  # index into TEMPO_LABELS
    range: int  # index into RANGE_LABELS


DOSE_FIELDS: tuple[str, ...] = ("variation", "load", "sets", "reps", "range", "tempo")


@dataclass(frozen=True)
class PlannedExercise:
    exercise: Exercise
    dose: Dose
    rest_s: int
    minutes: int
    why: str = ""
    equipment_used: tuple[str, ...] = ()  # the runner's items that meet each requirement
    weight_kg: float | None = None  # the named weight, when the runner listed --weights
    seconds: int = 0  # work, rest between sets and set-up (H12), before rounding
    # At the heaviest weight the runner owns for this lift: what to do next instead of a
    # heavier weight ("" otherwise). Said in the why-line, the calendar and the FIT notes.
    next_step: str = ""
    # An advanced runner's main lift ("heavier at lower reps"): its start reads "heavy",
    # a weight leaving 1-2 reps in reserve at 6 reps, not "light".
    heavier_start: bool = False

    @property
    def load_label(self) -> str:
        return LOAD_LABELS[self.dose.load]

    @property
    def tempo_label(self) -> str:
        return TEMPO_LABELS[self.dose.tempo]

    @property
    def range_label(self) -> str:
        return RANGE_LABELS[self.dose.range]


@dataclass(frozen=True)
class Session:
    date: date
    start: time
    minutes: int  # warm-up included
    intensity: str  # "heavy" | "light"
    exercises: tuple[PlannedExercise, ...]
    why: str = ""
    warmup_minutes: int = 10
    after_run: bool = False  # straight after a run (legs still warm): drills-only warm-up
    # A session a mid-week re-plan moved keeps the calendar event (UID) of the day it left,
    # so a calendar moves the event instead of cancelling one and adding another.
    uid_date: date | None = None


@dataclass(frozen=True)
class Penalty:
    """A soft objective's cost paid in the chosen plan."""

    rule: str  # "S1".."S8"
    cost: int
    text: str  # plain words, e.g. "adductors not trained this week"


# A week's place in the season (docs/coaching.md): strength rises in "build", holds in
# "maintain", falls in "taper", is one short light session at most in "race" (race week)
# and light only in "return" (the week after a goal race).
PHASES: tuple[str, ...] = ("build", "maintain", "taper", "race", "return")
PHASE_WORDS: dict[str, str] = {
    "build": "build", "maintain": "maintain", "taper": "taper week", "race": "race week",
    "return": "return week",
}


def phase_label(phase: str, deload: bool = False) -> str:
    """The phase as every output names it: "race week", "build, step-back week"."""
    word = PHASE_WORDS.get(phase, phase)
    return f"{word}, step-back week" if deload and phase in ("build", "maintain") else word


@dataclass(frozen=True)
class WeekPlan:
    start: date  # a Monday
    runs: tuple[Run, ...]
    sessions: tuple[Session, ...]
    deload: bool = False
    target_sessions: int = 0
    taper: bool = False  # one of the last two weeks before a race (B2)
    penalties: tuple[Penalty, ...] = ()
    notes: tuple[str, ...] = ()  # shortfalls and their diagnosis
    phase: str = "build"  # one of PHASES
    # Why the week has its phase or steps back, in a coach's words; "" for plain build.
    phase_why: str = ""


@dataclass(frozen=True)
class Plan:
    athlete: str
    level: str
    status: str  # "optimal" | "feasible" | "reduced" (fewer sessions than target, see notes)
    tz: str
    weeks: tuple[WeekPlan, ...]
    profile: Profile = field(default_factory=Profile)
    beginner_promoted: bool = False  # B3: two sessions after steady weeks

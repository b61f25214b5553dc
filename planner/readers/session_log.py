"""One logged-session record in the plan JSON: what the runner did, written by `runstrong
log` (typed sets or a watch's FIT activity) and the web log form, read by `--previous`.

The record extends the "done" marks every plan JSON already carries (docs/logging.md).
On a session:

* ``"done"``: ``true`` (done), ``false`` (skipped) or ``"too hard"``;
* ``"rir"`` (optional): reps in reserve at the end of the hardest set, 0..5;
* ``"logged_from"`` (optional): ``"cli"``, ``"fit"`` or ``"web"``.

On each exercise of it:

* ``"done"``: as on the session, per exercise;
* ``"did"`` (optional): the sets done, in order, each ``{"reps": N, "kg": X}``: ``reps`` in
  the exercise's own unit (seconds for a timed hold, per side for a one-leg move), ``kg``
  the weight held (``null`` for bodyweight);
* ``"rir"`` (optional): reps in reserve for this exercise, 0..5.

A plan with no log has none of the optional keys, so plans without logs are byte-identical
to before. Everything here works on the plan's JSON dict, so the CLI, the FIT import and
the web app write the same thing and `--previous` reads one shape.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from planner.errors import InputError, shown_value

STATUSES: tuple[str, ...] = ("done", "skipped", "too hard")
STATUS_MARKS: dict[str, Any] = {"done": True, "skipped": False, "too hard": "too hard"}
SOURCES: tuple[str, ...] = ("cli", "fit", "web")
RIR_RANGE = (0, 5)
MAX_SETS = 20  # a set count beyond this is a typo, not a leg session
MAX_REPS = 600  # seconds of a hold at most ten minutes; reps far below
MAX_KG = 500.0
DID_FORMAT = "ID:SETSxREPS[@KG], e.g. goblet-squat:3x10@12"
_DID = re.compile(r"^(?P<id>[a-z0-9][a-z0-9-]*):(?P<sets>\d{1,3})[x×](?P<reps>\d{1,4})"
                  r"(?:@(?P<kg>\d{1,4}(?:\.\d{1,2})?)(?:kg)?)?$")


@dataclass(frozen=True)
class SetDone:
    reps: int  # in the exercise's unit: reps, reps per side, or seconds
    kg: float | None = None


@dataclass(frozen=True)
class ExerciseLog:
    """One exercise's record, as `exercise_log` reads it back."""

    status: str  # one of STATUSES, or "unknown" when not logged
    sets: tuple[SetDone, ...] = ()
    rir: int | None = None

    @property
    def kg(self) -> float | None:
        """The heaviest weight held in any set."""
        weights = [s.kg for s in self.sets if s.kg is not None]
        return max(weights) if weights else None

    @property
    def reps(self) -> int | None:
        """The reps every set reached (the fewest of any set): what double progression
        counts, since the load rises only when every set hits the top of the range."""
        return min(s.reps for s in self.sets) if self.sets else None


def parse_did(text: str, field: str = "--did") -> tuple[str, tuple[SetDone, ...]]:
    """`goblet-squat:3x10@12` -> ("goblet-squat", three sets of 10 at 12 kg)."""
    match = _DID.match(text.strip().lower())
    if match is None:
        raise InputError(f"{shown_value(text)} is not {DID_FORMAT}", field=field)
    sets, reps = int(match["sets"]), int(match["reps"])
    kg = float(match["kg"]) if match["kg"] else None
    check_set_numbers(sets, reps, kg, field)
    return match["id"], tuple(SetDone(reps, kg) for _ in range(sets))


def check_set_numbers(sets: int, reps: int, kg: float | None, field: str) -> None:
    if not 1 <= sets <= MAX_SETS:
        raise InputError(f"{sets} sets is not in the range 1..{MAX_SETS}", field=field)
    if not 0 <= reps <= MAX_REPS:
        raise InputError(f"{reps} reps is not in the range 0..{MAX_REPS}", field=field)
    if kg is not None and not 0 < kg <= MAX_KG:
        raise InputError(f"{kg:g} kg is not in the range 0..{MAX_KG:g}", field=field)


def check_rir(value: int, field: str = "--rir") -> int:
    if not RIR_RANGE[0] <= value <= RIR_RANGE[1]:
        raise InputError(f"{value} is not in the range {RIR_RANGE[0]}..{RIR_RANGE[1]}",
                         field=field)
    return value


def status_of(mark: Any) -> str:
    """A "done" mark as one of STATUSES, or "unknown"."""
    if mark is True or mark == "done":
        return "done"
    if mark is False or mark == "skipped":
        return "skipped"
    if isinstance(mark, str) and mark.strip().lower() in ("too hard", "too_hard", "hard"):
        return "too hard"
    return "unknown"


def exercise_log(item: dict[str, Any], session: dict[str, Any], name: str,
                 where: str) -> ExerciseLog:
    """The record of one exercise of a plan JSON (the session's marks where the exercise
    has none); InputError naming `where` for a malformed one."""
    mark = item.get("done")
    status = status_of(mark if mark is not None else session.get("done"))
    sets = []
    did = item.get("did")
    if did is not None:
        if not isinstance(did, list) or len(did) > MAX_SETS:
            raise InputError(f"'did' must be a list of at most {MAX_SETS} sets", file=name,
                             field=f"{where}.did")
        for number, entry in enumerate(did, start=1):
            field = f"{where}.did[{number}]"
            reps = entry.get("reps") if isinstance(entry, dict) else None
            kg = entry.get("kg") if isinstance(entry, dict) else None
            if isinstance(reps, bool) or not isinstance(reps, int) or not \
                    0 <= reps <= MAX_REPS:
                raise InputError(f"'reps' must be a whole number 0..{MAX_REPS}", file=name,
                                 field=field)
            if kg is not None and (isinstance(kg, bool) or not isinstance(kg, (int, float))
                                   or not 0 < kg <= MAX_KG):
                raise InputError(f"'kg' must be null or a weight 0..{MAX_KG:g}", file=name,
                                 field=field)
            sets.append(SetDone(reps, None if kg is None else float(kg)))
    rir = item.get("rir", session.get("rir"))
    if rir is not None and (isinstance(rir, bool) or not isinstance(rir, int)
                            or not RIR_RANGE[0] <= rir <= RIR_RANGE[1]):
        raise InputError(f"'rir' must be a whole number {RIR_RANGE[0]}..{RIR_RANGE[1]}",
                         file=name, field=f"{where}.rir")
    return ExerciseLog(status, tuple(sets), rir)


def sessions_on(plan: dict[str, Any], day: str) -> list[dict[str, Any]]:
    return [session for week in plan.get("weeks", []) for session in week.get("sessions", [])
            if session.get("date") == day]


def session_dates(plan: dict[str, Any]) -> list[str]:
    return sorted({session.get("date", "") for week in plan.get("weeks", [])
                   for session in week.get("sessions", [])})


def log_session(session: dict[str, Any], status: str, *,
                did: dict[str, tuple[SetDone, ...]] | None = None,
                rir: dict[str, int | None] | None = None, session_rir: int | None = None,
                source: str = "cli", name: str = "plan") -> None:
    """Write one session's record in place, replacing any earlier log of it. `did` maps an
    exercise id of the session to its sets; an exercise without sets is marked with the
    session's status (done as planned, skipped, or too hard)."""
    if status not in STATUSES:
        raise InputError(f"'{status}' is not one of: {', '.join(STATUSES)}", field="status")
    did = did or {}
    rir = rir or {}
    planned = [item.get("variation") for item in session.get("exercises", [])]
    for variation in list(did) + list(rir):
        if variation not in planned:
            raise InputError(f"'{variation}' is not an exercise of the session on "
                             f"{session.get('date')} (it has: {', '.join(map(str, planned))})",
                             file=name, field="--did")
    if status == "skipped" and any(did.values()):
        raise InputError("a skipped session has no sets to record; log it as done or "
                         "too-hard", file=name, field="--did")
    session["done"] = STATUS_MARKS[status]
    _set_optional(session, "rir", session_rir)
    session["logged_from"] = source
    for item in session.get("exercises", []):
        variation = item.get("variation")
        item["done"] = STATUS_MARKS[status]
        sets = did.get(variation, ())
        if sets:
            item["did"] = [{"reps": s.reps, "kg": s.kg} for s in sets]
        else:
            item.pop("did", None)
        _set_optional(item, "rir", rir.get(variation))


def _set_optional(obj: dict[str, Any], key: str, value: Any) -> None:
    if value is None:
        obj.pop(key, None)
    else:
        obj[key] = value

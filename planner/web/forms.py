"""The web forms, read into the pipeline's values: the plan options, the runs (an upload
or the typed week grid) and the training log. Every POST is CSRF-checked here."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request

from planner.domain import (
    DEFAULT_DELOAD_EVERY,
    DEFAULT_GAP_MINUTES,
    DEFAULT_MINUTES,
    DEFAULT_TIME,
    EQUIPMENT,
    WEEKDAYS,
    monday_of,
)
from planner.errors import InputError
from planner.niggles import NIGGLES
from planner.pipeline import (
    MAX_RUNS_BYTES,
    PlanOptions,
    display_name,
    week_csv,
)
from planner.readers.session_log import MAX_KG, MAX_REPS, MAX_SETS, SetDone
from planner.web import store
from planner.web.security import (
    CSRF_FIELD,
    csrf_cookie,
    csrf_ok,
)
from planner.web.views import (
    LOG_STATUSES,
    RIR_RANGE,
)

GRID_NAME = "the week grid"  # the typed week's name in messages and the history


async def read_form(request: Request) -> FormData:
    """The posted form, CSRF-checked; a malformed body is a 400, a bad token a 403."""
    try:
        form = await request.form(max_files=4, max_fields=400, max_part_size=MAX_RUNS_BYTES)
    except HTTPException:
        raise
    except Exception as err:  # multipart parser errors of any kind
        raise HTTPException(400, f"the form could not be read: {err}") from None
    if not csrf_ok(csrf_cookie(request.headers.get("cookie")), form.get(CSRF_FIELD),
                   request.headers.get("origin"), request.headers.get("host")):
        raise HTTPException(403, "this form came without its security token (or from another "
                                 "site). Reload the page and send it again.")
    return form


def text_field(form: FormData, name: str, limit: int = 200) -> str:
    """A one-line field: printable characters only (as a browser's text box sends them;
    PostgreSQL refuses NUL in text), trimmed, at most `limit` characters."""
    value = form.get(name)
    if not isinstance(value, str):
        return ""
    return "".join(ch for ch in value if ch.isprintable()).strip()[:limit]


def checked_values(form: FormData, name: str, allowed: tuple[str, ...]) -> list[str]:
    return [v for v in form.getlist(name) if isinstance(v, str) and v in allowed]


def form_values(form: FormData | None, defaults: dict[str, Any]) -> dict[str, Any]:
    """The options as the form shows them (posted values, else `defaults`)."""
    if form is None:
        equipment = [e for e in str(defaults.get("equipment") or "").split(",") if e in EQUIPMENT]
        return {
            "athlete": defaults.get("athlete", ""), "level": defaults.get("level", "intermediate"),
            "new_to_strength": bool(defaults.get("new_to_strength")), "equipment": equipment,
            "sessions": "" if defaults.get("sessions") is None else str(defaults["sessions"]),
            "minutes": str(defaults.get("minutes", DEFAULT_MINUTES)),
            "start_time": defaults.get("start_time", DEFAULT_TIME),
            "gap": str(defaults.get("gap", DEFAULT_GAP_MINUTES)),
            "tz": defaults.get("tz", ""),
            "prefer": [d for d in str(defaults.get("prefer") or "").split(",") if d in WEEKDAYS],
            "avoid": [d for d in str(defaults.get("avoid") or "").split(",") if d in WEEKDAYS],
            "deload_every": ("" if defaults.get("deload_every") is None
                             else str(defaults["deload_every"])),
            "race": str(defaults.get("race") or ""),
            "alarm": "" if defaults.get("alarm") is None else str(defaults["alarm"]),
            "with_runs": bool(defaults.get("with_runs")), "start": "", "map": "",
            "weights": str(defaults.get("weights") or ""),
            "start_weights": str(defaults.get("start_weights") or ""),
            "week_start": defaults.get("week_start", ""), "grid": defaults.get("grid", []),
            "kept_runs": "", "kept_name": "",
            "niggles": [n for n in defaults.get("niggles") or () if n in NIGGLES],
            "exclude": ", ".join(defaults.get("exclude") or ()),
        }
    return {
        "athlete": text_field(form, "athlete", 80), "level": text_field(form, "level", 20),
        "new_to_strength": form.get("new_to_strength") == "yes",
        "equipment": checked_values(form, "equipment", EQUIPMENT),
        "sessions": text_field(form, "sessions", 4), "minutes": text_field(form, "minutes", 6),
        "start_time": text_field(form, "start_time", 8), "tz": text_field(form, "tz", 64),
        "gap": text_field(form, "gap", 4),
        "prefer": checked_values(form, "prefer", WEEKDAYS),
        "avoid": checked_values(form, "avoid", WEEKDAYS),
        "deload_every": text_field(form, "deload_every", 4), "alarm": text_field(form, "alarm", 6),
        "race": text_field(form, "race", 120),
        "with_runs": form.get("with_runs") == "yes", "start": text_field(form, "start", 12),
        "map": text_field(form, "map", 400), "week_start": text_field(form, "week_start", 12),
        "weights": text_field(form, "weights", 400),
        "kept_runs": _kept_text(form), "kept_name": text_field(form, "kept_name", 80),
        "niggles": checked_values(form, "niggles", NIGGLES),
        "exclude": text_field(form, "exclude", 400),
        "start_weights": text_field(form, "start_weights", 400),
        "grid": [(text_field(form, f"run_{d}", 20), text_field(form, f"minutes_{d}", 6),
                  text_field(form, f"time_{d}", 8)) for d in range(7)],
    }


def plan_options(values: dict[str, Any], default_tz: str) -> PlanOptions:
    """An empty zone field (no JavaScript, cleared) means the calendar's own zone for an
    .ics upload, else this server's (`default_tz` is what the form was filled with)."""
    maps = tuple(part.strip() for part in values["map"].split(";") if part.strip())
    return PlanOptions(
        athlete=values["athlete"] or "runner", level=values["level"] or "intermediate",
        new_to_strength=values["new_to_strength"],
        equipment=",".join(values["equipment"]) or "none",
        weights=(values["weights"],) if values["weights"] else (),
        start_weights=(values["start_weights"],) if values.get("start_weights") else (),
        sessions=values["sessions"] or None, minutes=values["minutes"] or DEFAULT_MINUTES,
        start_time=values["start_time"] or DEFAULT_TIME, tz=values["tz"] or None,
        gap=values["gap"] or DEFAULT_GAP_MINUTES,
        start=values["start"] or None, keyword_maps=maps,
        prefer=",".join(values["prefer"]) or None, avoid=",".join(values["avoid"]) or None,
        deload_every=values["deload_every"] or DEFAULT_DELOAD_EVERY,
        races=(values["race"],) if values.get("race") else (),
        alarm=values["alarm"] or None, with_runs=values["with_runs"],
        niggles=tuple(values.get("niggles") or ()),
        exclude=tuple(w.strip() for w in str(values.get("exclude") or "").replace(
            ";", ",").split(",") if w.strip()))


def stored_options(values: dict[str, Any], options: PlanOptions) -> dict[str, Any]:
    """What the re-plan form starts from next time."""
    return {"athlete": options.athlete, "level": options.level,
            "new_to_strength": options.new_to_strength, "equipment": options.equipment,
            "weights": ";".join(options.weights),
            "start_weights": ";".join(options.start_weights),
            "sessions": options.sessions, "minutes": options.minutes,
            "start_time": options.start_time, "gap": options.gap, "tz": options.tz,
            "prefer": options.prefer,
            "avoid": options.avoid, "deload_every": options.deload_every,
            "race": " ".join(options.races),
            "alarm": options.alarm, "with_runs": options.with_runs,
            "niggles": list(options.niggles), "exclude": list(options.exclude)}


def _kept_text(form: FormData) -> str:
    """The runs file the page kept from a send that failed for another reason (the
    browser cannot re-fill a file field), at most MAX_RUNS_BYTES of it."""
    value = form.get("kept_runs")
    return value[:MAX_RUNS_BYTES] if isinstance(value, str) else ""


def keep_upload(values: dict[str, Any], data: bytes, name: str) -> None:
    """Keep an uploaded text file in the form's values so the page can send it back."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return
    if text and len(data) <= MAX_RUNS_BYTES:
        values["kept_runs"], values["kept_name"] = text, name


def forget_upload(values: dict[str, Any]) -> None:
    values["kept_runs"], values["kept_name"] = "", ""


async def runs_from_form(form: FormData, values: dict[str, Any]) -> tuple[bytes, str]:
    """The uploaded runs file, else the typed week as a CSV, else the file kept from the
    last try; InputError when none."""
    upload = form.get("runs")
    if isinstance(upload, UploadFile):
        data = await upload.read(MAX_RUNS_BYTES + 1)
        await upload.close()
        if data:
            return data, display_name(upload.filename)
    if any(kind for kind, _, _ in values["grid"]):
        text = values["week_start"]
        try:
            monday = date.fromisoformat(text)
        except ValueError:
            raise InputError(f"'{text}' is not a date (YYYY-MM-DD): give the week's start",
                             field="week start") from None
        if monday.weekday() != 0:
            values["grid_note"] = (f"the week you typed starts on {monday:%A %-d %B}: weeks "
                                   f"start on Monday, so it is the week of Monday "
                                   f"{monday_of(monday):%-d %B %Y}")
            monday = monday_of(monday)
        return week_csv(monday, values["grid"]), GRID_NAME
    if values.get("kept_runs"):
        return values["kept_runs"].encode("utf-8"), display_name(values.get("kept_name"))
    raise InputError("no runs: upload a runs file (CSV or .ics) or type your week in the grid")


def grid_defaults(monday: date) -> dict[str, Any]:
    return {"week_start": monday.isoformat(), "grid": [("", "", "")] * 7}


def next_monday(today: date | None = None) -> date:
    today = today or date.today()
    return monday_of(today) + timedelta(days=7)


def parse_log(form: FormData, plan: dict[str, Any]) -> tuple[list[store.LogRow], set[date]]:
    """The log form of one week: a status per session, and per exercise the reps (seconds
    for a timed hold) and kilograms of each set (`reps__DATE__ID__N`, `weight__DATE__ID__N`),
    or one reps/weight for every set (`reps__DATE__ID`), and reps in reserve."""
    rows: list[store.LogRow] = []
    sessions: set[date] = set()
    week_start = text_field(form, "week", 12)
    for week in plan["weeks"]:
        if week_start and week["start"] != week_start:
            continue
        for session in week["sessions"]:
            day = session["date"]
            status_name = f"status__{day}"
            if status_name not in form:
                continue
            status = text_field(form, status_name, 20)
            if status and status not in LOG_STATUSES:
                raise InputError(f"'{status}' is not one of: {', '.join(LOG_STATUSES)}",
                                 field=f"{day} status")
            sessions.add(date.fromisoformat(day))
            for item in session["exercises"]:
                key = f"{day}__{item['variation']}"
                label = f"{day} {item['name']}"
                sets = () if status == "skipped" else _sets(form, key, label, item)
                rows.append(store.LogRow(
                    date.fromisoformat(day), item["variation"], status,
                    min((s.reps for s in sets), default=None),
                    max((s.kg for s in sets if s.kg is not None), default=None),
                    _number(form, f"rir__{key}", int, *RIR_RANGE, f"{label} RIR"), sets))
    return rows, sessions


def _sets(form: FormData, key: str, label: str, item: dict[str, Any]) -> tuple[SetDone, ...]:
    """The sets typed for one exercise; a bodyweight move has no weight to type."""
    unit = "seconds" if item.get("reps_unit") == "seconds" else "reps"
    bodyweight = item.get("load") == "bodyweight"
    planned = int(item.get("sets") or 0)
    one_reps = _number(form, f"reps__{key}", int, 0, MAX_REPS, f"{label} {unit}")
    one_kg = None if bodyweight else _number(form, f"weight__{key}", float, 0, MAX_KG,
                                             f"{label} weight")
    if one_reps is not None:
        return tuple(SetDone(one_reps, one_kg or None) for _ in range(max(1, planned)))
    sets = []
    for number in range(1, min(planned, MAX_SETS) + 1):
        where = f"{label} set {number}"
        reps = _number(form, f"reps__{key}__{number}", int, 0, MAX_REPS, f"{where} {unit}")
        kg = None if bodyweight else _number(form, f"weight__{key}__{number}", float, 0,
                                             MAX_KG, f"{where} weight")
        if reps is None:
            if kg is not None:
                raise InputError(f"the {unit} are missing for the weight typed", field=where)
            continue
        sets.append(SetDone(reps, kg or None))
    return tuple(sets)


def _number(form: FormData, name: str, kind: type, low: float, high: float,
            label: str) -> Any:
    text = text_field(form, name, 12).replace(",", ".")
    if not text:
        return None
    try:
        value = kind(text)
    except ValueError:
        raise InputError(f"'{text}' is not a number", field=label) from None
    if value != value or not low <= value <= high:  # NaN too
        raise InputError(f"{text} is outside {low:g}–{high:g}", field=label)
    return value


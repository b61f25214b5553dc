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
    DEFAULT_MINUTES,
    DEFAULT_TIME,
    EQUIPMENT,
    WEEKDAYS,
)
from planner.errors import InputError
from planner.pipeline import (
    MAX_RUNS_BYTES,
    PlanOptions,
    display_name,
    week_csv,
)
from planner.readers.spans import monday_of
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
    value = form.get(name)
    return value.strip()[:limit] if isinstance(value, str) else ""


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
            "tz": defaults.get("tz", ""),
            "prefer": [d for d in str(defaults.get("prefer") or "").split(",") if d in WEEKDAYS],
            "avoid": [d for d in str(defaults.get("avoid") or "").split(",") if d in WEEKDAYS],
            "deload_every": str(defaults.get("deload_every", DEFAULT_DELOAD_EVERY)),
            "alarm": "" if defaults.get("alarm") is None else str(defaults["alarm"]),
            "with_runs": bool(defaults.get("with_runs")), "start": "", "map": "",
            "weights": str(defaults.get("weights") or ""),
            "start_weights": str(defaults.get("start_weights") or ""),
            "week_start": defaults.get("week_start", ""), "grid": defaults.get("grid", []),
        }
    return {
        "athlete": text_field(form, "athlete", 80), "level": text_field(form, "level", 20),
        "new_to_strength": form.get("new_to_strength") == "yes",
        "equipment": checked_values(form, "equipment", EQUIPMENT),
        "sessions": text_field(form, "sessions", 4), "minutes": text_field(form, "minutes", 6),
        "start_time": text_field(form, "start_time", 8), "tz": text_field(form, "tz", 64),
        "prefer": checked_values(form, "prefer", WEEKDAYS),
        "avoid": checked_values(form, "avoid", WEEKDAYS),
        "deload_every": text_field(form, "deload_every", 4), "alarm": text_field(form, "alarm", 6),
        "with_runs": form.get("with_runs") == "yes", "start": text_field(form, "start", 12),
        "map": text_field(form, "map", 400), "week_start": text_field(form, "week_start", 12),
        "weights": text_field(form, "weights", 400),
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
        start=values["start"] or None, keyword_maps=maps,
        prefer=",".join(values["prefer"]) or None, avoid=",".join(values["avoid"]) or None,
        deload_every=values["deload_every"] or DEFAULT_DELOAD_EVERY,
        alarm=values["alarm"] or None, with_runs=values["with_runs"])


def stored_options(values: dict[str, Any], options: PlanOptions) -> dict[str, Any]:
    """What the re-plan form starts from next time."""
    return {"athlete": options.athlete, "level": options.level,
            "new_to_strength": options.new_to_strength, "equipment": options.equipment,
            "weights": ";".join(options.weights),
            "start_weights": ";".join(options.start_weights),
            "sessions": options.sessions, "minutes": options.minutes,
            "start_time": options.start_time, "tz": options.tz, "prefer": options.prefer,
            "avoid": options.avoid, "deload_every": options.deload_every,
            "alarm": options.alarm, "with_runs": options.with_runs}


async def runs_from_form(form: FormData, values: dict[str, Any]) -> tuple[bytes, str]:
    """The uploaded runs file, else the typed week as a CSV; InputError when neither."""
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
            monday = monday_of(monday)
        return week_csv(monday, values["grid"]), "the week grid"
    raise InputError("no runs: upload a runs file (CSV or .ics) or type your week in the grid")


def grid_defaults(monday: date) -> dict[str, Any]:
    return {"week_start": monday.isoformat(), "grid": [("", "", "")] * 7}


def next_monday(today: date | None = None) -> date:
    today = today or date.today()
    return monday_of(today) + timedelta(days=7)


def parse_log(form: FormData, plan: dict[str, Any]) -> tuple[list[store.LogRow], set[date]]:
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
                rows.append(store.LogRow(
                    date.fromisoformat(day), item["variation"], status,
                    _number(form, f"reps__{key}", int, 0, 1000, f"{label} reps"),
                    _number(form, f"weight__{key}", float, 0, 1000, f"{label} weight"),
                    _number(form, f"rir__{key}", int, *RIR_RANGE, f"{label} RIR")))
    return rows, sessions


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


"""The web log per set (reps and kg, seconds for timed holds, no kg box for bodyweight moves)
and a Garmin activity uploaded on the athlete page, both driving the next plan."""

from __future__ import annotations

import re
import warnings
from datetime import date, datetime
from zoneinfo import ZoneInfo

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from tests.fit_activities import encode_activity
from tests.test_web import WEEK, client, csrf, form, message, next_week_csv, plan_week, upload

__all__ = ["client"]  # the fixture, shared with tests/test_web.py


def plan_json(client: TestClient, location: str, number: int = 1) -> dict:
    return client.get(f"{location}/plans/{number}/plan.json").json()


def test_log_form_has_a_box_per_set_seconds_for_holds_and_no_kg_for_bodyweight(
        client: TestClient) -> None:
    location = plan_week(client)
    page = client.get(location).text
    plan = plan_json(client, location)
    for session in plan["weeks"][0]["sessions"]:
        for item in session["exercises"]:
            key = f"{session['date']}__{item['variation']}"
            for number in range(1, item["sets"] + 1):
                assert f'name="reps__{key}__{number}"' in page
                has_kg = f'name="weight__{key}__{number}"' in page
                assert has_kg == (item["load"] != "bodyweight"), item["variation"]
            if item["reps_unit"] == "seconds":
                label = re.search(rf'for="reps-{re.escape(key)}-1">([^<]+)<', page)
                assert label and label.group(1).endswith("set 1 seconds")
    assert 'name="fit"' in page and 'accept=".fit"' in page


def test_a_set_with_kg_but_no_reps_is_refused(client: TestClient) -> None:
    location = plan_week(client)
    plan = plan_json(client, location)
    session = plan["weeks"][0]["sessions"][0]
    loaded = next(e for e in session["exercises"] if e["load"] != "bodyweight")
    key = f"{session['date']}__{loaded['variation']}"
    data = {"csrf_token": csrf(client, location), "plan": "1", "week": plan["weeks"][0]["start"],
            f"status__{session['date']}": "done", f"weight__{key}__2": "10"}
    response = client.post(location + "/log", data=data)
    assert response.status_code == 400
    assert "set 2" in message(response.text) and "reps are missing" in message(response.text)


def fit_upload(client: TestClient, location: str, data: bytes) -> object:
    return client.post(location + "/log/fit", data={"csrf_token": csrf(client, location),
                                                    "plan": "1"},
                       files={"fit": ("watch.fit", data, "application/octet-stream")},
                       follow_redirects=False)


def test_fit_upload_logs_the_session_and_the_replan_follows_it(client: TestClient) -> None:
    location = plan_week(client)
    plan = plan_json(client, location)
    heavy = next(s for s in plan["weeks"][0]["sessions"] if s["intensity"] == "heavy")
    squat = next(e for e in heavy["exercises"] if e["variation"] == "goblet-squat")
    start = datetime.combine(date.fromisoformat(heavy["date"]), datetime.min.time(),
                             tzinfo=ZoneInfo("Europe/London")).replace(hour=18, minute=20)
    data = encode_activity(start, [("squat", "goblet_squat", squat["reps"] + 1, 16.0)] * 3)
    response = fit_upload(client, location, data)
    assert response.status_code == 303, response.text[:500]
    assert "Saved." in client.get(response.headers["location"]).text
    response = client.post(location + "/plan", data=form(csrf(client, location)),
                           files=upload(WEEK, "next.csv", next_week_csv()),
                           follow_redirects=False)
    assert response.status_code == 303
    nxt = plan_json(client, location, 2)
    why = next(e["why"] for s in nxt["weeks"][0]["sessions"] for e in s["exercises"]
               if e["variation"] == "goblet-squat" and s["intensity"] == "heavy")
    assert why.startswith(f"you did 3×{squat['reps'] + 1} at 16 kg: now")


def test_fit_upload_that_is_not_strength_is_400_and_nothing_is_logged(
        client: TestClient) -> None:
    location = plan_week(client)
    plan = plan_json(client, location)
    day = plan["weeks"][0]["sessions"][0]["date"]
    start = datetime.combine(date.fromisoformat(day), datetime.min.time(),
                             tzinfo=ZoneInfo("Europe/London")).replace(hour=7)
    data = encode_activity(start, [("squat", "goblet_squat", 10, 10.0)], sport="running",
                           sub_sport="generic")
    response = fit_upload(client, location, data)
    assert response.status_code == 400
    assert "not a strength-training activity" in message(response.text)
    assert "the activity" in message(response.text) and "/tmp" not in message(response.text)
    response = fit_upload(client, location, b"not a fit file at all")
    assert response.status_code == 400 and "not a FIT file" in message(response.text)
    page = client.get(location).text
    assert "not logged yet" in page and "Saved." not in page

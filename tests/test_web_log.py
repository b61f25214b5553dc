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


def test_the_feed_keeps_last_week_with_done_sessions_ticked(client: TestClient) -> None:
    from icalendar import Calendar

    from tests.test_web import feed_path

    location = plan_week(client)
    feed = feed_path(client.get(location).text)
    before = Calendar.from_ical(client.get(feed).content)
    plan = plan_json(client, location)
    heavy = next(s for s in plan["weeks"][0]["sessions"] if s["intensity"] == "heavy")
    data = {"csrf_token": csrf(client, location), "plan": "1", "week": plan["weeks"][0]["start"],
            f"status__{heavy['date']}": "done"}
    assert client.post(location + "/log", data=data, follow_redirects=False).status_code == 303
    ticked = Calendar.from_ical(client.get(feed).content)
    by_uid = {str(e["UID"]): e for e in ticked.walk("VEVENT")}
    old = {str(e["UID"]): e for e in before.walk("VEVENT")}
    done_uid = next(uid for uid, e in old.items()
                    if e.decoded("dtstart").date().isoformat() == heavy["date"])
    assert str(by_uid[done_uid]["SUMMARY"]).startswith("✓ Leg strength")
    assert int(by_uid[done_uid]["SEQUENCE"]) == int(old[done_uid]["SEQUENCE"]) + 1
    for uid, event in old.items():  # the others are untouched, byte for byte
        if uid != done_uid:
            assert by_uid[uid].to_ical() == event.to_ical()
    # Next week planned: last week stays in the calendar, its done session still ticked.
    response = client.post(location + "/plan", data=form(csrf(client, location)),
                           files=upload(WEEK, "next.csv", next_week_csv()),
                           follow_redirects=False)
    assert response.status_code == 303
    after = {str(e["UID"]): e for e in Calendar.from_ical(client.get(feed).content)
             .walk("VEVENT")}
    assert after[done_uid].to_ical() == by_uid[done_uid].to_ical()
    assert set(old) < set(after)


def test_push_ticks_the_same_sessions_as_the_feed() -> None:
    """`runstrong push` of a plan JSON logged with `runstrong log` judges and titles each
    event as the web feed does (the same digest, so neither re-sends the other's)."""
    import json
    from datetime import timezone

    from planner.pipeline import PlanOptions, PlanRequest, run_plan
    from planner.readers.plan_json import plan_from_json
    from planner.readers.session_log import log_session
    from planner.renderers.feed import done_days, render_feed
    from planner.services.push import _changes

    outcome = run_plan(PlanRequest(WEEK.read_bytes(), WEEK.name, options=PlanOptions(
        equipment="dumbbell,band", tz="Europe/London")))
    data = json.loads(outcome.json)
    session = data["weeks"][0]["sessions"][0]
    log_session(session, "done")
    plan, done = plan_from_json(data), done_days(data)
    now = datetime(2026, 12, 6, 12, tzinfo=timezone.utc)
    feed, state = render_feed(plan, None, now, done=done)
    changes, _ = _changes(plan, {}, "https://dav.example/cal/", now, None, False, done)
    assert len(changes) == len(state)
    bodies = {c.uid: c.body.decode("utf-8").replace("\r\n ", "") for c in changes}
    ticked = [uid for uid, body in bodies.items() if "SUMMARY:✓ Leg strength" in body]
    assert len(ticked) == 1 and "SUMMARY:✓ Leg strength" in feed.decode("utf-8").replace(
        "\r\n ", "")
    for uid, body in bodies.items():  # the digest the feed keeps is the one push sends
        assert f"X-RUNSTRONG-DIGEST:{state[uid].digest}" in body


def test_my_week_changed_keeps_the_days_before_and_their_log(client: TestClient,
                                                             catalog) -> None:
    from icalendar import Calendar

    from planner.checker import check_plan
    from tests.test_midweek import re_placed_day
    from tests.test_web import feed_path

    location = plan_week(client)
    page = client.get(location).text
    assert 'id="week-changed"' in page and 'name="from"' in page
    feed = feed_path(page)
    before = {str(e["UID"]): e.to_ical() for e in Calendar.from_ical(
        client.get(feed).content).walk("VEVENT")}
    plan = plan_json(client, location)
    week = plan["weeks"][0]
    tuesday = week["sessions"][0]
    assert (tuesday["date"], tuesday["intensity"]) == ("2026-12-01", "heavy")
    data = {"csrf_token": csrf(client, location), "plan": "1", "week": week["start"],
            f"status__{tuesday['date']}": "skipped"}
    assert client.post(location + "/log", data=data, follow_redirects=False).status_code == 303
    grid = {"csrf_token": csrf(client, location), "plan": "1", "from": "2026-12-02",
            "week_start": week["start"]}
    kinds = ["easy", "speed", "", "easy", "easy", "", "long"]  # Thursday's tempo is off
    for day, kind in enumerate(kinds):
        grid.update({f"run_{day}": kind, f"minutes_{day}": "45" if kind else "",
                     f"time_{day}": "07:00" if kind else ""})
    response = client.post(location + "/week-changed", data=grid, follow_redirects=False)
    assert response.status_code == 303, response.text[:3000]
    replanned = plan_json(client, location, 2)
    sessions = replanned["weeks"][0]["sessions"]
    assert sessions[0]["date"] == "2026-12-01" and sessions[0]["done"] is False
    assert [s["exercises"] for s in sessions[:1]] == [
        [dict(e, done=False) for e in tuesday["exercises"]]]
    page = client.get(location).text
    placed = re_placed_day(page)  # a later day the hard rules allow, checked below
    assert date(2026, 12, 2) <= placed <= date(2026, 12, 6)
    assert [(s["date"], s["intensity"]) for s in sessions[1:] if s["intensity"] == "heavy"
            ] == [(placed.isoformat(), "heavy")]
    assert check_plan(replanned, catalog) == []
    after = {str(e["UID"]): e.to_ical() for e in Calendar.from_ical(
        client.get(feed).content).walk("VEVENT")}
    tuesday_uid = next(uid for uid, raw in before.items() if b"20261201T" in raw)
    assert after[tuesday_uid] == before[tuesday_uid]  # the day kept: not a byte changed


def test_my_week_changed_with_a_day_outside_the_plan_is_400(client: TestClient) -> None:
    location = plan_week(client)
    grid = {"csrf_token": csrf(client, location), "plan": "1", "from": "2027-02-02",
            "week_start": "2026-11-30", "run_0": "easy", "minutes_0": "30"}
    response = client.post(location + "/week-changed", data=grid)
    assert response.status_code == 400
    assert "2027-02-02 is in no week of this plan" in response.text


def test_my_week_changed_offers_every_week_of_a_block(client: TestClient) -> None:
    """A 16-week plan: the form opens on the week holding today (else the first), any week
    can be chosen, a later week may be re-planned from its Monday, and a refused re-plan
    keeps the week and the runs the runner typed."""
    from pathlib import Path

    block = Path(__file__).resolve().parents[1] / "examples" / "block-16-weeks.csv"
    location = plan_week(client, block)
    plan = plan_json(client, location)
    mondays = [w["start"] for w in plan["weeks"]]
    page = client.get(location).text
    assert all(f'<option value="{m}"' in page for m in mondays)  # the week chooser
    third = plan["weeks"][2]
    page = client.get(location, params={"changed_week": third["start"]}).text
    section = page[page.index('id="week-changed"'):]
    assert f'value="{third["start"]}"' in section and "selected" in section
    monday = date.fromisoformat(third["start"])
    assert f'<option value="{third["start"]}">Mon {monday.day} {monday:%b}</option>' in section
    long_run = next(r for r in third["runs"] if r["run"] == "long")
    offset = date.fromisoformat(long_run["date"]).weekday()
    assert re.search(rf'name="minutes_{offset}"[^>]*value="{long_run["minutes"]}"', section)
    # A week with nothing typed is refused; the chosen week and its typed runs stay.
    grid = {"csrf_token": csrf(client, location), "plan": "1", "from": third["start"],
            "week_start": third["start"], "run_0": "easy", "minutes_0": "31",
            "time_0": "06:30"}
    response = client.post(location + "/week-changed", data=grid)
    if response.status_code == 400:
        section = response.text[response.text.index('id="week-changed"'):]
        assert 'name="minutes_0"' in section and 'value="31"' in section
    else:  # a one-run week is a week: the re-plan took it
        assert response.status_code in (200, 303)


def test_the_loop_forms_are_csrf_protected(client: TestClient) -> None:
    location = plan_week(client)
    for action in ("/log/fit", "/week-changed"):
        response = client.post(location + action, data={"csrf_token": "nope", "plan": "1"})
        assert response.status_code == 403, action


def test_niggle_checkboxes_shape_the_plan_and_the_replan_keeps_them(client: TestClient) -> None:
    page = client.get("/").text
    assert 'name="niggles" value="knee"' in page and 'name="exclude"' in page
    response = client.post("/plan", data=form(csrf(client), niggles=["knee"],
                                              exclude="monster-walk"),
                           files=upload(WEEK), follow_redirects=False)
    assert response.status_code == 303, response.text[:2000]
    location = response.headers["location"]
    plan = plan_json(client, location)
    assert plan["profile"]["niggles"] == ["knee"] and plan["profile"]["exclude"] == [
        "monster-walk"]
    used = [e for w in plan["weeks"] for s in w["sessions"] for e in s["exercises"]]
    assert all(e["variation"] not in ("low-pogo-hop", "monster-walk") for e in used)
    assert any(e["why"].startswith("knee niggle:") for e in used)
    page = client.get(location).text
    assert 'id="re-niggle-knee" name="niggles" value="knee" checked' in page
    assert "seek professional help" in page
    response = client.post("/plan", data=form(csrf(client), niggles=["elbow", "knee"],
                                              exclude="nope"), files=upload(WEEK))
    assert response.status_code == 400 and "'nope' is not an exercise id" in message(
        response.text)


def test_squad_page_shows_each_athletes_adherence_per_week(client: TestClient) -> None:
    from tests.test_web import small_squad, wait_for_squad

    roster, runs = small_squad(2)
    response = client.post("/coach", data={"csrf_token": csrf(client, "/coach")},
                           files={"roster": ("roster.csv", roster, "text/csv"),
                                  "runs": ("runs.csv", runs, "text/csv")},
                           follow_redirects=False)
    squad = response.headers["location"]
    page = wait_for_squad(client, squad)
    assert "Adherence" in page
    athlete = re.findall(r'href="(/a/[A-Za-z0-9_-]{32})"', page)[0]
    plan = plan_json(client, athlete)
    week = next(w for w in plan["weeks"] if len(w["sessions"]) >= 1)
    sessions = week["sessions"]
    data = {"csrf_token": csrf(client, athlete), "plan": "1", "week": week["start"],
            f"status__{sessions[0]['date']}": "done"}
    if len(sessions) > 1:
        data[f"status__{sessions[1]['date']}"] = "too hard"
    assert client.post(athlete + "/log", data=data, follow_redirects=False).status_code == 303
    page = client.get(squad).text
    monday = date.fromisoformat(week["start"])
    expected = f"{monday.day} {monday.strftime('%b')}: 1 done"
    assert expected + (", 1 too hard" if len(sessions) > 1 else "") in page

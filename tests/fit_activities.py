"""Strength-training activities as a Garmin watch records them, encoded with Garmin's own
SDK Encoder, for the `runstrong log --fit` tests (no watch on this machine)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from garmin_fit_sdk import Encoder, Profile

from planner.readers.fit_profile import fit_exercise_numbers

MESG = {name: number for number, name in Profile["types"]["mesg_num"].items()}


def encode_activity(start: datetime, sets: Sequence[tuple[str, str, int, float | None]], *,
                    sport: str = "training", sub_sport: str = "strength_training",
                    rest_s: int = 90, duration_s: float = 40.0) -> bytes:
    """An activity starting at `start` (aware, any zone) with one active set per
    (fit_category, fit_name, repetitions, kg), a rest set after each."""
    encoder = Encoder()
    encoder.write_mesg({"mesg_num": MESG["file_id"], "type": "activity",
                        "manufacturer": "garmin", "product": 1, "serial_number": 1234,
                        "time_created": start})
    encoder.write_mesg({"mesg_num": MESG["sport"], "sport": sport, "sub_sport": sub_sport})
    moment = start
    for index, (category, name, reps, kg) in enumerate(sets):
        category_no, name_no = fit_exercise_numbers(category, name)
        message = {"mesg_num": MESG["set"], "timestamp": moment + timedelta(seconds=duration_s),
                   "start_time": moment, "duration": duration_s, "repetitions": reps,
                   "set_type": "active", "category": [category_no],
                   "category_subtype": [name_no], "message_index": 2 * index}
        if kg is not None:
            message["weight"] = kg
        encoder.write_mesg(message)
        moment += timedelta(seconds=duration_s)
        encoder.write_mesg({"mesg_num": MESG["set"], "timestamp": moment + timedelta(
            seconds=rest_s), "start_time": moment, "duration": float(rest_s),
            "set_type": "rest", "message_index": 2 * index + 1})
        moment += timedelta(seconds=rest_s)
    encoder.write_mesg({"mesg_num": MESG["session"], "start_time": start, "timestamp": moment,
                        "sport": sport, "sub_sport": sub_sport,
                        "total_elapsed_time": (moment - start).total_seconds()})
    return encoder.close()

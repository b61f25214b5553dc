"""The Garmin FIT profile's exercise names, as the pinned `garmin-fit-sdk` defines them.

A FIT workout step names its exercise with two numbers: `exercise_category` (an enum,
e.g. 28 = squat) and `exercise_name`, whose meaning depends on the category: the profile
has one enum per category, `<category>_exercise_name` (e.g. squat_exercise_name 37 =
goblet_squat). The catalog stores the enum *names*; this module turns them into the
numbers a file carries and says plainly when a name is not in the profile.

Only the SDK's profile tables are used here (no encoder, no solver), so the catalog
loader can check its `fit_category` / `fit_name` columns cheaply.
"""

from __future__ import annotations

import difflib
from functools import cache

from garmin_fit_sdk import Profile

SDK_PROFILE_VERSION = "{major}.{minor}.{patch}".format(**Profile["version"])


@cache
def exercise_categories() -> dict[str, int]:
    """Category name -> number, e.g. {"squat": 28, ...}; "unknown" is left out."""
    return {name: number for number, name in Profile["types"]["exercise_category"].items()
            if name != "unknown"}


@cache
def exercise_names(category: str) -> dict[str, int]:
    """One category's exercise names -> numbers; {} for a category without a name list."""
    table = Profile["types"].get(f"{category}_exercise_name", {})
    return {name: number for number, name in table.items()}


def fit_exercise_problem(category: str, name: str) -> str:
    """"" when (category, name) is in the profile, else a sentence saying what is wrong."""
    categories = exercise_categories()
    if category not in categories:
        return (f"'{category}' is not a FIT exercise_category in profile "
                f"{SDK_PROFILE_VERSION}{_did_you_mean(category, categories)}")
    names = exercise_names(category)
    if name not in names:
        return (f"'{name}' is not in the FIT profile's {category}_exercise_name "
                f"(profile {SDK_PROFILE_VERSION}){_did_you_mean(name, names)}")
    return ""


def fit_exercise_numbers(category: str, name: str) -> tuple[int, int]:
    """(exercise_category, exercise_name) numbers; ValueError when not in the profile."""
    problem = fit_exercise_problem(category, name)
    if problem:
        raise ValueError(problem)
    return exercise_categories()[category], exercise_names(category)[name]


def _did_you_mean(word: str, choices: dict[str, int]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=3, cutoff=0.6)
    return f"; did you mean {', '.join(close)}?" if close else ""

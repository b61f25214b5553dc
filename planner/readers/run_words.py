"""The one run-word vocabulary: what runners and training apps write, and the run type it is.

Both readers use it. A runs CSV cell is read as a whole label (`classify_run`): "Intervals",
"z2 run", "10 mile race". A calendar event's text is searched for the words
(`run_kinds_in`): "Easy run + hill strides", "Long run with 5 km at marathon pace". So a word
means the same in either file; only a few common words (`LABEL_ONLY_WORDS`) count as a run
just when they are the whole label, because inside ordinary calendar text they would misread
it ("Off to Paris", "General meeting", "Long lunch").
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from planner.domain import RUN_TYPES


@dataclass(frozen=True)
class RunWords:
    kind: str | None  # one of RUN_TYPES; None: the words are no run type ("cross country")
    # Normalised phrases (lower case, single spaces); in text a space also matches '-' or
    # nothing, so "long run" finds "Long-run" and "longrun".
    phrases: tuple[str, ...]
    # Forms with numbers, which no list of words can hold (regular expressions).
    patterns: tuple[str, ...] = ()


# Most specific first: text is searched in this order and each match is blanked, so "long
# run" is not also a "run", "hill repeats" not also "repeats", "marathon pace" not also a
# "marathon", "cross country" not cross-training.
VOCABULARY: tuple[RunWords, ...] = (
    RunWords("long", ("long run", "long runs", "lsr", "long easy", "long slow", "long steady",
                      "long aerobic"),
             (r"long\s\d+(?:[.,]\d+)?\s?(?:k|km|mi|miles?)",)),
    RunWords("tempo", ("race pace", "marathon pace", "half marathon pace", "hm pace",
                       "goal pace", "threshold pace", "tempo pace", "mp"),
             (r"\d+\s?(?:k|km|mi|mile)[- ]pace",)),
    RunWords("hill", ("hill repeats", "hill repeat", "hill reps", "hill sprints", "hill sprint",
                      "hill intervals", "hill interval", "hill strides", "hill stride")),
    RunWords("recovery", ("recovery run", "recovery runs", "recovery jog", "recovery jogs")),
    RunWords("tempo", ("cruise intervals", "cruise interval", "progression run",
                       "progression runs")),
    RunWords("rest", ("rest day", "day off", "off day")),
    RunWords(None, ("cross country", "xc")),
    RunWords("race", ("race day", "half marathon", "marathon", "parkrun", "park run",
                      "junior parkrun", "race", "relay", "ultra", "triathlon", "duathlon",
                      "10k race", "5k race"),
             (r"\d+\s?k[- ]race", r"half(?![- ](?:day|term|hour|time|price|board))")),
    RunWords("tempo", ("tempo", "threshold", "lt", "progression")),
    RunWords("speed", ("intervals", "interval", "track", "repeats", "reps", "vo2 max",
                       "vo2max", "vo2", "fartlek", "speed", "speed work", "sprints", "sprint",
                       "anaerobic")),
    RunWords("hill", ("hills", "hill", "hilly")),
    RunWords("recovery", ("recovery",)),
    RunWords("easy", ("easy", "shake out", "shakeout", "aerobic", "steady", "steady state",
                      "base run", "base runs", "z2", "zone 2")),
    RunWords("rest", ("rest",)),
    RunWords("cross", ("bike", "biking", "cycling", "cycle", "spin", "spinning", "swim",
                       "swimming", "cross training", "cross", "xt", "elliptical", "rowing",
                       "aqua jog", "aqua jogging")),
)
# A lone "sprint" is read as speed: a sprint race would be a key run too, so the rules
# around it are the same ("sprint triathlon" is a race, matched first).
# Whole labels only (see the module docs). The run types name themselves as labels too;
# "long" is one of them and, like these, is not searched for in text.
LABEL_ONLY_WORDS: dict[str, str] = {
    "off": "rest", "none": "rest", "general": "easy", "base": "easy", "cruise": "tempo",
    "jog": "easy",
}
# Words that make a calendar event a run without saying which kind: easy, unless a word
# above says more. As a whole label they say too little ("run" in a runs CSV is an error).
GENERIC_RUN_WORDS: tuple[str, ...] = ("run", "runs", "running", "jog", "jogs", "jogging")
# Not runs, but sport: a calendar event ignored for one of these is worth a warning.
SPORT_WORDS = (
    r"workout|gym|strength|yoga|pilates|stretch(?:ing)?|mobility|walk(?:ing)?"
    r"|hike|hiking|physio|sports?|football|soccer|tennis|climb(?:ing)?|ski(?:ing)?|crossfit"
    r"|hiit|bootcamp|drills|strides|\d+(?:[.,]\d+)?\s?(?:k|km|mi|miles?)|garmin|strava|runna"
    r"|trainingpeaks"
)
# When one event names two types, the more demanding one is planned around (it is the
# one that must not be preceded by heavy legs). Types not listed rank below.
DEMAND: tuple[str, ...] = (
    "race", "long", "speed", "hill", "tempo", "easy", "recovery", "cross", "rest",
)

_PHRASE_KINDS: dict[str, str | None] = {}
for _words in reversed(VOCABULARY):  # a phrase listed twice keeps its first, most specific kind
    _PHRASE_KINDS.update(dict.fromkeys(_words.phrases, _words.kind))
# Every word a label may be, for "did you mean" hints.
KNOWN_LABELS: tuple[str, ...] = tuple(dict.fromkeys(
    (*RUN_TYPES, *(phrase for phrase, kind in _PHRASE_KINDS.items() if kind), *LABEL_ONLY_WORDS)))


def words_pattern(words: str) -> re.Pattern[str]:
    """`words` (a regular expression) as whole words, case-insensitive."""
    return re.compile(rf"(?<!\w)(?:{words})(?!\w)", re.IGNORECASE)


def _phrase_regex(phrase: str) -> str:
    return r"[- ]?".join(re.escape(word) for word in phrase.split())


def _text_regex(words: RunWords) -> str:
    # Longest first: a regex alternation takes the first that matches ("speed work", not
    # "speed" and a stray "work"; "half marathon", not "half").
    phrases = sorted(words.phrases, key=lambda phrase: (-len(phrase), phrase))
    return "|".join((*map(_phrase_regex, phrases), *words.patterns))


_TEXT_PATTERNS: tuple[tuple[re.Pattern[str], str | None], ...] = tuple(
    (words_pattern(_text_regex(words)), words.kind) for words in VOCABULARY
)
_LABEL_PATTERNS: tuple[tuple[re.Pattern[str], str | None], ...] = tuple(
    (re.compile("|".join(words.patterns), re.IGNORECASE), words.kind)
    for words in VOCABULARY if words.patterns
)
_GENERIC_RE = words_pattern("|".join(GENERIC_RUN_WORDS))
SPORT_RE = words_pattern(SPORT_WORDS)


def normalise_label(label: str) -> str:
    """Lower case, '-' and '_' as spaces, single spaces: "Cross_Training " -> "cross training"."""
    return " ".join(label.lower().replace("-", " ").replace("_", " ").split())


def classify_run(label: str) -> str | None:
    """A run label as written (a whole CSV cell) -> one of RUN_TYPES, or None."""
    key = normalise_label(label)
    kind = _label_kind(key)
    if kind is None and key.endswith((" run", " runs")):
        kind = _label_kind(key.rsplit(" ", 1)[0])  # "easy run", "z2 run"
    if kind is None and key.endswith(" race"):
        kind = "race"  # "10 mile race", "club champs race"
    return kind


@lru_cache(maxsize=1024)
def _label_kind(key: str) -> str | None:
    if key in RUN_TYPES:
        return key
    if key in LABEL_ONLY_WORDS:
        return LABEL_ONLY_WORDS[key]
    if key in _PHRASE_KINDS:
        return _PHRASE_KINDS[key]
    for pattern, kind in _LABEL_PATTERNS:
        if pattern.fullmatch(key):
            return kind
    return None


def run_kinds_in(text: str) -> tuple[list[str], bool]:
    """The run types free text names, most demanding first (see DEMAND); and whether a
    generic running word ("run", "jog") is there besides."""
    kinds: set[str] = set()
    for pattern, kind in _TEXT_PATTERNS:
        text, count = pattern.subn(" ", text)
        if count and kind is not None:
            kinds.add(kind)
    return sorted(kinds, key=DEMAND.index), bool(_GENERIC_RE.search(text))


def suggest(word: str, choices: Iterable[str]) -> str:
    """'; did you mean speed?' when `word` is close to one of `choices`, else ''."""
    close = difflib.get_close_matches(word.strip().lower(), list(choices), n=1, cutoff=0.6)
    return f"; did you mean {close[0]}?" if close else ""

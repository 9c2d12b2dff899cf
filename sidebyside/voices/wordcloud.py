"""A word cloud of what people said, worked out on the server and drawn as plain SVG.

Words are lower-cased, common English words ("the", "and", "because"…) and words that come up
whatever a session is about ("people", "told", "need"…) are left out, and the 40 most used are
kept. Each word's size follows how often it was said. The layout is rows, biggest words first,
each row centred: the same words always give the same picture, so the wall does not jump about
when nothing new has arrived. No outside library is needed.

Callers leave out the words of the names of the hub's people too (``name_words``): a cloud is
for what was said, and is shown on a shared screen or printed in a report.

The same data goes to an ordinary table on the page, for screen readers and for anyone who
finds a cloud hard to read.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Collection, Iterable
from dataclasses import dataclass

from sidebyside.voices.redaction import REMOVED

TOP = 40
WIDTH = 600  # drawn about this wide on a projector: sizes are close to real pixels
MIN_SIZE = 24
MAX_SIZE = 72
GAP = 16  # between words in a row
LINE_GAP = 10  # between rows
# Arial's letters are a little over half as wide as they are tall, on average.
CHAR_WIDTH = 0.58

# Our own short list of common English words that say little on their own.
_STOP_WORDS = """
    a about above after again against all also am an and any are aren't as at be because been before
    being below between both but by can can't cannot could couldn't did didn't do does doesn't doing don't
    down during each etc few for from further get gets got had hadn't has hasn't have haven't having he
    he'd he'll he's her here here's hers herself him himself his how how's i i'd i'll i'm i've if in into
    is isn't it it's its itself just let's like lot lots me more most much mustn't my myself no nor not
    now of off on once only or other ought our ours ourselves out over own really same shan't she she'd
    she'll she's should shouldn't so some such than that that's the their theirs them themselves then
    there there's these they they'd they'll they're they've this those through to too under until up
    upon us very was wasn't we we'd we'll we're we've were weren't what what's when when's where where's
    which while who who's whom why why's will with won't would wouldn't yes yet you you'd you'll you're
    you've your yours yourself yourselves thing things think
"""
COMMON_WORDS = frozenset(_STOP_WORDS.split())
# Words that come up in nearly every comment at a co-production session, whatever it is about.
# They stay in the texts people read, but they do not make a cloud or a theme.
DOMAIN_WORDS = frozenset(
    [
        "people",
        "person",
        "someone",
        "anyone",
        "everyone",
        "nobody",
        "thing",
        "things",
        "stuff",
        "lot",
        "lots",
        "bit",
        "way",
        "ways",
        "get",
        "gets",
        "getting",
        "got",
        "go",
        "going",
        "goes",
        "went",
        "gone",
        "come",
        "comes",
        "coming",
        "came",
        "make",
        "makes",
        "made",
        "feel",
        "feels",
        "felt",
        "want",
        "wants",
        "wanted",
        "need",
        "needs",
        "needed",
        "say",
        "says",
        "said",
        "tell",
        "told",
        "know",
        "knew",
        "see",
        "seen",
        "look",
        "looked",
        "use",
        "used",
        "put",
        "take",
        "took",
        "give",
        "gave",
        "keep",
        "kept",
        "like",
        "just",
        "really",
        "even",
        "also",
        "still",
        "always",
        "ever",
        "much",
        "many",
        "well",
        "good",
        "bad",
        "better",
        "every",
        "everything",
        "nothing",
        "something",
        "anything",
        "actually",
        "somewhere",
        "anywhere",
        "everywhere",
        "nowhere",
        "else",
        "enough",
        "sort",
        "instead",
        "mean",
        "means",
        "meant",
        "one",
        "ones",  # and "one's", as words are compared without apostrophes
        "someones",
        "everyones",
        "anyones",
        "nobodys",
        "peoples",
        "two",
        "three",
        "four",
        "five",
        "first",
        "last",
        "time",
        "times",
        "day",
        "days",
        "week",
        "weeks",
        "month",
        "months",
        "year",
        "years",
        "im",
        "ive",
        "dont",
        "cant",
        "wont",
        "didnt",
        "doesnt",
        "isnt",
        "wasnt",
        "arent",
        "theyre",
        "youre",
        "thats",
        "theres",
    ]
)
# Short forms written without their apostrophe ("dont"; and the theming engine drops every
# apostrophe, "i'd" → "id") say as little, except those that are words of their own ("ill").
OWN_WORDS = frozenset(["ill", "hell", "shell", "shed", "wed", "well"])
UNAPOSTROPHED = frozenset(w.replace("'", "") for w in COMMON_WORDS if "'" in w) - OWN_WORDS
# All of them: never drawn in a cloud, never a theme's keyword (insights.engine.text).
STOP_WORDS = COMMON_WORDS | DOMAIN_WORDS | UNAPOSTROPHED

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")


@dataclass(frozen=True)
class Word:
    text: str
    count: int
    size: int
    x: int
    y: int


@dataclass(frozen=True)
class Cloud:
    words: list[Word]
    width: int
    height: int

    def __bool__(self) -> bool:
        return bool(self.words)

    @property
    def by_count(self) -> list[Word]:
        return sorted(self.words, key=lambda word: (-word.count, word.text))


def words_of(text: str) -> list[str]:
    """The words worth counting in one piece of text: lower-cased, without stop words or numbers,
    and without the marks left where personal details were taken out ("[removed]" is not a word
    anyone said; "removed" on its own is)."""
    found = []
    for match in _WORD.findall(text.lower().replace(REMOVED, " ")):
        word = match.replace("’", "'")
        if word in STOP_WORDS:
            continue
        if word.endswith("'s"):
            word = word[:-2]  # "housing's" counts as "housing"
        if word.isdigit() or len(word) < 2 or word in STOP_WORDS:
            continue
        found.append(word)
    return found


def count_words(
    texts: Iterable[str], *, top: int = TOP, leave_out: Collection[str] = ()
) -> list[tuple[str, int]]:
    """The ``top`` most used words, most used first; ties in alphabetical order; none of
    ``leave_out``."""
    counts: Counter[str] = Counter()
    for text in texts:
        counts.update(words_of(text))
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return [(word, count) for word, count in ranked if word not in leave_out][:top]


def name_words(names: Iterable[str]) -> set[str]:
    """Every word of these names, as ``words_of`` reads them: for ``leave_out``."""
    return {word for name in names for word in words_of(name)}


def _size(count: int, low: int, high: int) -> int:
    if high == low:
        return (MIN_SIZE + MAX_SIZE) // 2 if high > 1 else MIN_SIZE + 10
    return round(MIN_SIZE + (count - low) * (MAX_SIZE - MIN_SIZE) / (high - low))


def _width(word: str, size: int) -> int:
    return round(len(word) * size * CHAR_WIDTH)


def layout(counted: list[tuple[str, int]], *, width: int = WIDTH) -> Cloud:
    """Place the words in centred rows, biggest first. ``x`` is each word's middle, ``y`` its baseline."""
    if not counted:
        return Cloud([], width, 0)
    low, high = min(c for _, c in counted), max(c for _, c in counted)
    sized = [(word, count, _size(count, low, high)) for word, count in counted]
    rows: list[list[tuple[str, int, int]]] = [[]]
    used = 0
    for word, count, size in sized:
        wide = min(_width(word, size), width)
        if rows[-1] and used + GAP + wide > width:
            rows.append([])
            used = 0
        used += (GAP if rows[-1] else 0) + wide
        rows[-1].append((word, count, size))
    placed: list[Word] = []
    y = 0
    for row in rows:
        tallest = max(size for _, _, size in row)
        y += tallest
        row_width = sum(min(_width(w, s), width) for w, _, s in row) + GAP * (len(row) - 1)
        x = (width - row_width) / 2
        for word, count, size in row:
            wide = min(_width(word, size), width)
            placed.append(Word(word, count, size, round(x + wide / 2), y))
            x += wide + GAP
        y += LINE_GAP + tallest // 4  # room for letters below the line (g, p, y)
    return Cloud(placed, width, y)


def word_cloud(
    texts: Iterable[str], *, top: int = TOP, width: int = WIDTH, leave_out: Collection[str] = ()
) -> Cloud:
    return layout(count_words(texts, top=top, leave_out=leave_out), width=width)

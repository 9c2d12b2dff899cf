"""Words: how texts are cut into words, and which words say little on their own."""

from __future__ import annotations

import re
import unicodedata

from sidebyside.voices.redaction import REMOVED
from sidebyside.voices.wordcloud import STOP_WORDS

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*|\d+")


def normalise(text: str) -> str:
    """Lower case, accents and curly quotes folded, apostrophes dropped ("don't" → "dont"), and
    the marks left where personal details were taken out ("[removed]") made a break between words:
    no one said them, so they make no theme, keyphrase or pair of words."""
    text = unicodedata.normalize("NFKC", text).lower().replace("’", "'").replace(REMOVED, " / ")
    return text.replace("'", "")


# Stands where words were left out between two kept ones: pairs of words are not made across it.
BREAK = "|"


def _kept(word: str) -> bool:
    return word not in STOP_WORDS and len(word) > 1 and not word.isdigit()


def words(text: str) -> list[str]:
    """The words of a text that can carry a theme: no common words, no numbers, no single letters."""
    return [w for w in _WORD.findall(normalise(text)) if _kept(w)]


def words_with_breaks(text: str) -> list[str]:
    """``words``, with ``BREAK`` between two of them where words were left out, so that pairs are
    only made of words side by side in what was said ("mental health", "key worker"), not across
    the words left out ("services [to] talk") or punctuation ("listen[,] GP"). Empty when
    ``words`` is."""
    found: list[str] = []
    gap = False
    text = normalise(text)
    end = 0
    for match in _WORD.finditer(text):
        word = match.group()
        between, end = text[end : match.start()].strip(), match.end()
        if between not in ("", "-"):  # punctuation: "listen, GP" is not a pair, "drop-in" may be
            gap = True
        if not _kept(word):
            gap = True
            continue
        if gap and found:
            found.append(BREAK)
        found.append(word)
        gap = False
    return found


_SENTENCE_END = re.compile(r"[.!?]")


def as_written(terms: list[str], texts: list[str]) -> list[str]:
    """Each of ``terms`` (a word or two from ``words_with_breaks``, so lower case) as people most
    often wrote it in ``texts``: "gp" → "GP"; "universal credit" → "Universal Credit" only if
    most wrote it so. A capital that only starts a sentence does not count. A term not found is
    given as it is. Each text is read once, whatever the number of terms."""
    said = []
    for text in texts:
        text = unicodedata.normalize("NFKC", text)
        tokens = list(_WORD.finditer(text))
        starts = [
            i == 0 or bool(_SENTENCE_END.search(text[tokens[i - 1].end() : t.start()]))
            for i, t in enumerate(tokens)
        ]
        said.append(([t.group() for t in tokens], [normalise(t.group()) for t in tokens], starts))
    found = []
    for term in terms:
        wanted = term.split()
        forms: dict[str, int] = {}
        for written, normalised, starts in said:
            for i in range(len(written) - len(wanted) + 1):
                if normalised[i : i + len(wanted)] != wanted:
                    continue
                form = " ".join(written[i : i + len(wanted)])
                if starts[i] and form[1:] == form[1:].lower():
                    form = form.lower()  # "Hostels are..." says nothing of how it is written
                forms[form] = forms.get(form, 0) + 1
        # The most used; of those as often used, the first seen.
        found.append(max(forms, key=lambda form: forms[form]) if forms else term)
    return found

"""Later parts of German compounds, so that a search for "Konzept" finds "Integrationskonzept".

Pagefind matches word starts only. The build adds the parts that this module finds to the
indexed text of a page (see docs/compounds.md). The word list is the noun list of the
`german-nouns` package (Wiktionary, CC BY-SA 4.0), read on first use, not on import.
"""

from __future__ import annotations

import csv
import hashlib
import re
import threading
from functools import lru_cache
from importlib.metadata import version
from importlib.resources import files
from pathlib import Path

from ratsinfo_site.files import holds_key, read_cache, write_cache

__all__ = ["MIN_LENGTH", "compound_parts", "load_lexicon", "split_word"]

MIN_LENGTH = 4
"""Shortest part returned. Shorter ones (Amt, Bau, Rat) are still used to split."""

_MIN_PART = 3  # shortest part a compound is split into
_LINKS = frozenset({"s", "es", "n", "en", "er", "e", "ns", "ens", "nen"})  # Fugenelemente
# Letters of Latin-1 only: a hyphen, digit or other letter ends a word. Twice as fast as [^\W\d_].
_WORD = re.compile(r"[A-Za-zÀ-ÖØ-öø-ÿ]+")
_MAX_WORD = 60  # longer runs of letters are not words
_NOT_FORMS = range(1, 7)  # the pos and genus columns of nouns.csv

# Rows of these kinds are not common nouns: never a part. A name is never split.
_NAMES = frozenset({"Toponym", "Vorname", "Nachname", "Eigenname", "Straßenname"})
_SKIP = _NAMES | {
    "Abkürzung", "Buchstabe", "Symbol", "Affix", "Suffix", "Gebundenes Lexem",
    "Wortverbindung", "Redewendung", "Geflügeltes Wort", "Grußformel", "Partikel",
}  # fmt: skip
_ADJECTIVAL = "adjektivische Deklination"  # Vorsitzende is not Vorsitz + Ende
# Nouns (and stems) that are also prefixes: Aus|schuss, Unter|lagen, Fort|schreibung, Verb|raucher,
# Wett(e)|bewerb are no compounds.
_NOT_PARTS = frozenset(
    {"aus", "ab", "bei", "fort", "ich", "unter", "verb", "wett", "wider", "über"}
)
# Real nouns that are mostly false heads, never returned: Wirt|schaft, Arbeit|samt, Nord|hausen,
# Haus|halt, Strateg|ische, Gut|achten, Regie|ster, Sachs|tand, Fest|setzung, Tour|ismus.
_NOT_HEADS = frozenset({
    "achte", "aster", "eilung", "halt", "hausen", "ische", "ismus", "leit", "lein", "samt",
    "schaft", "setzung", "ster", "strophe", "tand",
})  # fmt: skip
# Noun forms that are mostly the end of an adjective or a female plural: Flächendeck|ende,
# Person|elle, Pragma|tische, Besuche|rinnen.
_FALSE_HEADS = frozenset({
    "ende", "enden", "ender", "endes", "elle", "ellen", "eller", "tische", "tischen", "bare",
    "baren", "bares", "hafte", "haften", "weite", "weiten", "freie", "freien", "gerechte",
    "gerechten", "gerechter", "rinne", "rinnen",
})  # fmt: skip
# The only nouns of three letters that are parts: others make false splits (Kat|aster, Gig|abi).
_SHORT = frozenset({
    "amt", "bad", "bau", "bus", "ehe", "eis", "gas", "gut", "hof", "kur", "not", "ort", "ost",
    "rad", "rat", "ruf", "see", "süd", "tag", "tal", "tat", "tor", "tür", "typ", "uhr", "weg",
    "zoo", "zug",
})  # fmt: skip
# Common first parts that are not nouns (Neu|bau, Gesamt|kosten, Wohn|gebiet).
_MODIFIERS = frozenset({
    "alt", "fahr", "fern", "frei", "gesamt", "gross", "halb", "hoch", "klein", "klär", "kommunal",
    "lehr", "mehr", "mittel", "nah", "national", "neben", "neu", "privat", "regional", "sonder",
    "sozial", "trink", "weiter", "wohn", "zentral", "zwischen",
})  # fmt: skip

Split = tuple[tuple[int, int], ...]  # (start, end) of each part, links left out


def _norm(word: str) -> str:
    return word.lower().replace("ß", "ss")


class _Lexicon:
    """The noun forms, normalised (lower case, ß as ss), each with its lemma."""

    def __init__(self) -> None:
        self.lemma: dict[str, str] = {}  # form -> lemma
        self.adjectival: set[str] = set()  # forms with adjectival declension
        stems: dict[str, str] = dict.fromkeys(_MODIFIERS, "")  # Schul -> Schule, neu -> ""
        names: set[str] = set()
        with (files("german_nouns") / "nouns.csv").open(encoding="utf-8") as f:
            rows = csv.reader(f)
            next(rows)
            for row in rows:
                pos = set(row[1].split(","))
                lemma, key = row[0], _norm(row[0])
                if pos & _SKIP or len(key) < _MIN_PART or (len(key) == 3 and key not in _SHORT):
                    if pos & _NAMES:
                        names.add(key)
                    continue
                forms = {_norm(form) for i, form in enumerate(row) if form and i not in _NOT_FORMS}
                for form in forms:
                    old = self.lemma.get(form)
                    # of two lemmas, the closer one: "haus" is Haus, not Hau; "kassen" is Kasse
                    if old is None or _common(form, key) > _common(form, _norm(old)):
                        self.lemma[form] = lemma
                if _ADJECTIVAL in pos:
                    self.adjectival |= forms
                if key.endswith("e") and len(key) > _MIN_PART + 1:
                    stems.setdefault(key[:-1], lemma)
        for key in _NOT_PARTS | {k for k in self.lemma if len(k) == 3 and k not in _SHORT}:
            self.lemma.pop(key, None)
            stems.pop(key, None)
        self.names = frozenset(names - self.lemma.keys())
        self.not_heads = _FALSE_HEADS | {k for k, v in self.lemma.items() if _norm(v) in _NOT_HEADS}
        # every part -> (lemma or "", whether it may only come before the last part)
        self.parts = {k: (v, True) for k, v in stems.items()}
        self.parts.update((k, (v, False)) for k, v in self.lemma.items())


def _common(a: str, b: str) -> int:
    """Length of the common start of `a` and `b`."""
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


_lexicon: _Lexicon | None = None
_lock = threading.Lock()


def _lex() -> _Lexicon:
    global _lexicon
    if _lexicon is None:
        with _lock:  # one thread reads the list, the others wait for it
            if _lexicon is None:
                _lexicon = _Lexicon()
    return _lexicon


def load_lexicon(cache: Path | None = None) -> None:
    """Read the word list now (about a second), e.g. once before forking workers.

    With ``cache`` (a file), the prepared list is kept there for the next build (0.2 s).
    """
    global _lexicon
    if _lexicon is not None:
        return
    key = _lexicon_key()
    if cache is not None and isinstance(stored := read_cache(cache, key), _Lexicon):
        _lexicon = stored
        return
    lexicon = _lex()
    if cache is not None:
        write_cache(cache, key, lexicon)


def lexicon_ready(cache: Path | None) -> bool:
    """Whether ``load_lexicon(cache)`` would be quick: the word list is loaded, or kept in
    ``cache`` for this version."""
    return _lexicon is not None or (cache is not None and holds_key(cache, _lexicon_key()))


def _lexicon_key() -> str:
    return version("german-nouns") + hashlib.sha256(Path(__file__).read_bytes()).hexdigest()


def unload_lexicon(words: bool = True) -> None:
    """Forget the splits remembered and, with ``words``, the word list (about 70 MB)."""
    global _lexicon
    split_word.cache_clear()
    _best_split.cache_clear()
    if words:
        _lexicon = None


def compound_parts(text: str) -> list[str]:
    """Sorted later parts of the compounds in `text`, as dictionary lemmas ("Konzept").

    A part is a noun of at least MIN_LENGTH letters that does not start its compound (Pagefind
    finds word starts already) and does not stand alone in `text`. Only capitalised words are
    split (nouns), or all words if `text` has no capital letter at all.
    """
    words = set(_WORD.findall(text.replace("\xad", "")))
    long = [w for w in words if _MIN_PART + MIN_LENGTH <= len(w) <= _MAX_WORD]
    nouns = [w for w in long if w[0].isupper()]  # erfolg|reich, lebens|werte are no nouns
    if not nouns and text == text.lower():  # no capitals at all: any word may be a noun
        nouns = long
    parts = set().union(*map(split_word, nouns))
    return sorted(p for p in parts if p not in words and p.lower() not in words)


@lru_cache(maxsize=1 << 18)
def split_word(word: str) -> tuple[str, ...]:
    """Sorted lemmas of the parts of one compound that do not start it.

    "Rathausgebäudes" gives ("Gebäude", "Haus"); a word that is no compound gives ().
    """
    key = _norm(word)
    if len(key) < _MIN_PART + MIN_LENGTH:
        return ()
    lex = _lex()
    if key in lex.names:
        return ()
    found: set[str] = set()
    _collect(key, 0, lex, found)
    return tuple(sorted(x for x in found if len(x) >= MIN_LENGTH and _norm(x) not in _NOT_HEADS))


def _collect(key: str, offset: int, lex: _Lexicon, found: set[str]) -> None:
    """Add the lemmas of the parts of `key` (at `offset` in the word) that do not start the word,
    of the runs of neighbouring parts that are nouns too (Tages|stätte), and of their parts."""
    parts = _best_split(key)
    for i, (start, end) in enumerate(parts):
        lemma = lex.parts[key[start:end]][0]
        if offset + start:
            found.add(lemma)
            found.update(lex.lemma.get(key[start:stop], "") for _, stop in parts[i + 1 :])
        piece = _norm(lemma) if lemma else key[start:end]  # Grundschul(e), Papiers: the lemma
        if _MIN_PART + MIN_LENGTH <= len(piece) < len(key):
            _collect(piece, offset + start, lex, found)


@lru_cache(maxsize=1 << 16)
def _best_split(key: str) -> Split:
    """The best split of `key` into two or more parts, or () if there is none.

    Each part is a noun form (or, before the last, a modifier) and may be followed by a link.
    Best: fewest parts, then fewest modifiers, then fewest link letters, then the longest last
    part, then the earliest boundaries.
    """
    lex = _lex()
    n = len(key)
    forms, not_heads, parts = lex.lemma, lex.not_heads, lex.parts
    heads = {
        i
        for i in range(_MIN_PART, n - _MIN_PART + 1)
        if (tail := key[i:]) in forms and tail not in not_heads
    }
    if heads and key in lex.adjectival:  # Vorsitzende is not Vorsitz + Ende
        heads = {i for i in heads if key[i:] in lex.adjectival}
    if not heads:  # cheap exit for most words: no noun ends the word
        return ()
    last = max(heads)
    # reach[i]: the best cost and parts of key[:i] that end at a part boundary, links included
    reach: dict[int, tuple[tuple[int, int, int], Split]] = {0: ((0, 0, 0), ())}
    final = None
    for i in range(n - _MIN_PART + 1):
        if i not in reach:
            continue
        (count, mods, links), done = reach[i]
        if i in heads:
            option = ((count + 1, mods, links, i - n), (*done, (i, n)))
            final = option if final is None or option < final else final
        for j in range(i + _MIN_PART, last + 1):  # a part ends before the last head
            part = parts.get(key[i:j])
            if part is None:
                continue
            mod = part[1]
            ends = [j] + [j + m for m in (1, 2, 3) if key[j : j + m] in _LINKS]
            for k in ends:
                option2 = ((count + 1, mods + mod, links + k - j), (*done, (i, j)))
                if k not in reach or option2 < reach[k]:
                    reach[k] = option2
    return final[1] if final else ()

"""Compound parts for the search index: real words only, found the way a citizen types them."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
import threading
from functools import cache
from importlib.resources import files
from pathlib import Path

import pytest

from ratsinfo_site import compounds
from ratsinfo_site.compounds import compound_parts, split_word

REPO = Path(__file__).resolve().parents[1]


def fold(word: str) -> str:
    """What Pagefind compares: case and ß/ss do not matter."""
    return word.lower().replace("ß", "ss")


def folded(text: str) -> set[str]:
    return {fold(p) for p in compound_parts(text)}


@cache
def lemmas() -> set[str]:
    with (files("german_nouns") / "nouns.csv").open(encoding="utf-8") as f:
        return {fold(row[0]) for row in csv.reader(f)}


@pytest.mark.parametrize(
    "word,part",
    [
        ("Integrationskonzept", "Konzept"),
        ("Rathausgebäude", "Gebäude"),
        ("Rathausgebäudes", "Gebäude"),
        ("Kreisstraße", "Straße"),
        ("Kreisstraßen", "Straße"),
        ("Kreisstrasse", "Straße"),
        ("Verwaltungsgebäude", "Gebäude"),
        ("Haushaltssatzung", "Satzung"),
        ("Jahresabschluss", "Abschluss"),
        ("Radwegekonzept", "Konzept"),
        ("Schulnetzplanung", "Planung"),
        ("Breitbandausbau", "Ausbau"),
        ("Abfallwirtschaftssatzung", "Wirtschaft"),
        ("Abfallwirtschaftssatzung", "Satzung"),
        ("Jugendhilfeausschuss", "Ausschuss"),
        ("Kreistagsbeschluss", "Beschluss"),
        ("Nahverkehrsplan", "Verkehr"),
        ("Feuerwehrgerätehaus", "Gerät"),
        ("Feuerwehrgerätehaus", "Haus"),
        ("Grundstücksangelegenheiten", "Angelegenheit"),
        ("Kindertagesstätte", "Stätte"),
        ("Kindertagesstätte", "Tagesstätte"),
        ("Bürgerbeteiligung", "Beteiligung"),
        ("Straßenbaumaßnahme", "Maßnahme"),
        ("Ortsteilbürgermeister", "Bürgermeister"),
        ("Gesamtkosten", "Kosten"),
    ],
)
def test_a_later_part_of_a_compound_is_returned(word, part):
    assert fold(part) in folded(f"Der Kreistag beschließt: {word}.")


@pytest.mark.parametrize(
    "word",
    [
        "Integration", "Verwaltung", "Konzept", "Straße", "beschließt", "Kyffhäuserkreis",
        "Sondershausen", "Nordhausen", "Ausschuss", "Anlage", "Vorlage", "Umlage", "Beschluss",
        "Abstimmung", "Überweisung", "Unterlagen", "Haushalt", "Gesellschaft", "Wirtschaft",
        "Arbeitsamt", "Gutachten", "Register", "Fortschreibung", "Vorsitzende", "Mitteilung",
    ],
)  # fmt: skip
def test_a_word_that_is_no_compound_gives_nothing(word):
    assert compound_parts(word) == []


def test_no_fragment_of_a_word_is_returned():
    text = "Das Integrationskonzept wird als Integrationskonzepts-Entwurf vorgelegt."
    parts = folded(text)
    assert "konzept" in parts
    assert not parts & {"zept", "tegration", "ration", "grationskonzept", "onskonzept"}


@pytest.mark.parametrize(
    "text",
    [
        "Integrationskonzept Rathausgebäudes Kreisstraße Straßenbaumaßnahme Kindertagesstätte",
        "Feuerwehrgerätehaus Grundstücksangelegenheiten Abfallwirtschaftssatzung",
        "Nachtragshaushalt Windkraftanlage Erschließungsbeitrag Dorfgemeinschaftshaus",
    ],
)
def test_every_part_is_a_dictionary_noun_of_four_letters_or_more(text):
    for part in compound_parts(text):
        assert len(part) >= compounds.MIN_LENGTH
        assert fold(part) in lemmas(), part


def test_parts_are_sorted_without_duplicates_and_omit_words_that_stand_alone():
    parts = compound_parts("Rathausgebäude, Verwaltungsgebäude und Schulgebäude; das Rathaus")
    assert parts == sorted(set(parts))
    assert parts.count("Gebäude") == 1
    assert "Konzept" not in compound_parts("Integrationskonzept: das Konzept")


def test_the_first_part_is_left_to_pagefind_as_a_word_start():
    assert "Integration" not in compound_parts("Integrationskonzept")
    assert split_word("Rathausgebäude") == ("Gebäude", "Haus")


def test_lower_case_text_is_split_too():
    assert "Konzept" in compound_parts("integrationskonzept")
    assert "Straße" in compound_parts("kreisstrasse")


def test_lower_case_adjectives_in_normal_text_are_not_split():
    assert compound_parts("Das Projekt war erfolgreich und lebenswert.") == []


def test_hyphenated_and_soft_hyphenated_compounds():
    assert folded("Kita-Neubau") == set()  # both parts are words Pagefind finds already
    assert {"ausschuss", "hilfe"} <= folded("Jugendhilfeausschuss-Sitzung")
    assert "konzept" in folded("Integrations\xadkonzept")


def test_the_same_text_gives_the_same_parts():
    text = "Integrationskonzept Rathausgebäude Feuerwehrgerätehaus Kindertagesstätte"
    assert compound_parts(text) == compound_parts(text) == compound_parts(str(text))


def test_the_parts_do_not_depend_on_the_process():
    code = (
        "from ratsinfo_site.compounds import compound_parts;"
        "print(compound_parts('Integrationskonzept Straßenbaumaßnahme Kindertagesstätte'))"
    )
    outputs = {
        subprocess.run(
            [sys.executable, "-c", code],
            cwd=REPO,
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in ("1", "2")
    }
    expected = compound_parts("Integrationskonzept Straßenbaumaßnahme Kindertagesstätte")
    assert outputs == {f"{expected}\n"}


def test_import_does_not_read_the_word_list():
    code = "import ratsinfo_site.compounds as c; print(c._lexicon is None)"
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True
    )
    assert out.stdout == "True\n"


def test_threads_that_load_the_word_list_at_once_agree(monkeypatch):
    monkeypatch.setattr(compounds, "_lexicon", None)
    compounds.split_word.cache_clear()
    compounds._best_split.cache_clear()
    text = "Integrationskonzept Rathausgebäude Kreisstraße Haushaltssatzung"
    results: list[list[str]] = []
    threads = [
        threading.Thread(target=lambda: results.append(compound_parts(text))) for _ in "1234"
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 4
    assert all(r == results[0] for r in results)
    assert {"Gebäude", "Konzept", "Satzung", "Straße"} <= set(results[0])


def test_the_cached_word_list_splits_as_the_read_one(monkeypatch, tmp_path):
    text = "Integrationskonzept Rathausgebäude Kreisstraße Haushaltssatzung Radwegekonzept"
    cache = tmp_path / "lexicon.pickle"
    results = []
    for _ in range(2):  # first read from the package and stored, then from the cache
        monkeypatch.setattr(compounds, "_lexicon", None)
        compounds.split_word.cache_clear()
        compounds._best_split.cache_clear()
        compounds.load_lexicon(cache)
        results.append(compound_parts(text))
    assert cache.is_file()
    assert results[0] == results[1] and "Konzept" in results[0]
    cache.write_bytes(b"not a pickle")  # a broken cache is read anew
    monkeypatch.setattr(compounds, "_lexicon", None)
    compounds.load_lexicon(cache)
    assert compounds._lexicon is not None

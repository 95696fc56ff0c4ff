"""What attachments add to the search index: findable to their last new word, but bounded."""

from __future__ import annotations

import gzip
import hashlib
import json
import re

import pytest

from ratsinfo_site import search_text
from ratsinfo_site.search_text import (
    ATTACHMENT_INDEX_CHARS,
    ATTACHMENT_TEXT_CHARS,
    attachment_text,
    bounded,
)
from tests.helpers import Site
from tests.test_leaks import text_pdf

FILLER = ["Haushaltsplan", "Ansatz", "Ergebnis", "Finanzplan", "Kreisumlage", "Stellenplan"]


def test_short_text_stays_as_written():
    assert bounded("Der Kreistag beschließt den Plan.") == "Der Kreistag beschließt den Plan."


def test_long_text_keeps_its_start_then_only_new_words_up_to_the_bound():
    start = " ".join(FILLER[i % len(FILLER)] for i in range(ATTACHMENT_TEXT_CHARS // 8))
    rest = " ".join(f"{FILLER[i % len(FILLER)]} Posten{i}" for i in range(20_000))
    text = bounded(f"{start} {rest}")
    assert text.startswith(start[:1000])
    assert len(text) <= ATTACHMENT_INDEX_CHARS
    running = text.index(" Posten0 ")
    assert ATTACHMENT_TEXT_CHARS - 20 < running <= ATTACHMENT_TEXT_CHARS
    later = text[running:].split()
    assert later[:3] == ["Posten0", "Posten1", "Posten2"]  # the filler was seen before
    assert len(later) == len(set(later))  # no word twice after the start
    assert "Posten19999" not in text  # beyond the bound


def fragment_of(public, url: str) -> dict:
    for path in (public / "pagefind").rglob("*.pf_fragment"):
        raw = gzip.decompress(path.read_bytes()).decode()
        data = json.loads(raw[raw.index("{"):])
        if data["url"] == url:
            return data
    raise AssertionError(f"no fragment for {url}")


def test_a_page_with_many_long_attachments_stays_small_in_the_index(site: Site, capsys):
    words = " ".join(FILLER[i % len(FILLER)] for i in range(12_000))  # ~100,000 characters
    anlagen = []
    for n in range(1, 4):
        last = f"Schlusswort{n}"
        site.write(f"content/files/anlage-{n}.pdf", text_pdf(f"{words} {last}"))
        anlagen.append(f'  - {{title: "Anlage {n}", file: anlage-{n}.pdf}}')
    site.resolution("haushalt", 'reference: "2024/1"\ntitle: "Haushaltssatzung 2024"\n'
                    "date: 2024-01-10\npublic: true\nattachments:\n" + "\n".join(anlagen),
                    "Der Haushalt wird beschlossen.\n")
    assert site.run("build", capsys=capsys).code == 0
    fragment = fragment_of(site.public, "/beschluesse/2024-1/")
    for n in range(1, 4):  # the last word of every attachment is still found
        assert f"Schlusswort{n}" in fragment["content"]
    assert len(fragment["content"]) < 30_000  # three times 100,000 characters were given
    hidden = re.search(r'<div hidden data-pagefind-weight="0.5"[^>]*>(.*?)</div>',
                       site.page("beschluesse/2024-1/"), re.S)[1]
    assert "Schlusswort3" in hidden and len(hidden) <= ATTACHMENT_INDEX_CHARS + 5_000


class OtherReader:
    """Stands in for pypdf's reader: a text that shows whether the PDF was read again."""

    def __init__(self, path, text: str = "Neugelesen"):
        self.pages = [type("Page", (), {"extract_text": lambda self: text})()]


def test_attachment_text_comes_from_the_cache_when_every_page_is_built_again(
        site: Site, capsys, monkeypatch):
    import pypdf

    site.write("content/files/plan.pdf", text_pdf("Fahrradabstellanlage"))
    site.resolution("plan", 'reference: "2024/2"\ntitle: "Plan"\ndate: 2024-02-01\n'
                    'public: true\nattachments:\n  - {title: Plan, file: plan.pdf}\n')
    site.write("site.toml", 'title = "Archiv"\n')
    assert site.run("build", capsys=capsys).code == 0
    monkeypatch.setattr(pypdf, "PdfReader", OtherReader)
    attachment_text.cache_clear()  # as in a new process
    site.write("site.toml", 'title = "Ein anderes Archiv"\n')  # every page again
    assert site.run("build", capsys=capsys).code == 0
    page = site.page("beschluesse/2024-2/")
    assert "Ein anderes Archiv" in page
    assert "Fahrradabstellanlage" in page and "Neugelesen" not in page
    attachment_text.cache_clear()
    assert site.run("build", "--no-cache", capsys=capsys).code == 0  # read again
    assert "Neugelesen" in site.page("beschluesse/2024-2/")


def test_the_text_of_an_attachment_no_longer_listed_leaves_the_cache(site: Site, capsys):
    """Each version of a replaced PDF kept its text in the cache, which the Pages workflow
    carries from run to run: it grew with every replaced attachment."""
    site.write("content/files/plan.pdf", text_pdf("Fahrradabstellanlage"))
    site.write("content/files/karte.pdf", text_pdf("Ortsumgehung"))
    site.resolution("plan", 'reference: "2024/2"\ntitle: "Plan"\ndate: 2024-02-01\n'
                    'public: true\nattachments:\n  - {title: Plan, file: plan.pdf}\n'
                    '  - {title: Karte, file: karte.pdf}\n')
    assert site.run("build", capsys=capsys).code == 0
    texts = site.root / ".ratsinfo-cache" / search_text.TEXTS
    assert len(list(texts.iterdir())) == 2
    site.write("content/files/plan.pdf", text_pdf("Fahrradparkhaus"))  # a new version
    assert site.run("build", capsys=capsys).code == 0
    assert "Fahrradparkhaus" in site.page("beschluesse/2024-2/")
    kept = {path.stem for path in texts.iterdir()}
    digests = {hashlib.sha256((site.root / "content/files" / name).read_bytes()).hexdigest()
               for name in ("plan.pdf", "karte.pdf")}
    assert kept == digests  # the old version's text is gone, the unchanged one kept


@pytest.mark.parametrize("error", [RecursionError, AttributeError, IndexError, MemoryError])
def test_a_pdf_the_reader_fails_on_is_published_without_its_text(tmp_path, monkeypatch, error):
    """pypdf reads attachments as they come, damaged or hostile: whatever it raises, the
    build goes on with the file unsearchable (a traceback before, for all but four types)."""
    import pypdf

    def broken(*args, **kwargs):
        raise error("kaputt")

    path = tmp_path / "anlage.pdf"
    path.write_bytes(text_pdf("Kreisumlage"))
    assert search_text._pdf_text(path) == "Kreisumlage"
    monkeypatch.setattr(pypdf, "PdfReader", broken)
    assert search_text._pdf_text(path) == ""


def test_ligatures_and_soft_hyphens_of_a_pdf_are_indexed_as_plain_letters(
        site: Site, capsys, monkeypatch):
    """A PDF's text layer may hold "fi" as one ligature character (U+FB01), and soft
    hyphens: "Kreis\ufb01nanzen" in the index was not found by "Kreisfinanzen"."""
    import pypdf

    site.write("content/files/plan.pdf", text_pdf(r"Kreis\256nanzen Ein\257uss"))
    site.write("content/files/soft.pdf", text_pdf("Ersatz"))
    site.resolution("plan", 'reference: "2024/2"\ntitle: "Plan"\ndate: 2024-02-01\n'
                    'public: true\nattachments:\n  - {title: Plan, file: plan.pdf}\n'
                    '  - {title: Weiches, file: soft.pdf}\n')
    reader = pypdf.PdfReader

    def soft_hyphens(path):  # as a PDF made from Word may give them
        text = "Stra\u00dfen\u00adbau" if path.name == "soft.pdf" else None
        return OtherReader(path, text) if text else reader(path)

    monkeypatch.setattr(pypdf, "PdfReader", soft_hyphens)
    assert site.run("build", capsys=capsys).code == 0
    content = fragment_of(site.public, "/beschluesse/2024-2/")["content"]
    assert "Kreisfinanzen Einfluss" in content and "Stra\u00dfenbau" in content


def test_a_cold_build_makes_the_word_list_in_another_process_meanwhile(tmp_path, monkeypatch):
    """The word list for compound parts (2 s to make) is made in a process of its own
    while the build plans its pages, and kept in the cache, which prepare() then reads."""
    from ratsinfo_site import compounds

    monkeypatch.setattr(compounds, "_lexicon", None)  # as in a fresh build process
    monkeypatch.setattr(search_text, "_cache_dir", None)
    cache = tmp_path / "cache"
    wait = search_text.prepare_meanwhile(cache)
    assert compounds._lexicon is None  # not made in this process
    wait()
    assert compounds.lexicon_ready(cache / search_text.LEXICON)
    assert compounds._lexicon is None
    assert search_text.prepare_meanwhile(cache)() is None  # kept: nothing to make again
    search_text.prepare(cache)
    assert compounds.split_word("Integrationskonzept") == ("Konzept",)

"""Every generated page is valid HTML (Nu Html Checker) and links only to what exists."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest

from tests.helpers import REPO, LinkParser, Site

VNU = REPO / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


@pytest.fixture(scope="session")
def vnu_messages(example_site: Site, english_site: Site) -> list[dict]:
    """One run of the checker over both example builds (German and English), CSS included."""
    java = shutil.which("java")
    if java is None or not VNU.is_file():
        pytest.fail("java or vnu.jar is missing: run scripts/install-test-tools.sh")
    done = subprocess.run(
        [java, "-Xss8m", "-jar", str(VNU), "--format", "json", "--skip-non-html",
         "--also-check-css", str(example_site.public), str(english_site.public)],
        capture_output=True, text=True, timeout=600)
    return json.loads(done.stderr)["messages"]


def shown(message: dict) -> str:
    where = message.get("url", "").split("/public/", 1)[-1]
    return f"{where}:{message.get('lastLine', '?')}: {message['type']}: {message['message']}"


def test_nu_html_checker_finds_no_error_on_any_page(vnu_messages, example_site: Site):
    pages = [p for p in example_site.public.rglob("*.html") if "pagefind" not in p.parts]
    assert len(pages) > 100
    errors = [shown(m) for m in vnu_messages
              if m["type"] == "error" or m.get("subType") == "fatal"]
    assert errors == []


def test_nu_html_checker_has_no_warning_either(vnu_messages):
    assert [shown(m) for m in vnu_messages if m["type"] != "error"] == []


def broken_links(public: Path, base_path: str = "/") -> list[str]:
    """Every internal link and asset of every HTML file in ``public`` (404 and redirect
    pages too, which no crawl from the home page reaches) that names no file or anchor."""
    parsed: dict[Path, LinkParser] = {}

    def targets(path: Path) -> LinkParser:
        if path not in parsed:
            parsed[path] = LinkParser(skip=("canonical",))
            parsed[path].feed(path.read_text("utf-8"))
        return parsed[path]

    broken = []
    for page in sorted(public.rglob("*.html")):
        rel = page.relative_to(public).as_posix()
        here = base_path + (rel.removesuffix("index.html") if rel.endswith("index.html") else rel)
        for link in targets(page).links:
            parts = urlsplit(urljoin("http://site" + here, link))
            if parts.netloc != "site":
                continue
            path = unquote(parts.path)
            if not path.startswith(base_path):
                broken.append(f"{rel}: {link}")
                continue
            target = public / path[len(base_path):]
            if path.endswith("/"):
                target = target / "index.html"
            if not target.is_file():
                broken.append(f"{rel}: {link}")
            elif parts.fragment and target.suffix == ".html" \
                    and unquote(parts.fragment) not in targets(target).ids:
                broken.append(f"{rel}: {link} (no such anchor)")
    return broken


def test_no_page_links_to_a_missing_page_file_or_anchor(example_site: Site):
    assert broken_links(example_site.public) == []


def test_no_page_links_to_a_missing_page_under_a_sub_path(sub_path_site):
    _, out = sub_path_site
    assert broken_links(out, "/archiv/") == []


def test_no_english_page_links_to_a_missing_page(english_site: Site):
    assert broken_links(english_site.public) == []

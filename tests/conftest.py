"""Shared fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import Site, copy_example


@pytest.fixture
def site(tmp_path: Path) -> Site:
    """An empty site root in a temporary folder."""
    return Site(tmp_path / "site")


@pytest.fixture(scope="session")
def example_site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    """The repository's example archive (content/ and layouts/), copied and built once."""
    root = copy_example(tmp_path_factory.mktemp("example") / "site").root
    import contextlib

    from ratsinfo_site.cli import main
    with contextlib.chdir(root):
        assert main(["build", "--quiet"]) == 0
    return Site(root)


@pytest.fixture(scope="session")
def browser():
    """Debian's chromium, driven by Playwright."""
    from tests.browser import launch
    yield from launch()


@pytest.fixture
def page(browser):
    """A fresh tab that records console errors and dialogs (an injected alert would show)."""
    context = browser.new_context()
    tab = context.new_page()
    tab.errors = []
    tab.dialogs = []
    tab.on("pageerror", lambda exc: tab.errors.append(str(exc)))
    tab.on("console", lambda msg: tab.errors.append(msg.text) if msg.type == "error" else None)
    tab.on("dialog", lambda dialog: (tab.dialogs.append(dialog.message), dialog.dismiss()))
    yield tab
    context.close()


@pytest.fixture(scope="session")
def sub_path_site(example_site: Site, tmp_path_factory: pytest.TempPathFactory):
    """The example archive built for https://example.github.io/archiv/ and served under /archiv/."""
    import contextlib

    from ratsinfo_site.cli import main
    from tests.helpers import serve
    out = tmp_path_factory.mktemp("subpath") / "public"
    with contextlib.chdir(example_site.root):
        assert main(["build", "--quiet", "--base-url", "https://example.github.io/archiv/",
                     "--out", str(out)]) == 0
    with serve(out, "/archiv/") as base:
        yield base, out


@pytest.fixture(scope="session")
def english_site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    """The example archive with ``language = "en"`` in its site.toml, built once."""
    import contextlib
    import re

    from ratsinfo_site.cli import main
    root = copy_example(tmp_path_factory.mktemp("english") / "site").root
    toml = (root / "site.toml").read_text("utf-8") if (root / "site.toml").is_file() else ""
    toml = re.sub(r'(?m)^language\s*=.*$', "", toml) + '\nlanguage = "en"\n'
    (root / "site.toml").write_text(toml, encoding="utf-8")
    with contextlib.chdir(root):
        assert main(["build", "--quiet"]) == 0
    return Site(root)

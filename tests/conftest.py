"""Shared fixtures."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.helpers import REPO, Site


@pytest.fixture
def site(tmp_path: Path) -> Site:
    """An empty site root in a temporary folder."""
    return Site(tmp_path / "site")


@pytest.fixture(scope="session")
def example_site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    """The repository's example archive (content/ and layouts/), copied and built once."""
    root = tmp_path_factory.mktemp("example") / "site"
    shutil.copytree(REPO / "content", root / "content")
    if (REPO / "layouts").is_dir():
        shutil.copytree(REPO / "layouts", root / "layouts")
    if (REPO / "site.toml").is_file():
        shutil.copy(REPO / "site.toml", root / "site.toml")
    import contextlib

    from ratsinfo_site.cli import main
    with contextlib.chdir(root):
        assert main(["build", "--quiet"]) == 0
    return Site(root)

"""The floor: what the named stack costs at least, without any generator around it.

    python floor.py markdown CONTENT_DIR     front matter + Python-Markdown, in 2 processes
    python floor.py pagefind PAGES_DIR       Pagefind indexing one folder as one index
"""

from __future__ import annotations

import asyncio
import multiprocessing
import sys
from pathlib import Path


def _render(path: Path) -> int:
    import frontmatter
    import markdown

    post = frontmatter.load(path)
    return len(markdown.markdown(post.content))


async def _index(folder: Path) -> None:
    from pagefind.index import IndexConfig, PagefindIndex

    config = IndexConfig(output_path=str(folder / "pagefind"), force_language="de")
    async with PagefindIndex(config=config) as index:
        await index.add_directory(str(folder))


def main() -> None:
    what, folder = sys.argv[1], Path(sys.argv[2])
    if what == "markdown":
        files = sorted((folder / "resolutions").rglob("*.md"))
        with multiprocessing.get_context("fork").Pool(2) as pool:
            pool.map(_render, files, chunksize=64)
    else:
        asyncio.run(_index(folder))


if __name__ == "__main__":
    main()

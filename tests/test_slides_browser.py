"""In a real browser: a lesson notebook presents as a jupyterlab-rise slide deck.

Serves a copy of notebook 01 (with the suite's slide metadata) from a JupyterLab server and opens jupyterlab-rise's
``/rise/<notebook>`` page in headless Chromium: the deck must have a slide per section, open on the lesson's title
and show the lesson's figures. Needs Debian's ``chromium`` and the ``playwright`` pip package; skips otherwise.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from lab_server import TOKEN, running_lab

from gimefive_lib.notebook.runner import notebook_paths
from gimefive_lib.notebook.slides import add_slide_metadata

CHROMIUM = Path("/usr/bin/chromium")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium (apt install)"),
]


@pytest.fixture
def deck(tmp_path):
    """A JupyterLab server serving notebook 01 with slide metadata; yields (rise url, notebook)."""
    root, home = tmp_path / "root", tmp_path / "home"
    root.mkdir()
    notebook = add_slide_metadata(nbformat.read(notebook_paths()[0], as_version=4))
    nbformat.write(notebook, root / "lesson.ipynb")
    with running_lab(root, home, tmp_path / "jupyter.log") as base:
        yield f"{base}/rise/lesson.ipynb?token={TOKEN}", notebook


def test_notebook_01_presents_as_a_deck(deck):
    playwright_api = pytest.importorskip("playwright.sync_api")
    url, notebook = deck
    slides = sum(cell.metadata.slideshow.slide_type == "slide" for cell in notebook.cells)
    title = notebook.cells[0].source.splitlines()[0].lstrip("# ").strip()
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM),
                                             args=["--headless", "--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            page.goto(url)
            page.wait_for_selector(".reveal .slides section.present", timeout=120_000)
            assert page.locator(".reveal .slides > section").count() == slides >= 5
            assert title in page.locator(".reveal .slides section.present").first.inner_text()
            assert page.locator(".reveal .slides img").count() >= 3  # the lesson's figures are in the deck
            page.locator(".reveal").click()
            page.keyboard.press("ArrowRight")
            second = "() => document.querySelectorAll('.reveal .slides > section')[1].classList.contains('present')"
            page.wait_for_function(second, timeout=30_000)
        finally:
            browser.close()

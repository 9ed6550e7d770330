"""The page in a real browser: the real server process (embedded catalog, real default encoder) and the
system Chromium driven by Playwright; a real Wuzzuf job description is pasted, the form submitted from
the keyboard, and the ranked credentials and the plan grid must appear with real skill names.

Screenshots (1280 px and phone width) go to the test's tmp dir and to ``build/screenshots/``.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from recommender.inputs.datasets import WUZZUF
from recommender.store.build import build_default_index

pytestmark = pytest.mark.real_model

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
SCREENSHOTS = Path(__file__).resolve().parents[2] / "build" / "screenshots"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _get(url: str, body: dict | None = None) -> dict:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read())


def analyst_posting(shared_data: Path) -> str:
    """The first Wuzzuf posting titled "Data Analyst": its description and requirements."""
    with WUZZUF.file(shared_data).open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["job_title"].strip().lower() == "data analyst":
                return f"{row['job_description']}\n{row['job_requirements']}"
    raise AssertionError("no Data Analyst posting in the Wuzzuf file")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``recommender serve`` on a free loopback port over the embedded catalog, until the module ends."""
    if not CHROMIUM.exists():
        pytest.skip(f"no Chromium at {CHROMIUM}: install Debian's package (apt-get install chromium) to run this test")
    pytest.importorskip("playwright.sync_api", reason="playwright (Python package) is not installed")
    model_dir = tmp_path_factory.mktemp("browser") / "default"
    build_default_index(model_dir)
    port = _free_port()
    log = (model_dir.parent / "server.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "recommender.cli", "serve", "--model-dir", str(model_dir), "--port", str(port)],
        stdin=subprocess.DEVNULL, stderr=log, stdout=log, env={**os.environ, "RECOMMENDER_API_KEY": ""},
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                _get(f"{base}/readyz")
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError((model_dir.parent / "server.log").read_text()) from None
                time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


def test_the_page_recommends_and_plans_in_a_real_browser(server: str, shared_data: Path, tmp_path: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    description = analyst_posting(shared_data)
    expected = _get(f"{server}/v1/recommend", {"text": description, "have": "Excel", "k": 10})
    plan = _get(f"{server}/v1/plan", {"text": description, "have": "Excel", "max_credentials": 3})
    skill_names = [s["label"] for s in expected["role"]["skills"]]
    assert skill_names and expected["recommendations"]

    requested: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.on("request", lambda request: requested.append(request.url))
        page.goto(server + "/")

        page.click("#submit")  # nothing typed: the page says what to do
        expect(page.locator("#error")).to_contain_text("Paste a job description")

        page.fill("#text", description)
        page.fill("#have", "Excel")
        page.fill("#max_credentials", "3")
        page.focus("#submit")
        page.keyboard.press("Enter")  # keyboard only
        expect(page.locator("#results")).to_be_visible(timeout=60_000)

        cards = page.locator("#credentials > li.credential")
        expect(cards).to_have_count(len(expected["recommendations"]))
        expect(cards.first).to_contain_text(expected["recommendations"][0]["title"])
        first_match = expected["recommendations"][0]["matched_skills"][0]
        same = first_match["skill_id"] == first_match["credential_skill_id"]  # then the skill alone, as in the CLI
        matched = first_match["skill"] if same else f"{first_match['skill']} ← {first_match['credential_skill']}"
        expect(cards.first.locator(".matched")).to_contain_text(matched)
        # Each claim says how it matched and quotes its evidence.
        expect(cards.first.locator(".matched .match").first).to_contain_text(first_match["match"])
        expect(cards.first.locator(".matched .evidence").first).to_contain_text(first_match["evidence"][:20])
        expect(cards.first).to_contain_text(f"of {expected['score_max']:g}")  # the score's range is stated
        expect(page.locator("#credentials li.legend")).to_contain_text("Coverage")
        expect(page.locator("#skills li.skill").first).to_contain_text(skill_names[0])
        expect(page.locator("#skills .evidence").first).not_to_be_empty()

        grid_skills = page.locator("#grid tbody th.skill")
        expect(grid_skills).to_have_count(len(plan["role"]["skills"]))
        assert set(grid_skills.all_inner_texts()) == {s["label"] for s in plan["role"]["skills"]}
        expect(page.locator("#grid thead th")).to_have_count(len(plan["steps"]) + 2)
        expect(page.locator("#grid tr.gap")).to_have_count(len(plan["gap"]))

        shot = tmp_path / "service-page-1280.png"
        page.screenshot(path=str(shot), full_page=True)
        page.set_viewport_size({"width": 390, "height": 844})
        assert page.evaluate("document.documentElement.scrollWidth") <= 390  # the grid scrolls inside its box
        page.locator("#plan-section").scroll_into_view_if_needed()
        phone = tmp_path / "service-page-390.png"
        page.screenshot(path=str(phone), full_page=False)

        page.fill("#text", "")
        page.fill("#title", "data analyst")  # the embedded index has no ESCO occupations: the server says so
        page.click("#submit")
        expect(page.locator("#error")).to_contain_text("needs an index with ESCO occupations")
        browser.close()

    assert requested and all(url.startswith(server) for url in requested), requested
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for path in (shot, phone):
        assert path.stat().st_size > 10_000
        shutil.copy(path, SCREENSHOTS / path.name)

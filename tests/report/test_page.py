"""`report.html`, opened in a real headless Chromium: written at the end of every run, sweep
and study and by `action=report`; loads from `file://` with no console error; every link
resolves; a transcript link opens that sample; text from a log cannot run as script."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from html import unescape
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
from support.browser import Loaded, chromium, hrefs, local_target, open_page, served
from support.cli import run_cli, run_folders
from support.petri_logs import make_audit_log, rewrite_log
from support.report_runs import PANEL, Folders

pytestmark = pytest.mark.slow

AUDITS = {"sweep": 2, "run": 1, "study": 3}


@pytest.fixture
def browser() -> Iterator[Any]:
    """A fresh Chromium per test. Playwright's sync API keeps an event loop running while
    a browser is open, so a test that runs petri_bt in this process (Inspect runs its own
    loop) opens its browser itself, afterwards."""
    with chromium() as running:
        yield running


def _clean(browser: Any, page: Path) -> Loaded:
    """Open a page from file://: no console error, every link a file that exists."""
    loaded = open_page(browser, page.as_uri())
    assert loaded.console_errors == [], page
    for href in hrefs(loaded):
        assert not re.match(r"^[a-z]+:|^//", href), f"{page}: a link leaves the folder: {href}"
        target = local_target(page.as_uri(), href)
        assert target.is_file(), f"{page}: broken link {href}"
        viewed = re.search(r"#/logs/([^/]+)/samples/sample/", href)
        if viewed:  # the viewer's copy of the sample's log is there
            assert (target.parent / "logs" / unquote(viewed.group(1))).is_file(), href
    return loaded


@pytest.mark.parametrize("kind", AUDITS)
def test_every_folder_has_a_page_that_loads_cleanly(
    folders: Folders, browser: Any, kind: str
) -> None:
    folder = getattr(folders, kind)
    page = folder / "report.html"
    assert "Report page: " in folders.printed[kind] and page.is_file()
    loaded = _clean(browser, page)
    assert loaded.page.locator("table.heatmap tbody tr.audit").count() == AUDITS[kind]
    assert loaded.page.locator("script").count() == 0
    transcripts = loaded.page.eval_on_selector_all(
        "a.transcript", "els => els.map(e => e.getAttribute('href'))"
    )
    assert transcripts
    for href in dict.fromkeys(transcripts):
        opened = _clean(browser, local_target(page.as_uri(), href))
        assert opened.page.locator(".msg").count() >= 2
        opened.page.close()


def test_a_transcript_link_opens_that_sample(folders: Folders, browser: Any) -> None:
    loaded = open_page(browser, (folders.sweep / "report.html").as_uri())
    item = loaded.page.locator("ol.top li").first
    seed = item.locator("b").first.inner_text()
    item.locator("a.transcript").click()
    loaded.page.wait_for_load_state("load")
    assert loaded.page.url.endswith(".html") and "/report_files/samples/" in loaded.page.url
    assert loaded.page.locator(".seed-id").inner_text() == seed
    assert loaded.page.locator(".msg.assistant").count() >= 1
    assert loaded.console_errors == []


def test_the_viewer_link_opens_that_sample_when_served(folders: Folders, browser: Any) -> None:
    page = (folders.run / "report.html").read_text()
    first = re.search(r'<li><span class="score">.*?</li>', page, re.S)
    assert first is not None
    seed = unescape(re.search(r"seed <b>(.*?)</b>", first.group(0)).group(1))
    href = unescape(re.search(r'class="viewer" href="([^"]+)"', first.group(0)).group(1))
    assert local_target((folders.run / "report.html").as_uri(), href).is_file()
    with served(folders.run) as base:
        loaded = open_page(browser, f"{base}/{href}")
        loaded.page.get_by_text(f"Sample {seed} (Epoch 1)").wait_for(timeout=30_000)
        assert [m for m in loaded.console_errors if "favicon" not in m] == []


def test_the_study_page_shows_its_forest_plot_and_table(folders: Folders, browser: Any) -> None:
    loaded = open_page(browser, (folders.study / "report.html").as_uri())
    forest = loaded.page.locator("img.forest")
    assert forest.get_attribute("src").startswith("data:image/png;base64,")
    assert forest.evaluate("img => img.naturalWidth") > 100
    report = json.loads((folders.study / "report.json").read_text())
    rows = loaded.page.locator("table.study tbody tr")
    assert rows.count() == len(report["dimensions"])
    first = report["dimensions"][0]
    assert rows.first.locator("td").nth(0).inner_text() == first["dimension"]
    assert rows.first.locator("td").nth(4).inner_text() == f"{first['mean_delta']:+.2f}"


def test_a_panel_run_shows_its_judges_agreement_and_every_page_its_costs(
    folders: Folders, browser: Any
) -> None:
    loaded = open_page(browser, (folders.run / "report.html").as_uri())
    agreement = loaded.page.locator("#agreement")
    assert all(judge in agreement.inner_text() for judge in PANEL)
    assert agreement.locator("tbody tr").count() == 38
    cost = loaded.page.locator("#cost tbody tr")
    assert sorted(cost.nth(i).locator("td").nth(1).inner_text() for i in range(3)) == [
        "auditor",
        "judge",
        "target",
    ]
    tokens = [int(cost.nth(i).locator("td").nth(4).inner_text().replace(",", "")) for i in range(3)]
    assert all(t > 0 for t in tokens)
    study = open_page(browser, (folders.study / "report.html").as_uri())
    assert study.page.locator("#agreement").count() == 0  # one judge: no panel section


def test_action_report_writes_a_page_for_any_logs(folders: Folders, tmp_path: Path) -> None:
    result = run_cli("action=report", f"from_logs=[{folders.study},{folders.sweep}]", cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    (out,) = run_folders(tmp_path)
    assert f"Report: {out / 'report.html'}" in result.stdout
    with chromium() as browser:
        loaded = _clean(browser, out / "report.html")
        assert loaded.page.locator("table.heatmap tbody tr.audit").count() == 5
        assert loaded.page.locator("img.forest").count() == 1  # the study folder's report


HOSTILE = '<script>window.__pwned = "{}"</script><img src=x onerror="window.__pwned=1">'


def test_text_from_a_log_is_shown_never_run(tmp_path: Path) -> None:
    seed = {"id": "<b>seed</b>", "input": "Seed " + HOSTILE.format("seed")}
    log = make_audit_log(
        tmp_path / "made",
        seeds=[seed],
        turns=2,
        message_chars=80,
        score_overrides={"concerning": 7},
        target_reply=lambda turn: "Reply " + HOSTILE.format("target"),
    )

    def summary(_: str, sample: dict[str, Any]) -> dict[str, Any]:
        sample["scores"]["audit_judge"]["metadata"]["summary"] = HOSTILE.format("summary")
        return sample

    (tmp_path / "logs").mkdir()
    hostile = rewrite_log(log, tmp_path / "logs" / "hostile.eval", sample=summary)
    result = run_cli("action=report", f"from_logs=[{hostile}]", cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    (out,) = run_folders(tmp_path)
    with chromium() as browser:
        report = _clean(browser, out / "report.html")
        assert HOSTILE.format("summary") in report.page.inner_text("#samples")
        assert report.page.locator("li b", has_text="<b>seed</b>").count() >= 1
        assert report.page.locator("b b, img[src=x]").count() == 0  # no tag of the log's
        report.page.locator("a.transcript").first.click()
        report.page.wait_for_load_state("load")
        text = report.page.inner_text("body")
        for where in ("seed", "target", "summary"):
            assert HOSTILE.format(where) in text
        for page in (report.page, open_page(browser, (out / "report.html").as_uri()).page):
            assert page.locator("script").count() == 0
            assert page.evaluate("() => window.__pwned") is None


def test_logs_of_the_same_name_keep_their_own_viewer_links(
    folders: Folders, tmp_path: Path
) -> None:
    (log,) = (folders.run / "logs").glob("*.eval")
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        shutil.copy(log, tmp_path / folder / "run.eval")
    listed = f"from_logs=[{tmp_path / 'a' / 'run.eval'},{tmp_path / 'b' / 'run.eval'}]"
    result = run_cli("action=report", listed, cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    (out,) = run_folders(tmp_path)
    page = (out / "report.html").read_text()
    linked = set(re.findall(r"#/logs/([^/]+)/samples/sample/", page))
    assert len(linked) == 2  # one name per log in the viewer
    assert all((out / "report_files" / "viewer" / "logs" / unquote(n)).is_file() for n in linked)
    with chromium() as browser:
        _clean(browser, out / "report.html")

"""The instructors' dashboard (``gradekit.dashboard``): what it shows, what it refuses, how it renders.

The class is real: its reports come from :func:`grade_submission` on three small
submissions (a correct one, one with known-wrong variants, one that tampers with the
harness and is flagged), beside manifest entries for submissions a batch could not
grade. The browser tests open the pages in headless Chromium (Debian's ``chromium`` and
``chromium-driver``, driven by selenium) and skip, saying so, where it is not installed;
``.ci/run`` installs it. Set ``GRADEKIT_DASHBOARD_SCREENSHOT=docs/dashboard.png`` to also
save the class page's screenshot there.
"""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from gradekit.dashboard import DashboardError, build_dashboard
from gradekit.dashboard.load import load_output, page_name
from gradekit.dashboard.stats import class_stats, histogram
from gradekit.grading.runner import grade_submission
from tests.attacks.support import WRITE_EVERY_FD
from tests.conftest import assert_valid_report

pytestmark = pytest.mark.timeout(300)

GOOD, TARGET = "ex01_hello_loop", "ex03_fetch_all"
EXERCISES = [GOOD, TARGET]
NOT_GRADED = {
    "dave.zip": ("rejected", "the zip holds a path outside its folder: ../../etc/cron.d/x"),
    "erin": ("timeout", "grading took longer than 300 s; the batch went on"),
}
# Every page is made of these elements and nothing else (a hostile string that escaped
# escaping would add one: <script>, <img>, <iframe>, <svg onload>…).
ALLOWED_TAGS = {
    "html", "head", "meta", "link", "title", "style", "body", "header", "main", "section", "div", "span",
    "h1", "h2", "h3", "h4", "p", "a", "b", "small", "pre", "blockquote", "ol", "ul", "li", "table", "thead",
    "tbody", "tr", "th", "td", "svg", "rect", "text", "line", "polygon",
}
SAFE_PAGE = re.compile(r"[A-Za-z0-9_-]+\.html")


# -- a realistic batch output folder ------------------------------------------------------

def _source(kit, exercise_id: str, variant: str | None = None) -> str:
    path = kit.reference(exercise_id) if variant is None else (
        kit.root / "exercises" / exercise_id / "variants" / f"{variant}.py")
    return path.read_text(encoding="utf-8")


def _entry(status: str, reason: str = "", report: dict | None = None, name: str = "") -> dict:
    """A manifest entry as ``batch`` writes it (interfaces item 3)."""
    return {"status": status, "reason": reason, "digest": "sha256:" + "0" * 64,
            "report": f"reports/{name}.json" if report else None,
            "score": report["score"] if report else None, "max_score": report["max_score"] if report else None,
            "flagged": bool(report and report["flagged"]), "flag_reason": report["flag_reason"] if report else "",
            "source": f"{name or 'x'}.zip"}


def write_output(out: Path, reports: dict[str, dict], not_graded: dict[str, tuple[str, str]]) -> Path:
    (out / "reports").mkdir(parents=True, exist_ok=True)
    submissions = {}
    for name, report in reports.items():
        (out / "reports" / f"{name}.json").write_text(json.dumps(report, indent=2), encoding="utf-8")
        submissions[name] = _entry("graded", report=report, name=name)
    for name, (status, reason) in not_graded.items():
        submissions[name] = _entry(status, reason)
    manifest = {"kit_version": "test", "shard": None, "submissions": submissions}
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    header = ["student", "total", "max_total", *EXERCISES, "status", "flagged", "flag_reason"]
    (out / "gradebook.csv").write_text(",".join(header) + "\n", encoding="utf-8")  # the dashboard only links it
    return out


@pytest.fixture(scope="module")
def graded_reports(kit, tmp_path_factory) -> dict[str, dict]:
    """Three students graded for real on ex01 and ex03."""
    students = {
        "alice": {GOOD: _source(kit, GOOD), TARGET: _source(kit, TARGET)},
        "bob": {GOOD: _source(kit, GOOD, "blocking_sleep"), TARGET: _source(kit, TARGET, "sequential")},
        "mallory": {GOOD: _source(kit, GOOD), TARGET: WRITE_EVERY_FD},
    }
    reports = {}
    for name, modules in students.items():
        folder = tmp_path_factory.mktemp("submissions") / name
        folder.mkdir()
        for exercise_id, source in modules.items():
            (folder / f"{exercise_id}.py").write_text(source, encoding="utf-8")
        reports[name] = assert_valid_report(grade_submission(kit, folder, exercises=EXERCISES).to_dict())
    assert reports["mallory"]["flagged"], "the tampering submission must be flagged for the dashboard to show it"
    assert any("timeline" in t for e in reports["bob"]["exercises"] for t in e["tests"]), \
        "a sequential ex03 records its calls' timeline: the student page must have one to draw"
    return reports


@pytest.fixture
def class_out(graded_reports, tmp_path) -> Path:
    return write_output(tmp_path / "OUT", graded_reports, NOT_GRADED)


def _pages(out: Path) -> dict[str, str]:
    folder = out / "dashboard"
    return {str(p.relative_to(folder)): p.read_text(encoding="utf-8") for p in folder.rglob("*") if p.is_file()}


def _text(html: str) -> str:
    """The page's text as a reader sees it (tags dropped, entities decoded)."""
    parser = _Elements()
    parser.feed(html)
    return " ".join(parser.text)


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: set[str] = set()
        self.attrs: list[tuple[str, str, str | None]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        self.attrs += [(tag, name, value) for name, value in attrs]

    def handle_data(self, data):
        self.text.append(data)


# -- what the dashboard shows --------------------------------------------------------------

def test_build_writes_the_class_page_and_one_safe_page_per_student(class_out, graded_reports):
    index = build_dashboard(class_out)
    assert index == class_out / "dashboard" / "index.html" and index.is_file()
    students = sorted((class_out / "dashboard" / "students").iterdir())
    assert len(students) == len(graded_reports) + len(NOT_GRADED)
    assert all(SAFE_PAGE.fullmatch(p.name) for p in students), [p.name for p in students]
    text = _text(index.read_text(encoding="utf-8"))
    for name in [*graded_reports, *NOT_GRADED]:
        assert name in text


def test_the_numbers_are_those_of_the_reports(class_out, graded_reports):
    stats = class_stats(load_output(class_out))
    assert len(stats.graded) == len(graded_reports) and stats.submissions == len(graded_reports) + len(NOT_GRADED)
    percents = [100 * r["score"] / r["max_score"] for r in graded_reports.values()]
    assert stats.median_percent == pytest.approx(statistics.median(percents))
    assert sum(b.count for b in stats.histogram) == len(graded_reports)
    for row in stats.exercises:
        results = [e for r in graded_reports.values() for e in r["exercises"] if e["id"] == row.id]
        assert row.full_marks == sum(e["score"] == e["max_score"] for e in results)
        assert row.mean == pytest.approx(statistics.fmean(e["score"] for e in results))
    for row in stats.checks:
        runs = [t for r in graded_reports.values() for e in r["exercises"] if e["id"] == row.exercise
                and e["status"] == "graded" for t in e["tests"] if t["id"] == row.id]
        assert (row.passed, row.attempts) == (sum(t["status"] == "passed" for t in runs), len(runs))
    failed = {(e["id"], t["name"]) for r in graded_reports.values() for e in r["exercises"] for t in e["tests"]
              if t["status"] != "passed" and e["status"] == "graded"}
    assert {(f.exercise, f.name) for f in stats.failures} == failed


def test_the_class_page_lists_flagged_and_ungraded_submissions_with_their_reasons(class_out, graded_reports):
    html = build_dashboard(class_out).read_text(encoding="utf-8")
    flagged = _text(html.split('id="flagged"')[1].split("</section>")[0])
    assert "mallory" in flagged and graded_reports["mallory"]["flag_reason"][:80] in flagged
    assert "alice" not in flagged and "bob" not in flagged
    ungraded = _text(html.split('id="ungraded"')[1].split("</section>")[0])
    for name, (status, reason) in NOT_GRADED.items():
        assert name in ungraded and status in ungraded and reason in ungraded
    failures = _text(html.split('id="failures"')[1].split("</section>")[0])
    bob_failed = [t for e in graded_reports["bob"]["exercises"] for t in e["tests"] if t["status"] != "passed"]
    assert bob_failed and all(t["name"] in failures for t in bob_failed)
    assert bob_failed[0]["feedback"].split("\n")[0][:60] in failures


def test_report_warnings_are_listed_once_with_how_many_reports_carry_them(graded_reports, tmp_path):
    warning = "graded with --allow-weak-isolation: student code ran without Linux namespaces"
    reports = json.loads(json.dumps(graded_reports))
    for name in ("alice", "bob"):
        reports[name]["warnings"] = [warning, warning]
    html = build_dashboard(write_output(tmp_path / "OUT", reports, {})).read_text(encoding="utf-8")
    section = _text(html.split('id="warnings"')[1].split("</section>")[0])
    assert warning in section and f"2/{len(reports)}" in section
    assert 'href="../gradebook.csv"' in html
    quiet = build_dashboard(write_output(tmp_path / "quiet", graded_reports, {})).read_text(encoding="utf-8")
    if not any(r.get("warnings") for r in graded_reports.values()):  # reports graded here carry none
        assert 'id="warnings"' not in quiet


def test_a_student_page_shows_the_report_and_its_timelines(class_out, graded_reports):
    build_dashboard(class_out)
    output = load_output(class_out)
    bob = next(s for s in output.students if s.name == "bob")
    html = (class_out / "dashboard" / "students" / bob.page).read_text(encoding="utf-8")
    text = _text(html)
    assert "graded from bob.zip" in text
    for exercise in graded_reports["bob"]["exercises"]:
        assert exercise["id"] in text
        assert all(t["name"] in text for t in exercise["tests"])
    timelines = [t["timeline"] for e in graded_reports["bob"]["exercises"] for t in e["tests"] if "timeline" in t]
    assert timelines and html.count('class="gk-timeline"') == len(timelines)
    assert all(bar["label"] in text for t in timelines for bar in t["observed"])


def test_a_malformed_timeline_is_named_and_the_rest_is_drawn(class_out, graded_reports):
    report = json.loads(json.dumps(graded_reports["bob"]))
    check = next(t for e in report["exercises"] for t in e["tests"] if "timeline" not in t)
    check["timeline"] = {"title": "broken", "observed": [{"label": "x", "start": -1, "end": 2, "outcome": "ok"}]}
    (class_out / "reports" / "bob.json").write_text(json.dumps(report), encoding="utf-8")
    build_dashboard(class_out)
    bob = next(s for s in load_output(class_out).students if s.name == "bob")
    html = (class_out / "dashboard" / "students" / bob.page).read_text(encoding="utf-8")
    assert "This timeline cannot be drawn: timeline.observed[0].start must be" in _text(html)
    drawn = [t for e in graded_reports["bob"]["exercises"] for t in e["tests"] if "timeline" in t]
    assert html.count('class="gk-timeline"') == len(drawn) > 0


@pytest.mark.parametrize("text", [
    "ok", "elapsed ≈ 0.300 s", "学生 élève 🎓", "two\nlines\tand a tab", "x" * 2000, "\x1b[2Jwiped", "\u202eevil",
    "no\u00a0break", "soft\u00adhyphen", "line\u2028separator", "lone \ud800 surrogate", "bell\x07", "\x9b31m",
])
@pytest.mark.parametrize("multiline", [False, True])
def test_reading_cleans_text_exactly_as_the_report_cleaner_does(text, multiline):
    from gradekit.dashboard.load import _text as read_text
    from gradekit.report.sanitize import clean

    assert read_text(text, 200, multiline=multiline) == clean(text, 200, multiline=multiline)


def test_no_graded_submission_still_makes_a_dashboard(tmp_path):
    out = write_output(tmp_path / "OUT", {}, NOT_GRADED)
    text = _text(build_dashboard(out).read_text(encoding="utf-8"))
    assert "No graded submission yet." in text and all(name in text for name in NOT_GRADED)


def test_histogram_bins_cover_0_to_100():
    bins = histogram([0, 9.99, 10, 55, 100, 100, 130, -5])
    assert [b.count for b in bins] == [3, 1, 0, 0, 0, 1, 0, 0, 0, 3]
    assert (bins[0].low, bins[-1].high) == (0, 100)


# -- untrusted content and bad input --------------------------------------------------------

HOSTILE = {
    "name": '<img src=x onerror=alert(1)>',
    "check": "</td><script>alert('check')</script>",
    "feedback": '"><svg onload=alert(1)></svg>\x1b[2J\u202e',
    "exercise": "<style>body{display:none}</style>",
    "label": "</text><script>alert('timeline')</script>",
    "flag": "<iframe src=https://example.com/x></iframe>",
}


def _hostile_report() -> dict:
    check = {"id": "test_x", "name": HOSTILE["check"], "score": 0.0, "max_score": 5.0, "status": "failed",
             "visibility": "public", "feedback": HOSTILE["feedback"],
             "timeline": {"title": HOSTILE["label"], "unit": "s<b>",
                          "observed": [{"label": HOSTILE["label"], "start": 0, "end": None, "outcome": "running"}]}}
    return {"schema_version": 1, "submission": HOSTILE["name"], "score": 0.0, "max_score": 5.0, "flagged": True,
            "flag_reason": HOSTILE["flag"], "public_only": False,
            "exercises": [{"id": HOSTILE["exercise"], "score": 0.0, "max_score": 5.0, "status": "graded",
                           "tests": [check], "flagged": True, "flag_reason": HOSTILE["flag"]}],
            "ignored": [{"path": HOSTILE["label"], "reason": HOSTILE["check"]}], "warnings": [HOSTILE["check"]],
            "duration_s": 1.0, "environment": {"python": "<b>3</b>", "kit_version": "x", "isolation": "process"}}


def test_hostile_report_content_is_shown_as_text_never_as_markup(tmp_path):
    out = tmp_path / "OUT"
    (out / "reports").mkdir(parents=True)
    (out / "reports" / "x.json").write_text(json.dumps(_hostile_report()), encoding="utf-8")
    graded = _entry("graded", report=_hostile_report(), name="x")
    not_graded = {**_entry("error", HOSTILE["feedback"]), "flag_reason": HOSTILE["flag"], "flagged": True}
    manifest = {"kit_version": HOSTILE["exercise"], "shard": HOSTILE["name"],
                "submissions": {HOSTILE["name"]: graded, "../../" + HOSTILE["check"]: not_graded}}
    (out / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    build_dashboard(out)
    pages = _pages(out)
    assert len(pages) == 3 and all(SAFE_PAGE.fullmatch(Path(p).name) for p in pages)
    hrefs = {"data:,", "../index.html"} | {p for p in pages if p.startswith("students/")}
    seen_text = ""
    for path, html in pages.items():
        parser = _Elements()
        parser.feed(html)
        assert parser.tags <= ALLOWED_TAGS, (path, parser.tags - ALLOWED_TAGS)
        assert not [a for a in parser.attrs if a[1].startswith("on")], path
        assert {v for tag, name, v in parser.attrs if name in ("href", "src")} <= hrefs, path
        assert html.count("<style>") == 1 and "\x1b" not in html and "\u202e" not in html
        seen_text += " ".join(parser.text)
    for value in HOSTILE.values():  # shown, as text, where they belong
        assert value.replace("\x1b[2J", "").replace("\u202e", "") in seen_text


@pytest.mark.parametrize("names", [
    ["alice", "Alice", "ALICE"],
    ["../../etc/passwd", "..", ".", ".hidden", "a/b", "a\\b", "a b", "", "x" * 300],
    ["élève", "eleve", "学生", "con", "nul.txt"],
    ["a b", "a_b", "a_b-" + "0" * 10],
])
def test_page_names_are_safe_and_distinct(names):
    taken: set[str] = set()
    pages = [page_name(n, taken) for n in names]
    assert all(SAFE_PAGE.fullmatch(p) and len(p) < 100 for p in pages), pages
    assert len({p.lower() for p in pages}) == len(names), pages


def test_a_report_outside_the_reports_folder_is_refused(class_out, tmp_path):
    outside = tmp_path / "secret.json"
    outside.write_text(json.dumps({"score": 99.0, "max_score": 1.0, "exercises": []}), encoding="utf-8")
    (class_out / "reports" / "link.json").symlink_to(outside)
    manifest = json.loads((class_out / "manifest.json").read_text(encoding="utf-8"))
    manifest["submissions"]["linked"] = {**_entry("graded"), "report": "reports/link.json"}
    manifest["submissions"]["escaping"] = {**_entry("graded"), "report": "reports/../../secret.json"}
    manifest["submissions"]["absolute"] = {**_entry("graded"), "report": str(outside)}
    (class_out / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    students = {s.name: s for s in load_output(class_out).students}
    for name in ("linked", "escaping", "absolute"):
        assert students[name].status == "unreadable" and students[name].score is None, students[name]
    assert students["alice"].graded and students["bob"].graded


@pytest.mark.parametrize("content", [
    pytest.param(b"{not json", id="not-json"),
    pytest.param(b"[1, 2, 3]", id="not-an-object"),
    pytest.param(b'{"score": "ten"}', id="score-not-a-number"),
    pytest.param(b"\xff\xfe{}", id="not-utf8"),
    pytest.param(None, id="larger-than-the-cap"),
    pytest.param("missing", id="missing"),
])
def test_a_damaged_report_costs_only_its_student(class_out, content):
    path = class_out / "reports" / "bob.json"
    if content is None:
        with path.open("r+b") as handle:
            handle.truncate(64 * 1024 * 1024)  # sparse: costs no disk
    elif content == "missing":
        path.unlink()
    else:
        path.write_bytes(content)
    html = build_dashboard(class_out).read_text(encoding="utf-8")
    students = {s.name: s for s in load_output(class_out).students}
    assert students["bob"].status == "unreadable" and "cannot be read" in students["bob"].reason
    assert students["alice"].graded and students["mallory"].graded
    assert "bob" in _text(html.split('id="ungraded"')[1].split("</section>")[0])


@pytest.mark.parametrize("manifest, message", [
    (None, "not found"),
    (b"{broken", "cannot be read"),
    (b'{"kit_version": "1"}', "no 'submissions'"),
])
def test_a_missing_or_broken_manifest_is_a_clear_error(tmp_path, manifest, message):
    if manifest is not None:
        (tmp_path / "manifest.json").write_bytes(manifest)
    with pytest.raises(DashboardError, match=message) as error:
        build_dashboard(tmp_path)
    assert "batch" in str(error.value)  # says what to do
    assert not (tmp_path / "dashboard").exists()


def test_the_command_rebuilds_a_dashboard_or_says_why_not(class_out, tmp_path):
    command = [sys.executable, "-m", "gradekit.dashboard"]
    built = subprocess.run([*command, str(class_out)], capture_output=True, text=True, timeout=120)
    assert built.returncode == 0 and (class_out / "dashboard" / "index.html").is_file(), built.stderr
    refused = subprocess.run([*command, str(tmp_path / "empty")], capture_output=True, text=True, timeout=120)
    assert refused.returncode == 1 and "manifest.json not found" in refused.stderr
    assert "Traceback" not in refused.stderr


def test_a_rebuild_replaces_the_dashboard_whole(class_out, graded_reports):
    build_dashboard(class_out)
    stale = class_out / "dashboard" / "students" / "left-the-course.html"
    stale.write_text("old", encoding="utf-8")
    build_dashboard(class_out)
    assert not stale.exists()
    assert len(list((class_out / "dashboard" / "students").iterdir())) == len(graded_reports) + len(NOT_GRADED)
    assert [p.name for p in class_out.iterdir() if p.name.startswith(".")] == []  # no temporary folder left


# -- in a real browser ------------------------------------------------------------------------

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")


@pytest.fixture(scope="module")
def browser():
    """Headless Chromium with its console log kept, or a skip that says what to install."""
    if not (CHROMIUM and CHROMEDRIVER):
        pytest.skip("headless Chromium is not installed: apt-get install -y chromium chromium-driver "
                    "(.ci/run installs them)")
    webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is missing: pip install '.[test]'")
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    # --no-sandbox: Chromium's own sandbox refuses to start as root (CI runs as root).
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--window-size=1280,900"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    try:
        yield driver
    finally:
        driver.quit()


def _open(driver, page: Path) -> list[dict]:
    """Load ``page`` and return the console's errors (level SEVERE) it caused."""
    driver.get_log("browser")  # drop what an earlier page left
    driver.get(page.as_uri())
    return [entry for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]


def _screenshot(driver, path: Path) -> Path:
    """The whole page, not only the window (DevTools' captureScreenshot beyond the viewport)."""
    size = driver.execute_cdp_cmd("Page.getLayoutMetrics", {})["cssContentSize"]
    clip = {"x": 0, "y": 0, "width": size["width"], "height": min(size["height"], 10_000), "scale": 1}
    shot = driver.execute_cdp_cmd("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True,
                                                             "clip": clip})
    path.write_bytes(base64.b64decode(shot["data"]))
    return path


def test_the_console_check_sees_errors(browser, tmp_path):
    """The control for the tests below: a script the page's policy blocks and a missing image do show up."""
    page = tmp_path / "broken.html"
    page.write_text('<!DOCTYPE html><meta http-equiv="Content-Security-Policy" content="default-src \'none\'">'
                    '<script>console.log(1)</script><p>x</p>', encoding="utf-8")
    assert _open(browser, page)


def test_the_dashboard_renders_in_chromium_without_console_errors(browser, class_out, tmp_path):
    from selenium.webdriver.common.by import By

    index = build_dashboard(class_out)
    assert _open(browser, index) == []
    for section in ("distribution", "exercises"):
        chart = browser.find_element(By.CSS_SELECTOR, f"#{section} svg.chart")
        assert chart.is_displayed() and chart.size["width"] > 100 and chart.size["height"] > 20, section
    assert len(browser.find_elements(By.CSS_SELECTOR, "#distribution svg.chart rect")) >= 10
    assert "mallory" in browser.find_element(By.ID, "flagged").text
    assert "dave.zip" in browser.find_element(By.ID, "ungraded").text
    shot = _screenshot(browser, tmp_path / "dashboard.png")
    print(f"\nscreenshot of the class page: {shot}")
    wanted = os.environ.get("GRADEKIT_DASHBOARD_SCREENSHOT")
    if wanted:
        shutil.copyfile(shot, wanted)
        print(f"copied to {wanted}")
    assert shot.stat().st_size > 10_000  # a PNG of a drawn page, not a blank one

    for student in load_output(class_out).students:
        page = class_out / "dashboard" / "students" / student.page
        assert _open(browser, page) == [], student.name
        assert student.name in browser.find_element(By.TAG_NAME, "h1").text
        if student.name == "bob":
            timeline = browser.find_element(By.CSS_SELECTOR, "svg.gk-timeline")
            assert timeline.is_displayed() and timeline.size["width"] > 100
            print(f"screenshot of a student page: {_screenshot(browser, tmp_path / 'bob.png')}")
        browser.find_element(By.LINK_TEXT, "← class dashboard").click()
        assert browser.current_url == index.as_uri()

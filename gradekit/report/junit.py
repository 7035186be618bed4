"""``--format junit``: JUnit XML, as GitLab, Jenkins and most CI servers read it.

One ``<testsuite>`` per exercise (``name`` its id, with its score, max_score and status
as ``<properties>``), one ``<testcase>`` per check (``classname`` the exercise id,
``name`` the check's name). A failed check carries ``<failure type="failed">`` (or
``type="timeout"``); a check the grader itself could not judge carries ``<error>``; the
message starts with the points lost. A missing or broken module's reason is the
suite's ``<system-out>``.

The output is valid against the Jenkins xUnit plugin's JUnit schema (``junit-10.xsd``,
vendored in ``tests/specs/`` and checked by ``tests/test_formats.py``). Text that the
student's code produced is already cleaned of control characters; characters XML 1.0
cannot hold at all (U+FFFE, U+FFFF) are dropped here too, so the document always parses.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from gradekit.report.model import CheckResult, ExerciseResult, SubmissionReport

__all__ = ["render_junit"]

MESSAGE = 200  # the first line of the feedback, for the one-line views of CI servers
# Anything outside XML 1.0's Char production: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF].
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _xml(text: str) -> str:
    return _NOT_XML.sub("", text)


def _testcase(exercise: ExerciseResult, check: CheckResult) -> ET.Element:
    case = ET.Element("testcase", classname=_xml(exercise.id), name=_xml(check.name))
    if check.status == "passed":
        return case
    lost = f"{check.score:g}/{check.max_score:g} points"
    first = check.feedback.split("\n", 1)[0][:MESSAGE] if check.feedback else check.status
    tag = "error" if check.status == "error" else "failure"
    outcome = ET.SubElement(case, tag, type=check.status, message=_xml(f"{lost}: {first}"))
    outcome.text = _xml(check.feedback or f"{check.name}: {check.status}")
    return case


def _suite(exercise: ExerciseResult) -> ET.Element:
    suite = ET.Element("testsuite", name=_xml(exercise.id), tests=str(len(exercise.tests)),
                       failures=str(sum(t.status in ("failed", "timeout") for t in exercise.tests)),
                       errors=str(sum(t.status == "error" for t in exercise.tests)), skipped="0")
    properties = ET.SubElement(suite, "properties")
    for name, value in (("score", f"{exercise.score:g}"), ("max_score", f"{exercise.max_score:g}"),
                        ("status", exercise.status), ("flag_reason", exercise.flag_reason)):
        if value:
            ET.SubElement(properties, "property", name=name, value=_xml(value))
    suite.extend(_testcase(exercise, check) for check in exercise.tests)
    if exercise.feedback:
        ET.SubElement(suite, "system-out").text = _xml(exercise.feedback)
    return suite


def render_junit(report: SubmissionReport) -> str:
    """The report as one ``<testsuites>`` document (UTF-8, with its XML declaration)."""
    checks = [t for e in report.exercises for t in e.tests]
    root = ET.Element("testsuites", name=_xml(f"asyncio-gradekit {report.submission}"), tests=str(len(checks)),
                      failures=str(sum(t.status in ("failed", "timeout") for t in checks)),
                      errors=str(sum(t.status == "error" for t in checks)), time=f"{report.duration_s:.3f}")
    root.extend(_suite(exercise) for exercise in report.exercises)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode")

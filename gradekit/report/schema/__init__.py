"""The JSON report's schema (JSON Schema 2020-12), shipped with the engine.

``report.schema.json`` beside this file describes every report ``python grade.py grade
--format json`` prints and ``--output`` writes: instructors and CI can validate what they
parse with any JSON Schema library::

    import jsonschema
    from gradekit.report.schema import report_schema

    jsonschema.validate(json.load(open("alice.json")), report_schema())

The kit's tests validate every report they produce against it, so it cannot drift from
:meth:`gradekit.report.model.SubmissionReport.to_dict`.
"""

from __future__ import annotations

import json
from importlib.resources import files

__all__ = ["SCHEMA_FILE", "report_schema"]

SCHEMA_FILE = "report.schema.json"


def report_schema() -> dict:
    """The report's JSON Schema, read from the installed package."""
    return json.loads(files(__name__).joinpath(SCHEMA_FILE).read_text(encoding="utf-8"))

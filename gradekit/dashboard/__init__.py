"""The instructors' dashboard: a batch's output folder drawn as self-contained HTML pages.

After ``python grade.py batch DIR --output OUT`` (or ``merge``), open
``OUT/dashboard/index.html`` in any browser, offline::

    from gradekit.dashboard import build_dashboard
    index = build_dashboard(Path("OUT"))      # reads OUT/manifest.json and OUT/reports/

The class page shows the score distribution, the pass rate per exercise and per check,
the most common failures with their feedback, the submissions flagged for review and
those that could not be graded; each student has a page with their report and its
timelines (``students/<name>.html``). The pages hold no script and load nothing: inline
CSS and SVG only, under a Content-Security-Policy that forbids the rest. What each
number means: :mod:`gradekit.dashboard.stats`; how untrusted report content is
handled: :mod:`gradekit.dashboard.load`. ``docs/dashboard.md`` is the instructors' guide.
"""

from gradekit.dashboard.build import build_dashboard
from gradekit.dashboard.load import DashboardError

__all__ = ["DashboardError", "build_dashboard"]

"""asyncio-gradekit: a sandboxed autograder for asyncio exercises.

The engine is split by trust:

* ``gradekit.harness`` runs *inside* the sandboxed child, next to student code.
  It only observes and reports plain data.
* ``gradekit.sandbox`` starts and polices those children.
* ``gradekit.grading`` runs pytest graders in the trusted process and turns
  observations into scores and feedback.
* ``gradekit.report`` renders the results (text, JSON, ...).
"""

__version__ = "0.1.0"

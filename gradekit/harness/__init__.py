"""Code that runs inside the sandboxed student's process, beside the student's module.

Only the driver (:mod:`gradekit.harness.driver`) and its end of the link to the world
(:mod:`gradekit.harness.link`): scenarios, fakes and records live in the world
(:mod:`gradekit.world`), on the trusted side. Nothing in this package decides a score.
"""

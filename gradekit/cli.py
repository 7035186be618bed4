"""The command line: ``python grade.py [grade|list|check] …`` (see shared/grader-contract.md)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from gradekit.batch import BatchError, BatchOptions, Manifest, Shard, merge_outputs, run_batch
from gradekit.batch.output import Finished
from gradekit.batch.runner import DEFAULT_TIMEOUT_S, PER_JOB
from gradekit.batch.summary import render_summary, summarise
from gradekit.export import ExportError, export_template
from gradekit.gradescope import BundleError, build_bundle
from gradekit.grading.runner import GraderError, collect_checks, grade_submission
from gradekit.kit import EXERCISE_POINTS, Kit, KitError
from gradekit.progress import progress_display
from gradekit.report.files import remove_stale, write_atomic
from gradekit.report.formats import RENDERERS, render_json
from gradekit.report.github import append_step_summary, step_summary
from gradekit.report.gradescope import VISIBILITIES
from gradekit.report.model import SubmissionReport
from gradekit.sandbox import IsolationUnavailable
from gradekit.sandbox.workspace import SubmissionError
from gradekit.selfcheck import coverage_problems, prove_all
from gradekit.stress import run_stress
from gradekit.watch import Watch, module_digests

EXIT_CANNOT_RUN = 1
MISSING_DEPENDENCY = ("Error: the grader cannot run, a module it needs is missing ({error}). Install the kit with its "
                      "dependencies: `pip install .` in the kit's folder (`pip install -r requirements.txt` in a "
                      "student's copy).")


def _kit(ctx: click.Context) -> Kit:
    return Kit.at(ctx.obj["kit_root"])


@click.group(invoke_without_command=True)
@click.option("--watch", is_flag=True, help="With no command: grade, then grade an exercise again each time its "
                                            "file is saved (Ctrl-C to stop).")
@click.pass_context
def cli(ctx: click.Context, watch: bool) -> None:
    """Grade asyncio exercises in a sandbox. With no command: grade the default folder."""
    if ctx.invoked_subcommand is None:
        ctx.invoke(grade, watch=watch)
    elif watch:
        raise click.UsageError("--watch goes with grading: `python grade.py --watch` or `python grade.py grade "
                               "--watch`")


@cli.command()
@click.argument("path", required=False, type=click.Path(path_type=Path))
@click.option("--exercise", "exercises", multiple=True,
              help="Grade only this exercise: 3, 03, ex3, ex03 or its full id; repeatable.")
@click.option("--public-only", is_flag=True, help="Run only the checks students can see.")
@click.option("--format", "fmt", type=click.Choice(sorted(RENDERERS)), default="text", show_default=True,
              help="What to print on stdout.")
@click.option("--output", type=click.Path(path_type=Path), default=Path("grade-report.json"), show_default=True,
              help="Where to write the JSON report.")
@click.option("--fail-under", type=float, default=None, help="Exit 1 when the score is below this (for CI).")
@click.option("--require-isolation", is_flag=True,
              help="Refuse to grade unless student code runs in Linux namespaces (bubblewrap).")
@click.option("--watch", is_flag=True,
              help="After grading, grade an exercise again each time its file is saved and show what changed "
                   "(Ctrl-C to stop).")
@click.pass_context
def grade(ctx: click.Context, path: Path | None, exercises: tuple[str, ...], public_only: bool, fmt: str,
          output: Path, fail_under: float | None, require_isolation: bool, watch: bool) -> None:
    """Grade one submission folder (default: the student template, or this student copy).

    Progress goes to stderr: live rows on a terminal, a line per exercise otherwise.
    """
    if watch and fmt != "text":
        raise click.UsageError(f"--watch shows what changed as text, not --format {fmt} (the JSON report is "
                               "still written to --output)")
    if watch and fail_under is not None:
        raise click.UsageError("--fail-under is for one grading (CI); --watch grades until Ctrl-C")
    # An interrupted or refused run must not leave an earlier run's report looking current.
    remove_stale(output)
    kit = _kit(ctx)
    submission = path or kit.default_submission
    ids = kit.select(list(exercises))
    graded = module_digests(submission, ids)  # before grading: with --watch, a save during it is graded next

    def run(chosen: list[str]) -> SubmissionReport:
        with progress_display(chosen) as progress:
            return grade_submission(kit, submission, exercises=chosen, public_only=public_only,
                                    require_isolation=require_isolation, progress=progress)

    def publish(report: SubmissionReport) -> None:
        write_atomic(output, render_json(report) + "\n")

    report = run(ids)
    publish(report)
    click.echo(RENDERERS[fmt](report))
    if fmt == "github" and not append_step_summary(report):
        click.echo(step_summary(report))  # outside GitHub Actions: shown after the annotations
    if watch:
        Watch(submission, ids, run, publish).run(report, graded)
        return
    if fail_under is not None and report.score < fail_under:
        click.echo(f"Score {report.score:g} is below --fail-under {fail_under:g}.", err=True)
        ctx.exit(1)


@cli.command("gradescope-bundle")
@click.argument("out", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--exercise", "exercises", multiple=True,
              help="Grade only this exercise on Gradescope (one assignment per week…); repeatable. Default: all.")
@click.option("--hidden-visibility", type=click.Choice(VISIBILITIES), default="visible", show_default=True,
              help="When students see the hidden checks' results on Gradescope (never their source).")
@click.option("--require-isolation", is_flag=True,
              help="Score nothing, with the reason, where Gradescope's container cannot run bubblewrap.")
@click.option("--wheel", type=click.Path(path_type=Path, exists=True, dir_okay=False), default=None,
              help="The engine's wheel to install (default: built from this kit with pip).")
@click.pass_context
def gradescope_bundle(ctx: click.Context, out: Path, exercises: tuple[str, ...], hidden_visibility: str,
                      require_isolation: bool, wheel: Path | None) -> None:
    """Build Gradescope's autograder zip (setup.sh, run_autograder, the engine, the checks and hidden graders)."""
    try:
        bundle = build_bundle(_kit(ctx), out, exercises=list(exercises), hidden_visibility=hidden_visibility,
                              require_isolation=require_isolation, wheel=wheel)
    except BundleError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Wrote {bundle.path}: Gradescope's autograder for {', '.join(bundle.exercises)}. Upload it as the "
               "autograder of a programming assignment (docs/formats.md).")


@cli.command("list")
@click.option("--public-only", is_flag=True, help="List only the checks students can see.")
@click.pass_context
def list_(ctx: click.Context, public_only: bool) -> None:
    """The exercises, their points and their checks."""
    kit = _kit(ctx)
    ids = kit.exercise_ids()
    checks = collect_checks(kit, ids, public_only)
    partial = public_only or not kit.has_hidden  # the hidden checks give the rest: say of what whole
    for ex_id in ids:
        mine = [c for c in checks if c.exercise_id == ex_id]
        points = f"{sum(c.points for c in mine):g}" + (f" of {EXERCISE_POINTS:g}" if partial else "")
        click.echo(click.style(f"{kit.title(ex_id)}  ({points} points)", bold=True))
        for c in mine:
            click.echo(f"    {c.points:>4g}  {c.name}  [{c.visibility}]")


@cli.command("check")
@click.option("--exercise", "exercises", multiple=True, help="Prove only this exercise; repeatable.")
@click.option("--jobs", type=int, default=2, show_default=True, help="Gradings to run in parallel.")
@click.option("--repeat", type=click.IntRange(min=1), default=None,
              help="Prove everything N times and report verdict flips (see gradekit/stress.py).")
@click.option("--stress", is_flag=True, help="Keep every core busy while proving, and report verdict flips.")
@click.option("--isolation", type=click.Choice(["auto", "namespaces", "process"]), default="auto", show_default=True,
              help="The sandbox to prove in (process: the fallback without bubblewrap).")
@click.pass_context
def check_(ctx: click.Context, exercises: tuple[str, ...], jobs: int, repeat: int | None, stress: bool,
           isolation: str) -> None:
    """Prove the graders: references score full marks, variants lose exactly what they name."""
    kit = _kit(ctx)
    if kit.kind != "kit":
        raise KitError("`check` needs the kit itself (exercises/ with references), not a student copy")
    ids = kit.select(list(exercises))
    if repeat is not None or stress:
        result = run_stress(kit, ids, repeat=repeat or 1, stress=stress, jobs=jobs, echo=click.echo,
                            isolation=isolation)
        ctx.exit(1 if result.flips else 0)
    checks = collect_checks(kit, ids)
    problems = [p for ex_id in ids
                for p in coverage_problems(kit, ex_id, {c.id for c in checks if c.exercise_id == ex_id})]
    proofs = prove_all(kit, ids, jobs=jobs, isolation=isolation)
    for proof in proofs:
        mark = click.style("ok  ", fg="green") if proof.ok else click.style("FAIL", fg="red")
        lost = ", ".join(sorted(proof.failed)) or "nothing"
        click.echo(f"{mark} {proof.exercise_id:<28} {proof.subject:<38} {proof.score:>4g}/{proof.max_score:g}  loses: {lost}")
        for problem in proof.problems:
            click.echo(f"       {problem}")
    for problem in problems:
        click.echo(click.style(f"FAIL {problem}", fg="red"))
    bad = sum(not p.ok for p in proofs) + len(problems)
    click.echo(f"\n{len(proofs) - sum(not p.ok for p in proofs)} of {len(proofs)} proofs hold"
               + (f"; {len(problems)} coverage problem(s)" if problems else ""))
    if bad:
        ctx.exit(1)


@cli.command("export-template")
@click.argument("out", type=click.Path(path_type=Path))
@click.pass_context
def export_template_(ctx: click.Context, out: Path) -> None:
    """Write the folder a course hands to students: stubs, statements, public checks, grade.py,
    the engine as a wheel, requirements.txt, CI workflows, README. OUT must be new or empty."""
    try:
        written = export_template(_kit(ctx), out)
    except ExportError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Wrote {written.folder}: {written.exercises} exercises and the engine "
               f"({written.folder.name}/wheels/{written.wheel.name}), without references or hidden graders.")
    click.echo("Hand it out as it is (a zip, a template repository); students run "
               "`pip install -r requirements.txt`, then `python grade.py`.")


class _ShardType(click.ParamType):
    """``--shard K/N``, checked as it is read."""

    name = "K/N"

    def convert(self, value, param, ctx):
        if isinstance(value, Shard):
            return value
        try:
            return Shard.parse(value)
        except ValueError as exc:
            self.fail(str(exc), param, ctx)


@cli.command("batch")
@click.argument("folder", type=click.Path(path_type=Path))
@click.option("--output", type=click.Path(path_type=Path), default=Path("batch-output"), show_default=True,
              help="Folder for reports/, gradebook.csv, manifest.json and dashboard/ (new, empty, or a batch's).")
@click.option("--jobs", type=click.IntRange(min=1), default=None, help="CPUs to keep busy (default: all of them).")
@click.option("--at-once", type=click.IntRange(min=1), default=None,
              help=f"Gradings in flight (default: {PER_JOB} per job: a grading mostly waits on its clock).")
@click.option("--shard", type=_ShardType(), default=None,
              help="Grade only slice K of N (1 <= K <= N, by a hash of each name); `merge` the slices after.")
@click.option("--force", is_flag=True, help="Grade again the submissions unchanged since the last run.")
@click.option("--allow-weak-isolation", is_flag=True,
              help="Grade even without Linux namespaces (process isolation only); every report then says so.")
@click.option("--exercise", "exercises", multiple=True, help="Grade only this exercise; repeatable.")
@click.option("--timeout", type=click.FloatRange(min=1), default=DEFAULT_TIMEOUT_S, show_default=True,
              help="Seconds one submission's grading may take before it is stopped (status timeout).")
@click.pass_context
def batch_(ctx: click.Context, folder: Path, output: Path, jobs: int | None, at_once: int | None,
           shard: Shard | None, force: bool, allow_weak_isolation: bool, exercises: tuple[str, ...],
           timeout: float) -> None:
    """Grade a class: FOLDER holds one folder or .zip per student (docs/batch.md).

    Progress goes to stderr (a bar on a terminal, a line per submission otherwise); the
    class summary to stdout. A re-run grades only what changed (unless --force).
    """
    options = BatchOptions(source=folder, output=output, jobs=jobs, at_once=at_once, shard=shard, force=force,
                           allow_weak_isolation=allow_weak_isolation, exercises=exercises, timeout=timeout)
    try:
        result = run_batch(_kit(ctx), options)
    except BatchError as exc:
        raise click.ClickException(str(exc)) from exc
    _batch_summary(result.manifest, result.finished,
                   f"{result.graded} graded by this run, {result.kept} unchanged and kept from the last one.")


@cli.command("merge")
@click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--output", type=click.Path(path_type=Path), required=True,
              help="Folder for the merged reports/, gradebook.csv, manifest.json and dashboard/.")
def merge_(inputs: tuple[Path, ...], output: Path) -> None:
    """Combine the output folders of `batch --shard K/N` runs (all N of them) into one."""
    try:
        manifest, finished = merge_outputs(list(inputs), output)
    except BatchError as exc:
        raise click.ClickException(str(exc)) from exc
    _batch_summary(manifest, finished, f"Merged {len(inputs)} output folder(s) into {output}.")


def _batch_summary(manifest: Manifest, finished: Finished, note: str) -> None:
    click.echo(render_summary(summarise(manifest, finished.reports)))
    click.echo(f"\n{note}\nGradebook: {finished.gradebook}")
    if finished.dashboard is not None:
        click.echo(f"Dashboard: {finished.dashboard}")
    else:
        click.echo(f"No dashboard: {finished.dashboard_problem}", err=True)


def main(kit_root: Path | None = None, argv: list[str] | None = None) -> None:
    """Run the CLI; every failure to run exits 1 with a message, never a traceback."""
    root = kit_root or Path.cwd()
    try:
        import pytest_timeout  # noqa: F401  (missing: ImportError below; pytest >= 9.2 would only say "exit 4")
        code = cli.main(args=argv, prog_name="grade.py", obj={"kit_root": root}, standalone_mode=False)
    except click.exceptions.Exit as exc:
        code = exc.exit_code
    except click.ClickException as exc:
        exc.show()
        code = EXIT_CANNOT_RUN
    except click.Abort:
        click.echo("Aborted.", err=True)
        code = EXIT_CANNOT_RUN
    except (KitError, SubmissionError, GraderError, IsolationUnavailable, OSError) as exc:
        click.echo(f"Error: {exc}", err=True)
        code = EXIT_CANNOT_RUN
    except ImportError as exc:  # a dependency (pytest-timeout, aiosqlite…) is not installed
        click.echo(MISSING_DEPENDENCY.format(error=" ".join(str(exc).split())), err=True)
        code = EXIT_CANNOT_RUN
    sys.exit(code or 0)

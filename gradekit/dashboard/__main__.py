"""``python -m gradekit.dashboard OUT``: (re)build ``OUT/dashboard/`` from a batch's output folder.

``batch`` and ``merge`` build the dashboard themselves; this rebuilds it alone, e.g. for
an output folder copied from another machine. Exit status 1, with the reason, when
``OUT`` has no readable manifest.
"""

from __future__ import annotations

from pathlib import Path

import click

from gradekit.dashboard import DashboardError, build_dashboard


@click.command()
@click.argument("out", type=click.Path(path_type=Path, file_okay=False))
def main(out: Path) -> None:
    """Build OUT/dashboard/ from OUT/manifest.json and OUT/reports/."""
    try:
        index = build_dashboard(out)
    except DashboardError as error:
        raise click.ClickException(str(error)) from None
    except OSError as error:  # a read-only or full output folder
        raise click.ClickException(f"cannot write {out / 'dashboard'}: {error}") from None
    click.echo(f"dashboard: {index}")


if __name__ == "__main__":
    main(prog_name="python -m gradekit.dashboard")

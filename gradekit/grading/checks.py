"""The ``@check`` decorator: a grader test's public name and its points."""

from __future__ import annotations

from collections.abc import Callable

import pytest

MARKER = "gradekit_check"


def check(name: str, *, points: float) -> Callable:
    """Declare a pytest test function as a graded check worth ``points``.

    ``name`` is what students see ("results keep the order of urls"); keep it a
    property, not an implementation detail.
    """
    if points <= 0:
        raise ValueError(f"a check is worth a positive number of points, not {points}")

    def mark(fn: Callable) -> Callable:
        return getattr(pytest.mark, MARKER)(name=name, points=float(points))(fn)

    return mark

"""No points for doing nothing: submissions generated from a stub's signatures score 0.

The unit tests read the generator's output shapes; the end-to-end test grades the
trivial submissions of ex14 (a class with async context manager methods) and ex16 (an
async generator) as ``python grade.py check`` does.
"""

from __future__ import annotations

import ast
import asyncio
import inspect

import pytest

from gradekit.selfcheck import prove_trivial
from gradekit.trivial import KINDS, TrivialSubmission, empty_value, trivial_submissions, trivialize

STUB = '''\
"""A stub."""

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Optional, TypeVar

T = TypeVar("T")
LIMIT = 3


async def fetch_all(urls: list[str], fetch: Callable[[str], Awaitable[T]]) -> list[T]:
    """Docstring."""
    raise NotImplementedError("write me")


def main() -> None:
    raise NotImplementedError


async def lookup(table: dict[str, int], key: str) -> int | None:
    raise NotImplementedError


async def ticker(interval: float, count: int) -> AsyncIterator[int]:
    raise NotImplementedError
    yield


class Limiter:
    def __init__(self, rate: int, period: float) -> None:
        self.rate = rate

    async def __aenter__(self) -> "Limiter":
        raise NotImplementedError

    async def __aexit__(self, exc_type, exc, tb) -> None:
        raise NotImplementedError

    @staticmethod
    def parse(text: str) -> tuple[int, float]:
        raise NotImplementedError
'''


def _functions(source: str) -> dict[str, ast.FunctionDef | ast.AsyncFunctionDef]:
    """Top-level functions by name, methods as Class.name."""
    found = {}
    for node in ast.parse(source).body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            found[node.name] = node
        elif isinstance(node, ast.ClassDef):
            found.update({f"{node.name}.{m.name}": m for m in node.body
                          if isinstance(m, (ast.FunctionDef, ast.AsyncFunctionDef))})
    return found


def _bodies(source: str) -> dict[str, list[str]]:
    return {name: [ast.unparse(s) for s in f.body] for name, f in _functions(source).items()}


def test_one_submission_per_kind_named_for_the_proofs():
    subs = trivial_submissions(STUB)
    assert [s.kind for s in subs] == list(KINDS) == ["return-none", "empty", "pass", "raise", "first-arg"]
    assert [s.name for s in subs] == [f"trivial/{kind}.py" for kind in KINDS]


@pytest.mark.parametrize("kind", KINDS)
def test_signatures_and_module_level_code_are_kept(kind):
    source = trivialize(STUB, kind)
    compile(source, f"{kind}.py", "exec")
    before, after = _functions(STUB), _functions(source)
    assert list(after) == list(before)
    for name, original in before.items():
        assert type(after[name]) is type(original), f"{name} changed between def and async def"
        assert ast.dump(after[name].args) == ast.dump(original.args)
        assert ast.dump(after[name].returns or ast.Constant(None)) == ast.dump(original.returns or ast.Constant(None))
        assert [ast.dump(d) for d in after[name].decorator_list] == [ast.dump(d) for d in original.decorator_list]
    module = ast.parse(source)
    assert ast.get_docstring(module) == "A stub."
    kept = [ast.unparse(n) for n in module.body if not isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef,
                                                                       ast.ClassDef, ast.Expr))]
    assert kept == ["import asyncio", "from collections.abc import AsyncIterator, Awaitable, Callable",
                    "from typing import Optional, TypeVar", "T = TypeVar('T')", "LIMIT = 3"]
    assert "NotImplementedError" not in source


def test_the_bodies_of_each_kind():
    assert _bodies(trivialize(STUB, "return-none")) == {
        "fetch_all": ["return None"], "main": ["return None"], "lookup": ["return None"],
        "ticker": ["return", "yield"],  # still an async generator, yielding nothing
        "Limiter.__init__": ["return None"], "Limiter.__aenter__": ["return None"],
        "Limiter.__aexit__": ["return None"], "Limiter.parse": ["return None"]}
    assert _bodies(trivialize(STUB, "empty")) == {
        "fetch_all": ["return []"], "main": ["return None"], "lookup": ["return 0"],  # int | None: int's empty value
        "ticker": ["return", "yield"],
        "Limiter.__init__": ["return None"], "Limiter.__aenter__": ["return None"],  # a class: unknown -> None
        "Limiter.__aexit__": ["return None"], "Limiter.parse": ["return ()"]}
    assert set(map(tuple, _bodies(trivialize(STUB, "pass")).values())) == {("pass",)}
    assert _bodies(trivialize(STUB, "raise")) == {
        "fetch_all": ["raise RuntimeError('trivial')"], "main": ["raise RuntimeError('trivial')"],
        "lookup": ["raise RuntimeError('trivial')"], "ticker": ["raise RuntimeError('trivial')", "yield"],
        "Limiter.__init__": ["return None"],  # so that the methods are tried
        "Limiter.__aenter__": ["raise RuntimeError('trivial')"], "Limiter.__aexit__": ["raise RuntimeError('trivial')"],
        "Limiter.parse": ["raise RuntimeError('trivial')"]}
    assert _bodies(trivialize(STUB, "first-arg")) == {
        "fetch_all": ["return urls"], "main": ["return None"], "lookup": ["return table"],
        "ticker": ["yield interval"],
        "Limiter.__init__": ["return None"], "Limiter.__aenter__": ["return None"],  # nothing after self
        "Limiter.__aexit__": ["return exc_type"], "Limiter.parse": ["return text"]}  # a staticmethod has no self


@pytest.mark.parametrize("annotation, value", [
    ("list[int]", "[]"), ("dict[str, str]", "{}"), ("int", "0"), ("float", "0.0"), ("str", '""'),
    ("tuple[str, int]", "()"), ("None", "None"), ("bool", "False"), ("set[int]", "set()"),
    ("str | None", '""'), ("Optional[list[int]]", "[]"), ("typing.Union[None, dict]", "{}"),
    ("T", "None"), ("asyncio.Server", "None"), ("'RateLimiter'", "None"), ("'list[int]'", "[]"),
    ("list[T | Exception]", "[]"), ("collections.abc.Sequence[int]", "[]"),
])
def test_empty_value_of_an_annotation(annotation, value):
    assert empty_value(ast.parse(annotation, mode="eval").body) == value


def test_without_annotation_the_empty_value_is_none():
    assert empty_value(None) == "None"


def test_a_plain_function_returning_an_async_iterator_gets_an_empty_one():
    source = trivialize("from typing import AsyncIterator\ndef stream(n: int) -> AsyncIterator[int]:\n    ...\n",
                        "empty")
    namespace: dict = {}
    exec(compile(source, "stream.py", "exec"), namespace)
    iterator = namespace["stream"](3)

    async def drain():
        return [x async for x in iterator]

    assert asyncio.run(drain()) == []


@pytest.mark.parametrize("kind", KINDS)
def test_the_generated_async_generator_and_methods_behave_trivially(kind):
    namespace: dict = {}
    exec(compile(trivialize(STUB, kind), "stub.py", "exec"), namespace)
    ticker = namespace["ticker"]
    if kind == "pass":
        assert inspect.iscoroutinefunction(ticker)  # `pass` is literally pass
    else:
        assert inspect.isasyncgenfunction(ticker)
    assert namespace["Limiter"](3, 1.0).__dict__ == {}  # __init__ stores nothing


def test_an_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="unknown kind"):
        trivialize(STUB, "nothing")


@pytest.mark.slow
@pytest.mark.parametrize("exercise_id", ["ex14_rate_limiter", "ex16_ticker"])
def test_trivial_submissions_of_real_stubs_compile_and_score_zero(kit, exercise_id):
    subs = trivial_submissions(kit.stub(exercise_id).read_text(encoding="utf-8"))
    for sub in subs:
        compile(sub.source, sub.name, "exec")
    proofs = [prove_trivial(kit, exercise_id, sub) for sub in subs]
    for proof in proofs:
        assert proof.score == 0 and proof.ok, (proof.subject, proof.problems)
        assert proof.failed == proof.expected_failures and proof.failed  # every check, and there are checks


def test_a_trivial_proof_names_the_checks_that_awarded_points(kit, tmp_path, monkeypatch):
    """A check that passes for a submission that does nothing makes the proof fail, naming it."""
    from gradekit import selfcheck
    from gradekit.report.model import CheckResult, ExerciseResult, SubmissionReport

    def graded(kit_, workspace, ids, label, **options):
        return SubmissionReport(submission=label, exercises=[ExerciseResult(ids[0], "graded", [
            CheckResult("test_a", "a", 0.0, 4.0, "failed", "public", "it did nothing"),
            CheckResult("test_b", "b", 6.0, 6.0, "passed", "hidden")])], duration_s=0.0)

    monkeypatch.setattr(selfcheck, "grade_workspace", graded)
    proof = prove_trivial(kit, "ex14_rate_limiter", TrivialSubmission("pass", "class RateLimiter:\n    pass\n"))
    assert proof.subject == "trivial/pass.py" and not proof.ok
    assert proof.problems == ["awarded points to a submission that does nothing: test_b (6 of 6)"]

"""Submissions that do nothing, generated from a stub: none of them may earn a point.

A check that passes "because nothing happened" — an ordering rule that holds for an
empty log, "no task left" when no task was ever made, "returns None when slow" from a
function that always returns None — gives points for doing nothing. ``python grade.py
check`` therefore grades, for every exercise, five submissions made from the stub's
signatures with :mod:`ast` and proves that each scores 0 on every check
(:func:`gradekit.selfcheck.prove_all`).

Every top-level function and every method of every top-level class keeps its name,
parameters, decorators, annotations and ``async``; only its body is replaced. The rest
of the stub (imports, ``TypeVar``\\ s, constants, a ``Protocol``) stays. The kinds::

    return-none   return None
    empty         an empty value of the annotated return type: list -> [], dict -> {},
                  int -> 0, float -> 0.0, str -> "", tuple -> (), AsyncIterator -> an
                  empty async generator; a TypeVar or anything unknown -> None
    pass          pass
    raise         raise RuntimeError("trivial")
    first-arg     return the first argument (after self for a method; None without one)

A generator stays a generator where its kind allows it (``return`` followed by an
unreachable ``yield`` yields nothing; ``first-arg`` yields the first argument once;
``raise`` raises at the first step); ``pass`` is literally ``pass``, so an async
generator becomes a coroutine function. ``__init__`` stores nothing and returns None in
every kind (it cannot return a value, and one that raised would spare every other
method from being tried). ::

    >>> source = "async def f(xs: list[int], n: int) -> list[int]:\\n    raise NotImplementedError"
    >>> print(trivialize(source, "empty").splitlines()[-1])
        return []
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

__all__ = ["KINDS", "TrivialSubmission", "empty_value", "trivial_submissions", "trivialize"]

KINDS = ("return-none", "empty", "pass", "raise", "first-arg")

_EMPTY_BY_NAME = {
    "None": "None", "NoneType": "None",
    "list": "[]", "List": "[]", "Sequence": "[]", "MutableSequence": "[]", "Iterable": "[]", "Collection": "[]",
    "dict": "{}", "Dict": "{}", "Mapping": "{}", "MutableMapping": "{}", "defaultdict": "{}", "OrderedDict": "{}",
    "set": "set()", "Set": "set()", "MutableSet": "set()", "AbstractSet": "set()",
    "frozenset": "frozenset()", "FrozenSet": "frozenset()",
    "tuple": "()", "Tuple": "()",
    "int": "0", "float": "0.0", "complex": "0j", "bool": "False", "str": '""', "bytes": 'b""', "bytearray": "bytearray()",
    "Iterator": "iter(())", "Generator": "iter(())",
}
_ASYNC_ITERATORS = {"AsyncIterator", "AsyncIterable", "AsyncGenerator"}
_EMPTY_ASYNC_ITERATOR = "_gradekit_empty_async_iterator()"  # defined by the body that needs it
TRIVIAL_MESSAGE = "trivial"


@dataclass(frozen=True)
class TrivialSubmission:
    """One generated submission: ``kind`` (one of :data:`KINDS`) and its module source."""

    kind: str
    source: str

    @property
    def name(self) -> str:
        """How proofs name it: ``trivial/return-none.py``."""
        return f"trivial/{self.kind}.py"


def _last_name(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def empty_value(annotation: ast.expr | None) -> str:
    """Source of an empty value of the type ``annotation`` names ("None" when unknown).

    ``X | None`` and ``Optional[X]`` give X's empty value (None itself is what the
    ``return-none`` kind returns); an async iterator type gives
    :data:`_EMPTY_ASYNC_ITERATOR`, which the caller must define.
    """
    if annotation is None:
        return "None"
    if isinstance(annotation, ast.Constant):
        if isinstance(annotation.value, str):  # a string annotation: "RateLimiter", "list[int]"
            try:
                return empty_value(ast.parse(annotation.value, mode="eval").body)
            except SyntaxError:
                return "None"
        return "None"
    if isinstance(annotation, ast.BinOp) and isinstance(annotation.op, ast.BitOr):
        return _first_not_none(_union_members(annotation))
    if isinstance(annotation, ast.Subscript):
        name = _last_name(annotation.value)
        if name == "Optional":
            return empty_value(annotation.slice)
        if name == "Union":
            members = annotation.slice.elts if isinstance(annotation.slice, ast.Tuple) else [annotation.slice]
            return _first_not_none(members)
        if name == "Annotated":
            first = annotation.slice.elts[0] if isinstance(annotation.slice, ast.Tuple) else annotation.slice
            return empty_value(first)
        return empty_value(annotation.value)
    name = _last_name(annotation)
    if name in _ASYNC_ITERATORS:
        return _EMPTY_ASYNC_ITERATOR
    return _EMPTY_BY_NAME.get(name or "", "None")


def _union_members(node: ast.expr) -> list[ast.expr]:
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        return _union_members(node.left) + _union_members(node.right)
    return [node]


def _is_none(node: ast.expr) -> bool:
    return (isinstance(node, ast.Constant) and node.value is None) or _last_name(node) in ("None", "NoneType")


def _first_not_none(members: list[ast.expr]) -> str:
    for member in members:
        if not _is_none(member):
            return empty_value(member)
    return "None"


class _YieldFinder(ast.NodeVisitor):
    """Does a function's own body yield (not counting nested functions, classes and lambdas)?"""

    def __init__(self) -> None:
        self.found = False

    def visit_Yield(self, node: ast.Yield) -> None:
        self.found = True

    def visit_YieldFrom(self, node: ast.YieldFrom) -> None:
        self.found = True

    def _skip(self, node: ast.AST) -> None:
        pass

    visit_FunctionDef = visit_AsyncFunctionDef = visit_ClassDef = visit_Lambda = _skip


def is_generator(function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    finder = _YieldFinder()
    for statement in function.body:
        finder.visit(statement)
    return finder.found


def _first_argument(function: ast.FunctionDef | ast.AsyncFunctionDef, method: bool) -> str | None:
    positional = [a.arg for a in function.args.posonlyargs + function.args.args]
    decorators = {_last_name(d) for d in function.decorator_list}
    if method and "staticmethod" not in decorators:
        positional = positional[1:]  # self, or cls
    names = positional + [a.arg for a in function.args.kwonlyargs]
    return names[0] if names else None


def _body(function: ast.FunctionDef | ast.AsyncFunctionDef, kind: str, method: bool) -> list[ast.stmt]:
    generator = is_generator(function)
    is_async = isinstance(function, ast.AsyncFunctionDef)
    first = _first_argument(function, method)
    if method and function.name == "__init__" and kind != "pass":
        lines = ["return None"]  # it cannot return a value, and raising would spare every method from being tried
    elif kind == "pass":
        lines = ["pass"]
    elif kind == "raise":
        lines = [f"raise RuntimeError({TRIVIAL_MESSAGE!r})"] + (["yield"] if generator else [])
    elif kind == "first-arg":
        if generator:
            lines = [f"yield {first}"] if first else ["return", "yield"]
        else:
            lines = [f"return {first or 'None'}"]
    elif generator:  # return-none, empty: a generator that yields nothing
        lines = ["return", "yield"]
    elif kind == "return-none":
        lines = ["return None"]
    elif kind == "empty":
        value = empty_value(function.returns)
        if value != _EMPTY_ASYNC_ITERATOR:
            lines = [f"return {value}"]
        elif is_async:  # an `async def` annotated AsyncIterator without a yield: make it an empty generator
            lines = ["return", "yield"]
        else:  # a plain function returning an async iterator
            lines = ["async def _gradekit_empty_async_iterator():", "    return", "    yield",
                     f"return {_EMPTY_ASYNC_ITERATOR}"]
    else:
        raise ValueError(f"unknown kind {kind!r}; kinds: {', '.join(KINDS)}")
    return ast.parse("\n".join(lines)).body


def _replace_bodies(function: ast.FunctionDef | ast.AsyncFunctionDef, kind: str, method: bool) -> None:
    body = _body(function, kind, method)
    for statement in body:
        ast.copy_location(statement, function)
    function.body = body


def trivialize(stub_source: str, kind: str, filename: str = "stub.py") -> str:
    """The source of ``stub_source`` with every function and method body replaced as ``kind`` says."""
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}; kinds: {', '.join(KINDS)}")
    tree = ast.parse(stub_source, filename=filename)
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            _replace_bodies(node, kind, method=False)
        elif isinstance(node, ast.ClassDef):
            for member in node.body:
                if isinstance(member, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    _replace_bodies(member, kind, method=True)
    ast.fix_missing_locations(tree)
    header = f"# A trivial submission ({kind}) generated from {filename} by gradekit.trivial: it must score 0.\n"
    return header + ast.unparse(tree) + "\n"


def trivial_submissions(stub_source: str, filename: str = "stub.py") -> list[TrivialSubmission]:
    """One :class:`TrivialSubmission` per kind, in the order of :data:`KINDS`."""
    return [TrivialSubmission(kind, trivialize(stub_source, kind, filename)) for kind in KINDS]

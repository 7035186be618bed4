"""Code the world runs beside the student's module for ex15 (``await h.driver.name(...)``).

Exception classes cannot cross the link as data; ``retry_on`` is built here, in the
student's process, from builtin names, and handed back to the world as references it
passes on to ``retry`` unchanged. Nothing here is measured or judged.
"""

import builtins


def exception_classes(names: list[str]) -> tuple:
    """The builtin exception classes ``names`` name, as a tuple (for ``retry_on``)."""
    classes = tuple(getattr(builtins, name) for name in names)
    if not all(isinstance(c, type) and issubclass(c, BaseException) for c in classes):
        raise TypeError(f"not exception classes: {names!r}")
    return classes

"""Loading Python source that is not an importable module (scenario files, driver code)."""

from __future__ import annotations

import sys
from types import ModuleType


def load_source(name: str, source: str, filename: str | None = None) -> ModuleType:
    """Execute ``source`` as module ``name`` (graders are not an importable package).

    The module is registered in ``sys.modules`` first, as an import would, so that
    dataclasses and pickling inside it find their module.
    """
    module = ModuleType(name)
    module.__file__ = filename or f"<{name}>"
    sys.modules[name] = module
    exec(compile(source, module.__file__, "exec"), module.__dict__)
    return module

#!/usr/bin/env python3
"""Grade asyncio exercises: ``python grade.py --help``."""

import sys
from pathlib import Path

try:
    from gradekit.cli import main
except ImportError as exc:
    sys.exit(f"Error: the grader cannot start ({exc}). Install the kit with its dependencies: pip install .")

if __name__ == "__main__":
    main(kit_root=Path(__file__).resolve().parent)

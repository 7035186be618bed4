#!/usr/bin/env python3
"""Check your exercises: ``python grade.py`` (see README.md)."""

import sys
from pathlib import Path

try:
    from gradekit.cli import main
except ImportError as exc:
    sys.exit(f"The grader cannot start in this Python ({exc}). In this folder, with the Python you grade "
             "with, run: pip install -r requirements.txt")

if __name__ == "__main__":
    main(kit_root=Path(__file__).resolve().parent)

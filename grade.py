#!/usr/bin/env python3
"""Grade asyncio exercises: ``python grade.py --help``."""

from pathlib import Path

from gradekit.cli import main

if __name__ == "__main__":
    main(kit_root=Path(__file__).resolve().parent)

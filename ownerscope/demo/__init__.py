"""The bundled demo data set, written from the facts in SEED_CASE.md (each with its source URL)."""

from pathlib import Path

SEED_CASE = Path(__file__).parent / "seed_case"

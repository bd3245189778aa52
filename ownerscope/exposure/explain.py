"""A verdict for a person and a program: the proof (proof.py, data) with its text (proof_text.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .proof import build_proof
from .proof_text import render_text

if TYPE_CHECKING:
    from .engine import ExposureResult


def explain(res: "ExposureResult", entity_id: str) -> dict:
    """Status, facts, JSON proof and the explanation in words of one entity."""
    info, proof = build_proof(res, entity_id)
    if proof is None:
        info.pop("unknown", None)
        info["explanation"] = f"{entity_id}: no ownership, control or designation data in the store."
        info["proof"] = None
        return info
    info["explanation"] = render_text(info, proof, res)
    info["proof"] = proof
    return info

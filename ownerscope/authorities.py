"""Listing authorities: what kind of list each code stands for, and how to name it to a reader.

Sanctions lists (OFAC, EU, UK, UN, ...) are what the ownership rules count. Export controls (US BIS Entity
List), procurement exclusions (US SAM) and director disqualifications (UK) are lists too, but not sanctions:
they are shown apart and never in the sanctions red. OFAC's non-SDN lists (sectoral, FSE, ...) are
sanctions that do not block, kept as `us-nonsdn` so the 50% rule never counts them as blocking.
"""

from __future__ import annotations

NON_SANCTIONS = {  # code prefix -> kind
    "us-bis": "export control",
    "us-sam": "procurement exclusion",
    "uk-disqualified": "director disqualification",
    "jp-meti": "export control",
}
LABELS = {"us": "OFAC", "us-nonsdn": "OFAC non-SDN", "eu": "EU", "uk": "UK", "un": "UN",
          "us-bis": "US BIS", "us-sam": "US SAM", "uk-disqualified": "UK disqualified directors"}


def kind(authority: str) -> str:
    """'sanctions' or the kind of non-sanctions list (export control, procurement exclusion, ...)."""
    for prefix, k in NON_SANCTIONS.items():
        if authority == prefix or authority.startswith(prefix + "-"):
            return k
    return "sanctions"


def is_sanctions(authority: str) -> bool:
    return kind(authority) == "sanctions"


def label(authority: str) -> str:
    return LABELS.get(authority, authority.upper())

"""norm()'s shortcut for ASCII text gives exactly what normality gives."""

from __future__ import annotations

import random

from normality import normalize

from ownerscope.text import norm


def reference(text: str) -> str:
    return normalize(text, ascii=True) or ""


def test_every_ascii_pair_and_random_ascii_text_normalise_as_normality_does():
    chars = [chr(c) for c in range(128)]
    for a in chars:
        for b in chars:
            assert norm.__wrapped__(a + b) == reference(a + b), repr(a + b)
    rng = random.Random(3)
    for _ in range(20_000):
        text = "".join(rng.choice(chars) for _ in range(rng.randint(1, 30)))
        assert norm.__wrapped__(text) == reference(text), repr(text)


def test_names_as_they_come():
    for text in ("O'Brien & Co., Ltd.", "  VSMPO-AVISMA  Corporation ", "A$B^C`D", "TAB\tAND\x1fUNIT", "___",
                 "Борис Бритва", "Société Générale", "Gazprombank (JSC)"):
        assert norm(text) == reference(text), repr(text)
    assert norm("  ") == "" and norm(None) == ""

"""The embedded search's word index answers exactly what a substring scan answers, in the same order."""

from __future__ import annotations

import random

import polars as pl
import pytest

from ownerscope.graph.search_column import WordIndex
from ownerscope.text import search_text

ALPHABET = "abcde"


def scan(frame: pl.DataFrame, tokens: list[str], limit: int) -> list[str]:
    """The reference: what `e.search CONTAINS $t AND ...` returns, first `limit` in the store's order."""
    cond = pl.all_horizontal([pl.col("search").str.contains(t, literal=True) for t in tokens])
    return frame.filter(cond).head(limit)["id"].to_list()


def random_text(rng: random.Random) -> str:
    names = [" ".join("".join(rng.choice(ALPHABET) for _ in range(rng.randint(1, 6)))
                      for _ in range(rng.randint(1, 3))) for _ in range(rng.randint(1, 3))]
    return search_text(names[0], names[1:])


@pytest.mark.parametrize("seed", range(5))
def test_word_index_matches_the_substring_scan(seed):
    rng = random.Random(seed)
    texts = [random_text(rng) for _ in range(400)] + ["", None]
    frame = pl.DataFrame({"id": [f"e{i}" for i in range(len(texts))], "search": texts},
                         schema={"id": pl.Utf8, "search": pl.Utf8})
    reference = frame.with_columns(pl.col("search").fill_null(""))
    index = WordIndex.build(frame)
    checked = 0
    for _ in range(300):
        tokens = ["".join(rng.choice(ALPHABET) for _ in range(rng.randint(1, 4)))
                  for _ in range(rng.randint(1, 3))]
        limit = rng.choice([1, 5, 50, 1000])
        want = scan(reference, tokens, limit)
        assert index.matching_ids(tokens, limit) == want, tokens
        checked += bool(want)
    assert checked > 100  # most random queries found something: the comparison was not all empty lists
    # the separator between a name and its aliases is a word of the text as the scan sees it
    assert index.matching_ids(["|"], 1000) == scan(reference, ["|"], 1000) != []


def test_empty_store_and_bad_tokens():
    index = WordIndex.build(pl.DataFrame(schema={"id": pl.Utf8, "search": pl.Utf8}))
    assert index.matching_ids(["abc"], 10) == []
    with pytest.raises(ValueError):
        index.matching_ids(["a b"], 10)


def test_warm_builds_the_index_once_and_a_write_makes_it_stale(tmp_path, monkeypatch):
    from ownerscope.graph.embedded import EmbeddedStore
    from ownerscope.graph.model import Entity, Source
    from ownerscope.graph.store import warm_in_background

    store = EmbeddedStore(tmp_path / "s.lbug")
    reads = []
    real = store._search_frame
    monkeypatch.setattr(store, "_search_frame", lambda: reads.append(1) or real())
    src = [Source("t", "r1", "")]
    store.upsert_entities([Entity("a", "company", "Alpha Marine", sources=src)])
    warm_in_background(store).join(timeout=30)
    assert len(reads) == 1
    assert [h["id"] for h in store.search("marine")] == ["a"] and len(reads) == 1  # the warm index served it
    store.upsert_entities([Entity("b", "company", "Beta Marine", sources=src)])
    assert sorted(h["id"] for h in store.search("marine")) == ["a", "b"] and len(reads) == 2
    store.close()
    # on a closed store the warm-up fails quietly (logged); nothing is raised into the server
    warm_in_background(store).join(timeout=30)

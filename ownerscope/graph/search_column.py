"""The embedded store's name search, held in memory: an inverted index of the words of every entity's
`search` text, which answers "contains every token as a substring" without scanning the database.

The database answers `e.search CONTAINS $t` by scanning every entity (about 100 ms at 1M entities, most of
a search's time). Here the same question is asked of the distinct words instead (a token has no space, so
it is a substring of the text exactly when it is a substring of one of its space-separated words): the
words that contain the token, then the entities that have one of those words, intersected over the
tokens. Same meaning as the scan (tested against it); the candidates kept are the first in node order, so
the same store always gives the same hits (the engine's parallel scan with a LIMIT did not).

The index is built from one read of (id, search) and built again after any write (PerVersion): the embedded
store has one writer at a time and this process is it, so the store's own write counter says when it is stale.
Memory: at 1M entities (2.7M word occurrences, 304k distinct words) the arrays held take about 40 MB.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np
import polars as pl

FEW_WORDS = 256  # up to this many matching words, their postings are sliced; beyond, one mask over all


@dataclass
class WordIndex:
    ids: pl.Series  # entity ids, in the store's order (a row is a position here)
    words: pl.Series  # the distinct words, sorted; a word's number is its position
    rows: np.ndarray  # postings: entity rows, grouped by word number, ascending within a word
    word_of: np.ndarray  # the word number of each posting
    starts: np.ndarray  # where each word's postings start in `rows` (one more entry: the end)

    @classmethod
    def build(cls, frame: pl.DataFrame) -> "WordIndex":
        ids = frame["id"].cast(pl.Utf8)
        occ = (frame.select(pl.int_range(pl.len(), dtype=pl.UInt32).alias("row"),
                            pl.col("search").cast(pl.Utf8).fill_null("").str.split(" ").alias("word"))
               .explode("word").filter(pl.col("word").is_not_null() & (pl.col("word") != ""))
               .unique(["row", "word"]))
        words = occ.select(pl.col("word").unique().sort()).with_row_index("wid")
        post = occ.join(words, on="word").select("wid", "row").sort("wid", "row")
        word_of = post["wid"].to_numpy()
        starts = np.searchsorted(word_of, np.arange(words.height + 1))
        return cls(ids, words["word"], post["row"].to_numpy(), word_of, starts)

    def rows_containing(self, token: str) -> np.ndarray:
        """Sorted rows of the entities one of whose words contains `token`."""
        hit = self.words.str.contains(token, literal=True).to_numpy()
        wids = np.flatnonzero(hit)
        if len(wids) == 0:
            return np.empty(0, dtype=self.rows.dtype)
        if len(wids) <= FEW_WORDS:
            parts = [self.rows[self.starts[w]:self.starts[w + 1]] for w in wids]
            return np.unique(np.concatenate(parts))
        return np.unique(self.rows[hit[self.word_of]])

    def matching_ids(self, tokens: Sequence[str], limit: int) -> list[str]:
        """Ids of the first `limit` entities (in the store's order) whose text contains every token."""
        if any(not t or any(ch.isspace() for ch in t) for t in tokens):
            raise ValueError("search tokens are non-empty and hold no space (split the text first)")
        rows = None
        for t in sorted(set(tokens), key=len, reverse=True):  # the longest token is usually the rarest
            r = self.rows_containing(t)
            rows = r if rows is None else np.intersect1d(rows, r, assume_unique=True)
            if len(rows) == 0:
                return []
        return self.ids.gather(rows[:limit]).to_list() if rows is not None else []


class PerVersion:
    """A value the store derives from its data (the word index, the listed-authorities table): built by
    `build()` on first use and again whenever the store's write counter has moved since. `lock` is the
    store's own (a lock of ours beside it could be taken in the other order inside a transaction), so
    several readers arriving together after a write build it once."""

    def __init__(self, build: Callable[[], object], lock: threading.RLock):
        self._build = build
        self._lock = lock
        self._version: object = None
        self._value: object = None

    def get(self, version: object):
        with self._lock:
            if self._value is None or self._version != version:
                self._value = self._build()
                self._version = version
            return self._value

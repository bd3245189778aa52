"""The seeded CSV bundle of the scale benchmark (issue 12), generated with numpy and written with polars.

At 1m: 1,000,000 entities, 2,000,000 relations (80% ownership with shares, 8% control, 12% directorship)
and 10,000 designations; other sizes scale in proportion. Ownership mostly runs "down" a window of
entity numbers (corporate groups: chains and fan-in), 5% of edges point anywhere (long cycles) and 0.5%
are cross-holdings (A owns B and B owns A). Shares come from common stake sizes; 5% are unknown and 2%
published only as a range. (source, target, type) is unique, so every row is one stored relation.

Same size and seed, same bytes. `changed_bundle` writes a copy with 10% of the rows of each file changed
in place (same ids: a new name, a new share or an end date), for the re-ingest figure.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl

SIZES = {"10k": 10_000, "100k": 100_000, "1m": 1_000_000, "5m": 5_000_000}
RELATIONS_PER_ENTITY = 2
DESIGNATIONS_PER_ENTITY = 0.01
SHARE_STAKES = np.array([5, 10, 20, 25, 30, 40, 49, 50, 51, 60, 75, 100], dtype=np.float64)
SHARE_WEIGHTS = np.array([10, 14, 12, 10, 10, 8, 4, 6, 5, 8, 6, 7], dtype=np.float64)
ENTITY_TYPES = ["company", "person", "organization", "vessel", "public_body", "legal_entity"]
ENTITY_WEIGHTS = [0.62, 0.28, 0.04, 0.02, 0.02, 0.02]
COUNTRIES = ["ru", "ae", "cy", "gb", "us", "de", "cn", "tr", "kz", "nl", "ch", "vg"]
AUTHORITIES = ["us", "eu", "uk", "un"]
AUTHORITY_WEIGHTS = [0.35, 0.3, 0.25, 0.1]
CONTROL_BASES = ["board_majority_appointment_right", "voting_agreement", "dominant_influence"]
SUFFIXES = ["", " LLC", " Holdings", " Ltd", " JSC", " DMCC", " Group", " Trading"]
SYL = ["al", "be", "ka", "ro", "mi", "tra", "nor", "vel", "sta", "gaz", "ost", "dor", "lin", "mar", "sev",
       "pet", "ural", "zan", "kor", "bel", "vin", "tek", "sib", "neft"]


@dataclass
class Bundle:
    folder: Path
    entities: pl.DataFrame
    relations: pl.DataFrame
    designations: pl.DataFrame

    def counts(self) -> dict:
        return {"entities": self.entities.height, "relations": self.relations.height,
                "designations": self.designations.height,
                "relations_by_type": dict(self.relations.group_by("type").len().iter_rows()),
                "designations_by_authority": dict(self.designations.group_by("authority").len().iter_rows())}


def _words(rng: np.random.Generator, n: int) -> np.ndarray:
    """`n` distinct made-up words of 2 to 4 syllables."""
    out: dict[str, None] = {}
    while len(out) < n:
        k = rng.integers(2, 5)
        out["".join(rng.choice(SYL, k)).capitalize()] = None
    return np.array(list(out))


def _entities(rng: np.random.Generator, n: int) -> pl.DataFrame:
    vocab = _words(rng, 4000)
    w1, w2 = rng.integers(0, len(vocab), n), rng.integers(0, len(vocab), n)
    two = rng.random(n) < 0.6
    suffix = np.array(SUFFIXES)[rng.integers(0, len(SUFFIXES), n)]
    types = np.array(ENTITY_TYPES)[rng.choice(len(ENTITY_TYPES), n, p=ENTITY_WEIGHTS)]
    suffix = np.where(types == "person", "", suffix)
    names = np.char.add(np.char.add(vocab[w1], np.where(two, np.char.add(" ", vocab[w2]), "")), suffix)
    alias = np.where(rng.random(n) < 0.1, vocab[rng.integers(0, len(vocab), n)], "")
    ident = rng.random(n) < 0.3
    idx = np.arange(n)
    return pl.DataFrame({
        "id": pl.Series(np.char.add("e", idx.astype(str))),
        "type": pl.Series(types),
        "name": pl.Series(names),
        "country": pl.Series(np.array(COUNTRIES)[rng.integers(0, len(COUNTRIES), n)]),
        "aliases": pl.Series(alias),
        "identifiers": pl.Series(np.where(ident, np.char.add("ru-inn:", (7700000000 + idx).astype(str)), "")),
        "source_url": pl.Series(np.char.add("https://example.org/e/", idx.astype(str))),
    })


def _relations(rng: np.random.Generator, n_ent: int, n_rel: int) -> pl.DataFrame:
    m = int(n_rel * 1.1) + 100  # a margin for the duplicates and self-links dropped below
    src = rng.integers(0, n_ent, m)
    dst = np.minimum(src + rng.integers(1, 1000, m), n_ent - 1)
    wild = rng.random(m) < 0.05
    dst[wild] = rng.integers(0, n_ent, int(wild.sum()))
    kind = rng.random(m)
    rtype = np.where(kind < 0.80, "ownership", np.where(kind < 0.88, "control", "directorship"))
    cross = (rtype == "ownership") & (rng.random(m) < 0.005)  # cross-holdings: the reverse link too
    src = np.concatenate([src, dst[cross]])
    dst = np.concatenate([dst, src[: len(cross)][cross]])
    rtype = np.concatenate([rtype, rtype[cross]])
    m = len(src)
    share = rng.choice(SHARE_STAKES, m, p=SHARE_WEIGHTS / SHARE_WEIGHTS.sum())
    own = rtype == "ownership"
    unknown = rng.random(m) < 0.05
    ranged = ~unknown & (rng.random(m) < 0.02)
    dated = rng.random(m) < 0.03
    year = rng.integers(2000, 2021, m).astype(str)
    frame = pl.DataFrame({
        "source": pl.Series(np.char.add("e", src.astype(str))),
        "target": pl.Series(np.char.add("e", dst.astype(str))),
        "type": pl.Series(rtype),
        "share": pl.Series(np.where(own & ~unknown & ~ranged, share, np.nan)).fill_nan(None),
        "share_min": pl.Series(np.where(own & ranged, np.maximum(share - 15, 0), np.nan)).fill_nan(None),
        "share_max": pl.Series(np.where(own & ranged, np.minimum(share + 15, 100), np.nan)).fill_nan(None),
        "start_date": pl.Series(np.where(dated, np.char.add(year, "-01-01"), "")),
        "end_date": pl.Series(np.full(m, "")),
        "basis": pl.Series(np.where(rtype == "control",
                                    np.array(CONTROL_BASES)[rng.integers(0, 3, m)], "")),
        "role": pl.Series(np.where(rtype == "directorship", "director", "")),
        "source_url": pl.Series(np.full(m, "https://example.org/rel")),
    })
    frame = frame.filter(pl.col("source") != pl.col("target"))
    return frame.unique(subset=["source", "target", "type"], keep="first", maintain_order=True).head(n_rel)


def _designations(rng: np.random.Generator, n_ent: int, n_des: int) -> pl.DataFrame:
    who = rng.choice(n_ent, n_des, replace=False)
    auth = np.array(AUTHORITIES)[rng.choice(len(AUTHORITIES), n_des, p=AUTHORITY_WEIGHTS)]
    return pl.DataFrame({
        "entity_id": pl.Series(np.char.add("e", who.astype(str))),
        "authority": pl.Series(auth),
        "program": pl.Series(np.char.add("PROG-", (np.arange(n_des) % 50).astype(str))),
        "start_date": pl.Series(np.full(n_des, "2022-03-01")),
        "end_date": pl.Series(np.full(n_des, "")),
        "source_url": pl.Series(np.full(n_des, "https://example.org/des")),
    })


def _write(folder: Path, ents: pl.DataFrame, rels: pl.DataFrame, des: pl.DataFrame) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    blank = pl.when(pl.col(pl.Utf8) == "").then(None).otherwise(pl.col(pl.Utf8)).name.keep()
    ents, rels, des = (f.with_columns(blank) for f in (ents, rels, des))  # empty fields unquoted
    ents.write_csv(folder / "entities.csv")
    rels.write_csv(folder / "relations.csv", float_precision=2)
    des.write_csv(folder / "designations.csv")


def entity_count(size: str) -> int:
    return SIZES[size]


def generate(folder: Path, entities: int, seed: int = 7) -> Bundle:
    """Write the bundle for `entities` entities into `folder` and return it with its frames."""
    rng = np.random.default_rng(seed)
    ents = _entities(rng, entities)
    rels = _relations(rng, entities, entities * RELATIONS_PER_ENTITY)
    des = _designations(rng, entities, max(1, int(entities * DESIGNATIONS_PER_ENTITY)))
    _write(folder, ents, rels, des)
    return Bundle(folder, ents, rels, des)


def changed_bundle(bundle: Bundle, folder: Path, fraction: float = 0.1, seed: int = 8) -> Bundle:
    """A copy of `bundle` in `folder` with `fraction` of the rows of each file changed, ids kept."""
    rng = np.random.default_rng(seed)

    def pick(frame: pl.DataFrame) -> pl.Series:
        return pl.Series(rng.random(frame.height) < fraction)

    e, r, d = bundle.entities, bundle.relations, bundle.designations
    ents = e.with_columns(pick(e).alias("_c")).with_columns(
        name=pl.when("_c").then(pl.col("name") + " Renamed").otherwise("name"),
        country=pl.when("_c").then(pl.lit("am")).otherwise("country")).drop("_c")
    has_share = pl.col("share").is_not_null()
    rels = r.with_columns(pick(r).alias("_c")).with_columns(
        share=pl.when(pl.col("_c") & has_share).then((100 - pl.col("share")).clip(1, 100)).otherwise("share"),
        end_date=pl.when(pl.col("_c") & ~has_share).then(pl.lit("2025-06-30")).otherwise("end_date")).drop("_c")
    des = d.with_columns(pick(d).alias("_c")).with_columns(
        end_date=pl.when("_c").then(pl.lit("2025-01-01")).otherwise("end_date")).drop("_c")
    _write(folder, ents, rels, des)
    return Bundle(folder, ents, rels, des)

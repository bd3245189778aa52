"""Offline initial load of Neo4j: CSV files for `neo4j-admin database import full`, from any store.

`write_import_files(store, folder)` reads the whole store through the store protocol (entity_records,
relation_frame, designation_records, redirects, list_versions) and writes, per node label and relationship
type, a header file and a data file in the import tool's format, plus `neo4j-admin-import.args`, an
arguments file the tool reads with `@`:

    neo4j-admin database import full neo4j @FOLDER/neo4j-admin-import.args

Every property is typed in the header (`string[]` arrays split on U+001F, `double`, `boolean`, `long`), a
missing value is an empty field (no property, as the Bolt writer stores None) and an empty text is written
`""` (kept as an empty string). The tool cannot write an empty array: `finish_import(store)`, run once on
the started database, sets the array properties the import left absent to `[]` (as the Bolt writer stores
them) and creates ownerscope's constraints and indexes (neo4j_schema.SCHEMA).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from ..errors import InputError
from . import rows as R
from .model import RELATION_LABELS

ARRAY_DELIMITER = "\x1f"  # the unit separator: no name, address or source JSON carries it
ARGS_FILE = "neo4j-admin-import.args"

ENTITY_TYPES = {"id": "ID(Entity)", "aliases": "string[]", "identifiers": "string[]", "sources": "string[]",
                "birth_dates": "string[]", "nationalities": "string[]", "addresses": "string[]"}
ENTITY_COLUMNS = (*R.ENTITY_FIELDS, "search")
DES_TYPES = {"id": "ID(Designation)", "sources": "string[]"}
LIST_VERSION_TYPES = {"id": "ID(ListVersion)", "files": "string[]", "authorities": "string[]",
                      "records": "long"}
REL_TYPES = {"share": "double", "share_min": "double", "share_max": "double", "ended": "boolean",
             "share_min_exclusive": "boolean", "sources": "string[]"}
# the array properties the Bolt writer always stores (possibly empty), by label or relationship type
ARRAY_PROPERTIES = {"Entity": [c for c, t in ENTITY_TYPES.items() if t == "string[]"],
                    "Designation": ["sources"], "ListVersion": ["files", "authorities"],
                    **{label: ["sources"] for label in RELATION_LABELS.values()}}


@dataclass
class ImportFiles:
    folder: Path
    args_file: Path
    nodes: dict[str, int] = field(default_factory=dict)          # label -> rows written
    relationships: dict[str, int] = field(default_factory=dict)  # type -> rows written
    seconds: float = 0.0

    @property
    def rows(self) -> int:
        return sum(self.nodes.values()) + sum(self.relationships.values())


def _text(col: str) -> pl.Expr:
    """A text column as a CSV field: quoted (quotes doubled), or empty when missing."""
    c = pl.col(col).cast(pl.Utf8)
    return (pl.when(c.is_null()).then(pl.lit("")).otherwise(pl.lit('"') + c.str.replace_all('"', '""', literal=True)
                                                           + pl.lit('"'))).alias(col)


def _array(col: str) -> pl.Expr:
    """A list-of-text column as one quoted field, elements split by ARRAY_DELIMITER; empty when missing or
    empty (finish_import gives those back as [])."""
    c = pl.col(col)
    joined = c.list.join(ARRAY_DELIMITER, ignore_nulls=True)
    return (pl.when(c.is_null() | (c.list.len() == 0)).then(pl.lit(""))
            .otherwise(pl.lit('"') + joined.str.replace_all('"', '""', literal=True) + pl.lit('"'))).alias(col)


def _plain(col: str, kind: str) -> pl.Expr:
    c = pl.col(col)
    if kind == "boolean":
        c = pl.when(c.is_null()).then(pl.lit("")).otherwise(pl.when(c).then(pl.lit("true")).otherwise(pl.lit("false")))
    return c.cast(pl.Utf8).fill_null("").alias(col)


def _check_arrays(frame: pl.DataFrame, columns: list[str], what: str) -> None:
    for col in columns:
        bad = frame.filter(pl.col(col).list.eval(pl.element().str.contains(ARRAY_DELIMITER, literal=True)).list.any())
        if bad.height:
            raise InputError(f"{what} {bad['id'][0] if 'id' in bad.columns else ''}: a value of {col!r} holds "
                             "the array delimiter U+001F, which the import files cannot carry")
        # [""] would be written as an empty field, which the tool reads as no value
        lone = frame.filter((pl.col(col).list.len() == 1) & (pl.col(col).list.first() == ""))
        if lone.height:
            raise InputError(f"{what} {lone['id'][0] if 'id' in lone.columns else ''}: {col!r} is a list of one "
                             "empty text, which the import files cannot carry")


def _write(frame: pl.DataFrame, header: list[str], types: dict[str, str], folder: Path, name: str) -> tuple[Path, Path, bool]:
    """Write `name.header.csv` (typed column names) and `name.csv` (the data, no header). Returns the two
    paths and whether any value spans lines."""
    arrays = [c for c in frame.columns if types.get(c) == "string[]"]
    _check_arrays(frame, arrays, name)
    exprs = []
    for col in frame.columns:
        kind = types.get(col, "string")
        if kind == "string[]":
            exprs.append(_array(col))
        elif kind in ("double", "boolean", "long"):
            exprs.append(_plain(col, kind))
        else:  # text, ids and relationship ends
            exprs.append(_text(col))
    out = frame.select(exprs)
    multiline = any(out[c].str.contains("[\r\n]").any() for c in out.columns) if out.height else False
    head, data = folder / f"{name}.header.csv", folder / f"{name}.csv"
    head.write_text(",".join(header) + "\n", encoding="utf-8")
    out.write_csv(data, include_header=False, quote_style="never")
    return head, data, multiline


def _header(columns, types: dict[str, str]) -> list[str]:
    out = []
    for c in columns:
        t = types.get(c, "string")
        if t.startswith(":"):
            out.append(t)
        elif t.startswith("ID("):
            out.append(f"{c}:{t}")
        elif t == "string":
            out.append(c)
        else:
            out.append(f"{c}:{t}")
    return out


def _entity_frame(store) -> pl.DataFrame:
    rows = [R.entity_row(e) for e in store.entity_records()]
    schema = {c: pl.List(pl.Utf8) if ENTITY_TYPES.get(c) == "string[]" else pl.Utf8 for c in ENTITY_COLUMNS}
    if not rows:
        return pl.DataFrame(schema=schema)
    return pl.DataFrame(rows, schema=schema).select(list(ENTITY_COLUMNS))


def write_import_files(store, folder: Path) -> ImportFiles:
    """Write the import tool's files for everything in `store` into `folder` (created; files of an earlier
    export there are replaced)."""
    t0 = time.perf_counter()
    folder = Path(folder).expanduser().resolve()
    folder.mkdir(parents=True, exist_ok=True)
    result = ImportFiles(folder, folder / ARGS_FILE)
    node_args: list[str] = []
    rel_args: list[str] = []
    multiline = False

    def write(flag: str, args: list[str], counts: dict, label: str, frame: pl.DataFrame,
              types: dict[str, str], name: str) -> None:
        nonlocal multiline
        head, data, ml = _write(frame, _header(frame.columns, types), types, folder, name)
        multiline |= ml
        args.append(f"--{flag}={label}={head},{data}")
        counts[label] = frame.height

    def nodes(label: str, frame: pl.DataFrame, types: dict[str, str], name: str) -> None:
        write("nodes", node_args, result.nodes, label, frame, types, name)

    def rels(rtype: str, frame: pl.DataFrame, types: dict[str, str], name: str) -> None:
        write("relationships", rel_args, result.relationships, rtype, frame, types, name)

    nodes("Entity", _entity_frame(store), ENTITY_TYPES, "entities")

    des = store.designation_records()
    des_schema = {c: pl.List(pl.Utf8) if c == "sources" else pl.Utf8 for c in (*R.DES_FIELDS, "listed_by")}
    des_frame = pl.DataFrame([{**d, "sources": list(d["sources"] or [])} for d in des] or None, schema=des_schema)
    nodes("Designation", des_frame.select(list(R.DES_FIELDS)), DES_TYPES, "designations")
    listed = des_frame.select(pl.col("listed_by").alias(":START_ID"), pl.col("id").alias(":END_ID"))
    rels("LISTED", listed, {":START_ID": ":START_ID(Entity)", ":END_ID": ":END_ID(Designation)"}, "listed")

    redirects = pl.DataFrame([{"id": a, "target": b} for a, b in store.redirects().items()] or None,
                             schema={"id": pl.Utf8, "target": pl.Utf8})
    nodes("Redirect", redirects, {"id": "ID(Redirect)"}, "redirects")

    lv_schema = {c: (pl.List(pl.Utf8) if LIST_VERSION_TYPES.get(c) == "string[]" else
                     pl.Int64 if c == "records" else pl.Utf8) for c in R.LIST_VERSION_FIELDS}
    lvs = pl.DataFrame(store.list_versions() or None, schema=lv_schema)
    nodes("ListVersion", lvs.select(list(R.LIST_VERSION_FIELDS)), LIST_VERSION_TYPES, "list_versions")

    relations = store.relation_frame()
    rel_cols = [pl.col("source").alias(":START_ID"), pl.col("target").alias(":END_ID"),
                *[pl.col(c) for c in R.REL_FIELDS]]
    rel_types = {":START_ID": ":START_ID(Entity)", ":END_ID": ":END_ID(Entity)", **REL_TYPES}
    for rtype, label in RELATION_LABELS.items():
        part = relations.filter(pl.col("type") == rtype).select(rel_cols)
        if part.height:
            rels(label, part, rel_types, f"rel_{label.lower()}")

    args = ["--array-delimiter=U+001F", "--delimiter=,", "--quote=\"", "--id-type=string",
            "--ignore-empty-strings=false", "--overwrite-destination=true",
            f"--report-file={folder / 'import.report'}"]
    if multiline:
        args.append("--multiline-fields=true")
    lines = [_arg(a) for a in args + node_args + rel_args]
    result.args_file.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result.seconds = time.perf_counter() - t0
    return result


def _arg(a: str) -> str:
    """One line of a picocli @-file: quoted when it holds blanks or quotes (backslashes escaped)."""
    if any(ch in a for ch in " \t\"'\\#"):
        return '"' + a.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return a


def finish_import(store) -> dict[str, int]:
    """On a Neo4j store just loaded by the import tool: give back the empty arrays the tool cannot write
    and create ownerscope's constraints and indexes. Returns how many records got each array back."""
    from .neo4j_schema import rel_type

    fixed: dict[str, int] = {}
    store._ensure_schema()
    with store._errors("finishing the import", writing=True), store._session() as s:
        for label, props in ARRAY_PROPERTIES.items():
            sets = ", ".join(f"x.{p} = coalesce(x.{p}, [])" for p in props)
            where = " OR ".join(f"x.{p} IS NULL" for p in props)
            if label in ("Entity", "Designation", "ListVersion"):
                match = f"MATCH (x:{label}) WHERE {where}"
            else:
                match = f"MATCH ()-[x:{rel_type(label)}]->() WHERE {where}"
            summary = s.run(f"{match} CALL (x) {{ SET {sets} }} IN TRANSACTIONS OF 10000 ROWS").consume()
            fixed[label] = summary.counters.properties_set // max(1, len(props))
    return fixed

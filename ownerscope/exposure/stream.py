"""Writing exposure results for `ownerscope exposure`: a streamed JSON object, JSON lines, or tables.

Verdicts (explanation and proof) are computed one at a time for the entities written and not kept, so a
result of any size is written in the memory of one verdict.
"""

from __future__ import annotations

import json
from typing import IO, Iterable

from .engine import ExposureResult
from .proof_text import holding_words


def _dumps(obj, indent: int | None = None) -> str:
    return json.dumps(obj, ensure_ascii=False, indent=indent, default=str)


def _write_object(fh: IO[str], res: ExposureResult, ids: list[str], filters: dict, pad: str) -> None:
    """One regime's object, `entities` written one verdict at a time."""
    head = {**res.json_head(), "selection": {**filters, "shown": len(ids)}}
    inner = pad + "  "
    fh.write("{\n")
    for k, v in head.items():
        fh.write(f"{inner}{_dumps(k)}: {_indented(v, inner)},\n")
    fh.write(f'{inner}"entities": [')
    for n, eid in enumerate(ids):
        fh.write(("," if n else "") + "\n" + inner + "  " + _indented(res.verdict(eid, keep=False), inner + "  "))
    fh.write(("\n" + inner if ids else "") + "]\n" + pad + "}")


def _indented(value, pad: str) -> str:
    return _dumps(value, 2).replace("\n", "\n" + pad)


def write_json(fh: IO[str], selection: list[tuple[ExposureResult, list[str]]], filters: dict) -> None:
    """One regime: the object `{regime, as_of, threshold, counts, datasets, ..., entities}` of the JSON
    contract; several: `{"as_of", "regimes": [object, ...]}`."""
    if len(selection) == 1:
        res, ids = selection[0]
        _write_object(fh, res, ids, filters, "")
        fh.write("\n")
        return
    fh.write('{\n  "as_of": ' + _dumps(selection[0][0].as_of) + ',\n  "regimes": [')
    for n, (res, ids) in enumerate(selection):
        fh.write(("," if n else "") + "\n    ")
        _write_object(fh, res, ids, filters, "    ")
        fh.flush()
    fh.write("\n  ]\n}\n")


def write_jsonl(fh: IO[str], selection: Iterable[tuple[ExposureResult, list[str]]]) -> None:
    """One entity verdict a line (each names its regime, date and data currency)."""
    for res, ids in selection:
        for eid in ids:
            fh.write(_dumps(res.verdict(eid, keep=False)) + "\n")


def print_tables(selection: list[tuple[ExposureResult, list[str]]], show_explanations: bool) -> None:
    from ..console import out, print_table

    for res, ids in selection:
        verdicts = [res.verdict(i, keep=False) for i in ids]
        print_table(f"{res.regime.name} exposure on {res.as_of} (threshold: {res.threshold.words()})",
                    ["status", "id", "name", "listed holding", "listed persons"],
                    [[v["status"], v["id"], v["name"], "" if v["status"] in ("listed", "clear")
                      else holding_words(v.get("total"), v.get("total_max")),
                      ", ".join(v.get("listed_persons", [])[:5])]
                     for v in verdicts])
        counts = res.counts()
        out.print(", ".join(f"{k} {counts[k]:,}" for k in counts), highlight=False, markup=False)
        out.print(f"data: {res.currency['words']}", highlight=False, markup=False)
        if show_explanations:
            for v in verdicts:
                out.print("")
                out.print(v["explanation"], highlight=False, markup=False)


__all__ = ["print_tables", "write_json", "write_jsonl"]

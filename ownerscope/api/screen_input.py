"""Read a counterparty file for POST /screen: JSON lines of FtM examples, a CSV with a header, or one name
a line. Each row becomes (line number, input as given, MatchQuery or the reason it cannot be screened)."""

from __future__ import annotations

import csv
import io
import json
from typing import Iterator

from ..core.matching import MatchQuery
from ..text import not_a_name
from .ftm import QueryError, parse_query

CSV_COLUMNS = {  # CSV header (lower-case, spaces and dashes as underscores) -> FtM property
    "name": "name", "alias": "alias", "birth_date": "birthDate", "birthdate": "birthDate", "dob": "birthDate",
    "country": "country", "jurisdiction": "jurisdiction", "nationality": "nationality",
    "identifier": "idNumber", "id_number": "idNumber", "registration_number": "registrationNumber",
    "lei": "leiCode", "inn": "innCode", "ogrn": "ogrnCode", "imo": "imoNumber", "tax_number": "taxNumber",
}
Row = tuple[int, dict, "MatchQuery | str"]


def _query(schema: str, props: dict) -> "MatchQuery | str":
    names = [n for k in ("name", "alias") for n in (props.get(k) or [])]
    for n in names:
        junk = not_a_name(n)
        if junk:
            return f"not screened: {junk}"
    try:
        return parse_query(schema, props)[0]
    except QueryError as e:
        return f"not screened: {e}"


def rows(text: str, content_type: str) -> Iterator[Row]:
    ctype = (content_type or "").split(";")[0].strip().lower()
    lines = text.splitlines()
    if ctype in ("application/x-ndjson", "application/jsonl", "application/json-lines", "application/json"):
        for n, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                data = json.loads(line)
                if not isinstance(data, dict):
                    raise ValueError("not a JSON object")
            except ValueError as e:
                yield n, {"line": line[:200]}, f"bad JSON: {e}"
                continue
            if "properties" in data:
                props = data.get("properties")
                if not isinstance(props, dict):
                    yield n, data, "properties must be an object"
                    continue
                yield n, data, _query(str(data.get("schema") or "LegalEntity"), props)
            else:
                yield n, data, _query(str(data.get("schema") or "LegalEntity"),
                                      {"name": [str(data.get("name") or "")]})
        return
    first = next((l for l in lines if l.strip()), "")
    header = [c.strip().lower().replace(" ", "_").replace("-", "_") for c in next(csv.reader([first]))] \
        if first else []
    if "name" in header:
        reader = csv.reader(io.StringIO(text))
        start = None
        for n, cells in enumerate(reader, 1):
            if start is None:
                if any(c.strip() for c in cells):
                    start = n
                continue
            if not any(c.strip() for c in cells):
                continue
            given = {header[i]: c for i, c in enumerate(cells) if i < len(header)}
            if len(cells) > len(header):
                yield n, given, f"{len(cells)} cells for {len(header)} columns"
                continue
            schema = (given.get("schema") or "LegalEntity").strip() or "LegalEntity"
            props: dict[str, list[str]] = {}
            for col, value in given.items():
                prop = CSV_COLUMNS.get(col)
                if prop and value.strip():
                    props.setdefault(prop, []).append(value.strip())
            if not props.get("name"):
                yield n, given, "not screened: empty"
                continue
            yield n, given, _query(schema, props)
        return
    for n, line in enumerate(lines, 1):
        if line.strip():
            yield n, {"name": line.strip()}, _query("LegalEntity", {"name": [line.strip()]})

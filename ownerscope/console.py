"""Printing for the CLI: tables, JSON and one-line errors, all in one place."""

from __future__ import annotations

import json
import sys
from typing import Any, Iterable

from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

out = Console(soft_wrap=True, emoji=False)
err = Console(stderr=True, soft_wrap=True, emoji=False)


def print_json(obj: Any) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False, indent=2, default=str) + "\n")


def print_table(title: str | None, columns: list[str], rows: Iterable[list[Any]]) -> None:
    table = Table(title=Text(title) if title else None, show_lines=False, header_style="bold")
    for c in columns:
        table.add_column(str(c), overflow="fold")
    for row in rows:
        table.add_row(*[Text("" if v is None else (json.dumps(v, ensure_ascii=False, default=str)
                                                   if isinstance(v, (dict, list)) else str(v))) for v in row])
    out.print(table)


def fail(message: str, code: int = 1) -> None:
    err.print(f"[bold red]error:[/] {escape(message)}", highlight=False, markup=True)
    raise SystemExit(code)

"""What every command shares: the store option, the output format, error handling and the core session."""

from __future__ import annotations

import functools
from contextlib import contextmanager
from enum import Enum
from typing import Iterator

from ..console import fail
from ..errors import OwnerscopeError

STORE_HELP = ("Graph store: a file path (embedded LadybugDB) or bolt://, neo4j://, neo4j+s:// (Neo4j). "
              "Default: $OWNERSCOPE_STORE, then a local embedded store.")
REGIME_HELP = "Regime: ofac, eu or uk, or a regime named in --regime-file."
REGIME_FILE_HELP = ("A TOML or JSON file defining regimes as data (threshold, comparison, authorities, "
                    "aggregation, control, dates), e.g. EU Reg. 833/2014 Art. 5aa at 'more than 50%'.")
AS_OF_HELP = "Evaluate listings and ownership in force on this date (YYYY-MM-DD). Default: today."


class Fmt(str, Enum):
    table = "table"
    json = "json"


def friendly(fn):
    """Turn ownerscope errors into one clear line on stderr and a non-zero exit, never a traceback."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except OwnerscopeError as e:
            fail(str(e))
        except KeyboardInterrupt:
            fail("interrupted", 130)

    return wrapper


@contextmanager
def core_session(url: str | None, read_only: bool = True, regimes: dict | None = None) -> Iterator:
    """A core service over the store, closed when the command is done. Read commands pass read_only=True
    (the embedded store is then opened read-only by the engine: it must exist, and several readers,
    `serve` among them, can share it)."""
    from ..core import Core
    from ..graph.store import open_store

    store = open_store(url, read_only=read_only)
    try:
        yield Core(store, regimes=regimes)
    finally:
        store.close()

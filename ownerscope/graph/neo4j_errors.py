"""Neo4j driver errors translated into ownerscope errors: one clear line, the driver error chained."""

from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

from neo4j import exceptions as nx

from ..errors import (AuthFailed, ConfigError, OwnerscopeError, QueryError, ReadOnlyViolation, StoreError,
                      StoreUnavailable)

ACCESS_MODE = "Neo.ClientError.Statement.AccessMode"
DATABASE_NOT_FOUND = "Neo.ClientError.Database.DatabaseNotFound"
TIMED_OUT = ("Neo.ClientError.Transaction.TransactionTimedOut",
             "Neo.ClientError.Transaction.TransactionTimedOutClientConfiguration",
             "Neo.TransientError.Transaction.LockClientStopped")


def one_line(text: object) -> str:
    return " ".join(str(text).split())


def message(e: Exception) -> str:
    return one_line(getattr(e, "message", None) or e)


@contextmanager
def translated(url: str, user: str, database: str, doing: str, writing: bool = False,
               user_query: bool = False, timeout_s: float | None = None) -> Iterator[None]:
    """Run a block, turning driver errors into ownerscope errors.

    `doing` names the operation for the message; `writing` adds the hint that committed batches are kept;
    `user_query` makes client errors (syntax, unknown function, write in a read transaction) QueryError or
    ReadOnlyViolation instead of StoreError.
    """
    try:
        yield
    except OwnerscopeError:
        raise
    except nx.AuthError as e:
        raise AuthFailed(f"Neo4j refused the user/password for {url} (user {user!r}; set "
                         f"OWNERSCOPE_NEO4J_USER and OWNERSCOPE_NEO4J_PASSWORD)") from e
    except (nx.ServiceUnavailable, nx.SessionExpired) as e:
        hint = ("; batches committed before this are kept: re-run the same command to complete it"
                if writing else "")
        raise StoreUnavailable(f"cannot reach Neo4j at {url} while {doing}: {message(e)}{hint}") from e
    except nx.Neo4jError as e:
        code = e.code or ""
        if code == DATABASE_NOT_FOUND:
            raise ConfigError(f"Neo4j at {url} has no database {database!r} (set OWNERSCOPE_NEO4J_DATABASE; "
                              f"Community edition has only 'neo4j')") from e
        if code.startswith("Neo.ClientError.Security."):
            raise StoreError(f"Neo4j at {url} refused {doing} for user {user!r}: {message(e)}") from e
        if user_query:
            if code == ACCESS_MODE:
                raise ReadOnlyViolation("this console is read-only: the query would write") from e
            if code in TIMED_OUT:
                raise QueryError(f"the query ran past the {timeout_s or 0:g} s limit") from e
            if code.startswith("Neo.ClientError."):
                raise QueryError(message(e)) from e
        raise StoreError(f"Neo4j at {url} failed while {doing}: {message(e)}") from e
    except nx.DriverError as e:
        raise StoreError(f"Neo4j driver error while {doing} ({url}): {message(e)}") from e

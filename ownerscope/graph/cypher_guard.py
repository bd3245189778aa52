"""The read-only console's first guard: a Cypher tokenizer and an allowlist of read clauses.

Used by both backends before a user's query reaches the engine. It is one layer of several (the embedded
store also runs console queries on a database opened read-only, inside a read-only transaction; Neo4j
checks the plan), so it is strict rather than clever: exactly one statement, only read clauses, CALL only
for a short list of harmless procedures, no namespaced functions, nothing that names a file, a URL, an
extension, a setting, a database or a transaction.

The tokenizer knows Cypher's lexical rules: '...' and "..." strings with backslash escapes (\\', \\uXXXX...),
`backtick` identifiers (`` doubles a backtick), // and /* */ comments, $parameters. A keyword inside a
string, a comment or backticks is not a keyword; a backslash or control character outside a string is
refused, so an escape cannot smuggle a quote or a keyword past the check.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from ..errors import QueryError, ReadOnlyViolation

# clauses and sub-clause words a read query may use
READ_CLAUSES = frozenset({
    "MATCH", "OPTIONAL", "WHERE", "RETURN", "WITH", "UNWIND", "ORDER", "BY", "SKIP", "LIMIT", "UNION", "CALL",
    "YIELD", "DISTINCT", "ASC", "ASCENDING", "DESC", "DESCENDING", "ALL", "AS",
})
# clause-level words of Cypher (Neo4j 5, openCypher, Kuzu/LadybugDB) that a read query never needs: refused
# wherever they appear as a keyword (not as a property, label or `quoted` name)
REFUSED_CLAUSES = {
    # writes
    "CREATE": "writes", "MERGE": "writes", "SET": "writes", "DELETE": "writes", "DETACH": "writes",
    "REMOVE": "writes", "FOREACH": "writes", "INSERT": "writes", "UPDATE": "writes", "FINISH": "is not a read",
    # schema
    "DROP": "changes the schema", "ALTER": "changes the schema",
    # host files, URLs, extensions, other databases
    "LOAD": "reads files or URLs on the host (or loads native code)", "COPY": "reads or writes files on the host",
    "EXPORT": "writes files on the host", "IMPORT": "reads files on the host",
    "ATTACH": "attaches another database", "USE": "switches the database",
    "INSTALL": "installs an extension", "UNINSTALL": "removes an extension", "EXTENSION": "loads native code",
    # transactions and administration
    "BEGIN": "controls the transaction", "COMMIT": "controls the transaction",
    "ROLLBACK": "controls the transaction", "TRANSACTION": "controls the transaction",
    "TRANSACTIONS": "controls the transaction", "CHECKPOINT": "controls the database",
    "SHOW": "is an administration command", "TERMINATE": "is an administration command",
    "GRANT": "is an administration command", "REVOKE": "is an administration command",
    "DENY": "is an administration command",
}
# words that can only start a statement: refused there (the first word must be in FIRST_WORDS)
FIRST_WORD_REASONS = {"EXPLAIN": "is not a query", "PROFILE": "runs the query with profiling",
                      "START": "is an administration command", "STOP": "is an administration command",
                      "ENABLE": "is an administration command", "RENAME": "changes the schema"}
assert not READ_CLAUSES & set(REFUSED_CLAUSES)
FIRST_WORDS = frozenset({"MATCH", "OPTIONAL", "WITH", "UNWIND", "RETURN", "CALL"})

# CALL targets allowed per backend (lower case); anything else (settings such as `CALL timeout=0`,
# dbms.*, apoc.*, table functions that read files) is refused
EMBEDDED_PROCEDURES = frozenset({"show_tables", "table_info", "show_connection", "db_version"})
NEO4J_PROCEDURES = frozenset({"db.labels", "db.relationshiptypes", "db.propertykeys", "db.schema.visualization",
                              "db.schema.nodetypeproperties", "db.schema.reltypeproperties"})


@dataclass(frozen=True)
class Token:
    kind: str   # word, quoted (backticked identifier), string, number, param, punct
    text: str
    pos: int


def _refuse_char(ch: str, pos: int) -> None:
    raise QueryError(f"the query has a character Cypher does not allow here ({ch!r} at position {pos + 1})")


def tokenize(text: str) -> list[Token]:
    """Cypher tokens, without whitespace and comments. Raises QueryError on an unterminated string,
    comment or backtick name, and on a backslash or control character outside a string."""
    out: list[Token] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch.isspace():
            i += 1
        elif text.startswith("//", i):
            j = text.find("\n", i)
            i = n if j < 0 else j + 1
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            if j < 0:
                raise QueryError("the query has an unterminated /* comment")
            i = j + 2
        elif ch in ("'", '"'):
            j = i + 1
            while True:
                if j >= n:
                    raise QueryError(f"the query has an unterminated string starting at position {i + 1}")
                c = text[j]
                if c == "\\":
                    j += 2
                    continue
                if c == ch:
                    break
                j += 1
            out.append(Token("string", text[i:j + 1], i))
            i = j + 1
        elif ch == "`":
            j = i + 1
            while True:
                k = text.find("`", j)
                if k < 0:
                    raise QueryError(f"the query has an unterminated `name` starting at position {i + 1}")
                if text.startswith("``", k):
                    j = k + 2
                    continue
                break
            out.append(Token("quoted", text[i + 1:k].replace("``", "`"), i))
            i = k + 1
        elif ch == "$":
            j = i + 1
            if j < n and text[j] == "`":
                k = text.find("`", j + 1)
                if k < 0:
                    raise QueryError("the query has an unterminated `parameter` name")
                j = k + 1
            else:
                while j < n and (text[j].isalnum() or text[j] == "_"):
                    j += 1
            out.append(Token("param", text[i:j], i))
            i = j
        elif ch.isdigit():
            j = i + 1
            while j < n and (text[j].isalnum() or text[j] in "._"):
                if text[j] == "." and (j + 1 >= n or not text[j + 1].isdigit()):
                    break
                j += 1
            out.append(Token("number", text[i:j], i))
            i = j
        elif ch.isalpha() or ch == "_":
            j = i + 1
            while j < n and (text[j].isalnum() or text[j] == "_"):
                j += 1
            out.append(Token("word", text[i:j], i))
            i = j
        elif ch == "\\" or unicodedata.category(ch)[0] == "C":
            _refuse_char(ch, i)
        else:
            out.append(Token("punct", ch, i))
            i += 1
    return out


def _keyword(tok: Token) -> str:
    # compatibility forms (full-width letters...) compare as their plain letters
    return unicodedata.normalize("NFKC", tok.text).upper()


def _statements(tokens: list[Token]) -> list[list[Token]]:
    parts: list[list[Token]] = [[]]
    for t in tokens:
        if t.kind == "punct" and t.text == ";":
            parts.append([])
        else:
            parts[-1].append(t)
    return [p for p in parts if p]


def check_read_only(cypher: str, backend: str) -> None:
    """Refuse anything but one read-only query. `backend` is "embedded" or "neo4j" (the CALL allowlist)."""
    if not cypher or not cypher.strip():
        raise QueryError("the query is empty")
    statements = _statements(tokenize(cypher))
    if not statements:
        raise QueryError("the query is empty (only comments)")
    if len(statements) > 1:
        raise ReadOnlyViolation("this console runs exactly one statement: remove the ';' between statements")
    toks = statements[0]
    procedures = EMBEDDED_PROCEDURES if backend == "embedded" else NEO4J_PROCEDURES
    first = toks[0]
    if first.kind != "word" or _keyword(first) not in FIRST_WORDS:
        word = _keyword(first) if first.kind == "word" else first.text
        reason = REFUSED_CLAUSES.get(word) or FIRST_WORD_REASONS.get(word)
        if reason:
            raise ReadOnlyViolation(f"this console is read-only: {word} {reason}")
        raise QueryError(f"not a read query: a query starts with MATCH, OPTIONAL MATCH, WITH, UNWIND, RETURN "
                         f"or CALL, not {word!r}")
    for i, t in enumerate(toks):
        if t.kind != "word":
            continue
        prev = toks[i - 1] if i else None
        nxt = toks[i + 1] if i + 1 < len(toks) else None
        if prev is not None and prev.kind == "punct" and prev.text in (".", ":", "|"):
            continue  # a property, label or relationship type name, not a keyword
        if nxt is not None and nxt.kind == "punct" and nxt.text == "." and _namespaced_call(toks, i):
            name = _dotted(toks, i)
            if not (prev is not None and prev.kind == "word" and _keyword(prev) == "CALL"):
                raise ReadOnlyViolation(f"this console does not allow the function {name}()")
        word = _keyword(t)
        if word in REFUSED_CLAUSES:
            raise ReadOnlyViolation(f"this console is read-only: {word} {REFUSED_CLAUSES[word]}")
        if word == "CALL":
            _check_call(toks, i, procedures)


def _dotted(toks: list[Token], i: int) -> str:
    parts = [toks[i].text]
    j = i + 1
    while j + 1 < len(toks) and toks[j].text == "." and toks[j + 1].kind in ("word", "quoted"):
        parts.append(toks[j + 1].text)
        j += 2
    return ".".join(parts)


def _namespaced_call(toks: list[Token], i: int) -> bool:
    j = i + 1
    while j + 1 < len(toks) and toks[j].text == "." and toks[j + 1].kind in ("word", "quoted"):
        j += 2
    return j > i + 1 and j < len(toks) and toks[j].text == "("


def _check_call(toks: list[Token], i: int, procedures: frozenset[str]) -> None:
    nxt = toks[i + 1] if i + 1 < len(toks) else None
    if nxt is None:
        raise QueryError("CALL needs a procedure")
    if nxt.kind == "punct" and nxt.text == "{":
        return  # a subquery: its own tokens are checked like the rest
    if nxt.kind == "punct" and nxt.text == "(":  # a scoped subquery: CALL (a, b) { ... }
        j = i + 2
        while j < len(toks) and toks[j].text != ")":
            j += 1
        if j + 1 < len(toks) and toks[j + 1].text == "{":
            return
        raise ReadOnlyViolation("this console is read-only: CALL (...) must be followed by a { subquery }")
    if nxt.kind not in ("word", "quoted"):
        raise ReadOnlyViolation("this console is read-only: CALL is allowed only for a subquery or a listed procedure")
    name = _dotted(toks, i + 1)
    j = i + 2 + 2 * name.count(".")
    after = toks[j] if j < len(toks) else None
    if after is not None and after.kind == "punct" and after.text == "=":
        raise ReadOnlyViolation(f"this console cannot change settings (CALL {name}=...)")
    if name.lower() not in procedures:
        allowed = ", ".join(sorted(procedures))
        raise ReadOnlyViolation(f"this console does not allow the procedure {name}; allowed: {allowed}")
    if after is None or after.text != "(":
        raise QueryError(f"CALL {name} needs its arguments in parentheses: CALL {name}()")

"""Issue 8: the read-only console, probed as an attacker would, on both backends (real LadybugDB, real Neo4j).

Every probe must be refused with one clear line, and must leave the store, the host's files and the
server's settings as they were.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from ownerscope.errors import OwnerscopeError, QueryError, ReadOnlyViolation
from ownerscope.graph.model import Entity, Relation, Source

SRC = [Source("sec-test", "r1", "https://example.org/a")]


def seed(store, n: int = 3) -> None:
    store.upsert_entities([Entity(f"e{i}", "company", f"Company {i}", sources=SRC) for i in range(n)])


def dense(store, n: int = 14) -> None:
    """A small graph where every node owns every other: variable-length paths explode combinatorially."""
    store.upsert_entities([Entity(f"d{i}", "company", f"Dense {i}", sources=SRC) for i in range(n)])
    store.upsert_relations([Relation(f"d{i}", f"d{j}", "ownership", share=1.0, sources=SRC)
                            for i in range(n) for j in range(n) if i != j])


def entity_ids(store) -> set[str]:
    frame = store.entity_frame()
    return set(frame["id"].to_list())


def refused(store, cypher: str, **kw) -> str:
    with pytest.raises(OwnerscopeError) as exc:
        store.query(cypher, timeout_s=kw.pop("timeout_s", 10), **kw)
    msg = str(exc.value)
    assert "\n" not in msg and msg, msg
    assert isinstance(exc.value, (ReadOnlyViolation, QueryError))
    return msg


WRITE_PROBES = [
    "COMMIT; CREATE (:Entity {id:'x', name:'intruder'})",
    "ROLLBACK; CREATE (:Entity {id:'x', name:'intruder'})",
    "ROLLBACK;CREATE (:Entity {id:'x', name:'intruder'});",
    "CREATE (:Entity {id:'x', name:'intruder'})",
    "MATCH (e:Entity) SET e.name = 'x'",
    "MATCH (e:Entity) DETACH DELETE e",
    "MERGE (e:Entity {id:'x'})",
    "MATCH (e:Entity) CALL { CREATE (:Entity {id:'x'}) } RETURN e",
    "MATCH (e:Entity) RETURN e /* ; */ ; CREATE (:Entity {id:'x'})",
    "RETURN '\\u0027'; CREATE (:Entity {id:'x'})",
    "MATCH (e:Entity) \\u0053ET e.name = 'x'",
    "ＣＲＥＡＴＥ (:Entity {id:'x'})",
    "BEGIN TRANSACTION; CREATE (:Entity {id:'x'}); COMMIT",
    "DROP TABLE Entity",
    "ALTER TABLE Entity ADD evil STRING",
]


@pytest.mark.parametrize("cypher", WRITE_PROBES)
def test_writes_and_transaction_control_are_refused(store, cypher):
    seed(store)
    before = entity_ids(store)
    refused(store, cypher)
    assert entity_ids(store) == before
    assert store.counts()["entities"] == {"company": 3}


def test_extensions_are_refused(store, tmp_path):
    seed(store)
    lib = tmp_path / "evil.so"
    lib.write_bytes(b"\x7fELF not really")
    for cypher in (f"COMMIT; LOAD EXTENSION '{lib}'", f"LOAD EXTENSION '{lib}'",
                   "INSTALL httpfs FROM 'http://127.0.0.1:9/'", "INSTALL json", "UNINSTALL json",
                   "LOAD json"):
        msg = refused(store, cypher)
        assert any(w in msg for w in ("extension", "native code", "one statement")), msg


def test_host_files_cannot_be_read(store):
    seed(store)
    for cypher in ("LOAD FROM '/etc/passwd' (file_format='csv', delim=':') RETURN *",
                   "LOAD FROM '/etc/passwd' RETURN *",
                   "LOAD CSV FROM 'file:///etc/passwd' AS line RETURN line",
                   "LOAD CSV WITH HEADERS FROM 'http://127.0.0.1:9/x.csv' AS line RETURN line",
                   "MATCH (e:Entity) WITH e LOAD CSV FROM 'file:///etc/passwd' AS l RETURN l",
                   "COPY Entity FROM '/etc/passwd'", "IMPORT DATABASE '/etc'",
                   "ATTACH '/etc/passwd' AS other (dbtype lbug)", "USE system MATCH (n) RETURN n"):
        msg = refused(store, cypher)
        assert "root:" not in msg


def test_host_files_cannot_be_written(store, tmp_path):
    seed(store)
    out_csv, out_dir = tmp_path / "leak.csv", tmp_path / "export"
    for cypher in (f"COPY (MATCH (e:Entity) RETURN e.id) TO '{out_csv}'",
                   f"EXPORT DATABASE '{out_dir}'", f"COPY Entity TO '{out_csv}'"):
        refused(store, cypher)
    assert not out_csv.exists() and not out_dir.exists()


def test_settings_and_procedures_outside_the_allowlist_are_refused(store):
    seed(store)
    assert "settings" in refused(store, "CALL timeout=0")
    refused(store, "CALL timeout=0; MATCH (a)-[*1..30]-(b) RETURN count(*)")
    assert "settings" in refused(store, "CALL threads = 1 RETURN 1")
    for proc in ("dbms.listConfig()", "dbms.setConfigValue('db.transaction.timeout', '0')",
                 "apoc.load.json('file:///etc/passwd')", "current_setting('timeout')", "clear_warnings()"):
        msg = refused(store, f"CALL {proc}")
        assert "does not allow" in msg, msg
    msg = refused(store, "MATCH (e:Entity) RETURN apoc.text.join([e.name], ',')")
    assert "function" in msg


def test_harmless_reads_still_work(store):
    seed(store)
    res = store.query("MATCH (e:Entity) WHERE e.name STARTS WITH 'Company' RETURN e.id AS id ORDER BY id",
                      limit=10, timeout_s=10)
    assert [r[0] for r in res.rows] == ["e0", "e1", "e2"]
    # keywords inside strings, comments and `backticks` are data, not clauses
    res = store.query("MATCH (e:Entity) // CREATE (x)\n WHERE e.name <> 'CREATE; DROP' "
                      "RETURN e.name AS `set` ORDER BY `set` LIMIT 1", timeout_s=10)
    assert res.columns == ["set"] and res.rows == [["Company 0"]]
    res = store.query("MATCH (e:Entity {id: $id}) RETURN e.name;", {"id": "e1"}, timeout_s=10)
    assert res.rows == [["Company 1"]]
    proc = "CALL show_tables() RETURN *" if store.url.endswith(".lbug") else "CALL db.labels()"
    assert store.query(proc, timeout_s=10).rows


def test_row_cap(store):
    seed(store, 30)
    res = store.query("MATCH (e:Entity) RETURN e.id", limit=7, timeout_s=10)
    assert len(res.rows) == 7 and res.truncated


def test_timeout_is_enforced_from_outside(store):
    """A query that would run for minutes is stopped at the limit; setting the timeout to 0 from inside
    the query is refused before it runs."""
    dense(store)
    t0 = time.monotonic()
    with pytest.raises(QueryError) as exc:
        store.query("MATCH p = (a:Entity)-[:OWNS*1..30]->(b:Entity) RETURN count(*)", timeout_s=2)
    elapsed = time.monotonic() - t0
    assert "limit" in str(exc.value) or "timed out" in str(exc.value) or "time" in str(exc.value)
    assert elapsed < 30, f"the 2 s limit took {elapsed:.1f} s to bite"
    # the store still answers afterwards
    assert store.search("Dense 3", limit=1)[0]["id"] == "d3"


def test_a_long_console_query_does_not_block_other_reads(store):
    """While a console query runs (until its 4 s limit), another client's search answers: it finishes
    before the console query does, many times over."""
    dense(store)
    searches_finish_first(store)


def test_console_does_not_block_reads_on_a_read_only_store(tmp_path):
    """The same on an embedded store opened read-only, as `serve` opens it (the console then still reads
    through a handle of its own: the engine's worker threads belong to a handle)."""
    from ownerscope.graph.store import open_store

    path = str(tmp_path / "served.lbug")
    w = open_store(path)
    dense(w)
    w.close()
    st = open_store(path, read_only=True)
    try:
        searches_finish_first(st)
    finally:
        st.close()


def searches_finish_first(store) -> None:
    done: dict[str, float] = {}

    def console():
        try:
            store.query("MATCH p = (a:Entity)-[:OWNS*1..30]->(b:Entity) RETURN count(*)", timeout_s=4)
        except QueryError:
            pass
        done["console"] = time.monotonic()

    t = threading.Thread(target=console)
    t.start()
    time.sleep(0.5)  # let it start
    searches = 0
    while t.is_alive() and searches < 20:
        hits = store.search("Dense 7", limit=3)
        assert hits and hits[0]["id"] == "d7"
        searches += 1
    done["searches"] = time.monotonic()
    t.join(60)
    assert searches == 20, "the searches waited for the console query"
    assert done["searches"] < done["console"]


def test_embedded_console_database_is_read_only_at_engine_level(tmp_path):
    """Even if a write got past the tokenizer, the engine refuses it: the console reads a database handle
    opened read-only (and sees writes made after it was first opened)."""
    import ladybug

    from ownerscope.graph.store import open_store

    st = open_store(str(tmp_path / "ro.lbug"))
    try:
        seed(st)
        st.query("MATCH (e:Entity) RETURN count(*)", timeout_s=5)
        conn = ladybug.Connection(st._console_database())
        with pytest.raises(RuntimeError, match="read-only"):
            conn.execute("CREATE (:Entity {id: 'x', name: 'intruder'})")
        conn.close()
        st.upsert_entities([Entity("late", "company", "Written later", sources=SRC)])
        assert st.query("MATCH (e:Entity {id: 'late'}) RETURN e.name", timeout_s=5).rows == [["Written later"]]
        assert "x" not in entity_ids(st)
    finally:
        st.close()


@pytest.mark.neo4j
def test_neo4j_plan_check_refuses_load_csv_and_unlisted_procedures(store):
    """The second Neo4j layer on its own: the plan of a LOAD CSV or a dbms procedure is refused, whatever
    the text looked like."""
    if store.url.endswith(".lbug"):
        pytest.skip("Neo4j only")
    from ownerscope.graph.neo4j import check_plan

    def plan(cypher: str) -> dict:
        with store._session() as s:
            return s.run("EXPLAIN " + cypher).consume().plan

    with pytest.raises(ReadOnlyViolation, match="LOAD CSV"):
        check_plan(plan("LOAD CSV FROM 'file:///etc/passwd' AS l RETURN l"))
    with pytest.raises(ReadOnlyViolation, match="procedure"):
        check_plan(plan("CALL dbms.components() YIELD name RETURN name"))
    check_plan(plan("CALL db.labels() YIELD label RETURN label"))
    check_plan(plan("MATCH (n:Entity) RETURN n LIMIT 1"))


def test_cli_query_probe_is_one_line_and_stores_nothing(tmp_path):
    import subprocess
    import sys

    from ownerscope.graph.store import open_store

    path = tmp_path / "cli.lbug"
    st = open_store(str(path))
    seed(st)
    st.close()
    for cypher in ("COMMIT; CREATE (:Entity {id:'x', name:'intruder'})",
                   "LOAD FROM '/etc/passwd' (file_format='csv', delim=':') RETURN *",
                   f"COPY (MATCH (e:Entity) RETURN e.id) TO '{tmp_path / 'leak.csv'}'"):
        res = subprocess.run([sys.executable, "-m", "ownerscope.cli", "query", cypher, "--store", str(path)],
                             capture_output=True, text=True, timeout=120)
        assert res.returncode != 0
        assert "Traceback" not in res.stderr and "root:" not in res.stdout
        assert len(res.stderr.strip().splitlines()) == 1, res.stderr
    assert not (tmp_path / "leak.csv").exists()
    st = open_store(str(path), read_only=True)
    try:
        assert entity_ids(st) == {"e0", "e1", "e2"}
    finally:
        st.close()


def test_read_commands_refuse_a_store_that_does_not_exist(tmp_path):
    import subprocess
    import sys

    missing = tmp_path / "typo.lbug"
    for args in (["query", "MATCH (e) RETURN e"], ["stats"], ["show", "x"]):
        res = subprocess.run([sys.executable, "-m", "ownerscope.cli", *args, "--store", str(missing)],
                             capture_output=True, text=True, timeout=120)
        assert res.returncode != 0 and "no store at" in res.stderr, res.stderr
        assert not Path(missing).exists()


def test_readers_share_an_embedded_store_and_writers_wait(tmp_path):
    """`serve` and the read commands open the store read-only and may run together; a writer is refused
    while any reader has it (the engine alone would let it write under the readers' feet), and a reader
    is refused while a writer has it."""
    from ownerscope.errors import StoreUnavailable
    from ownerscope.graph.store import open_store

    path = str(tmp_path / "shared.lbug")
    w = open_store(path)
    seed(w)
    with pytest.raises(StoreUnavailable, match="in use by another ownerscope process that writes"):
        open_store(path, read_only=True)
    w.close()
    r1, r2 = open_store(path, read_only=True), open_store(path, read_only=True)
    try:
        assert r1.counts() == r2.counts()
        with pytest.raises(StoreUnavailable, match="stop it before writing"):
            open_store(path)
    finally:
        r1.close()
        r2.close()
    w = open_store(path)  # free again once the readers are gone
    w.close()

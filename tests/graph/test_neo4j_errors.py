"""Neo4j backend: driver errors reach the user as one clear ownerscope error (a real server, no mocks)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys

import pytest

from ownerscope.errors import AuthFailed, ConfigError, QueryError, ReadOnlyViolation, StoreUnavailable
from ownerscope.graph.model import Entity, Relation

pytestmark = pytest.mark.neo4j
PASSWORD = os.environ.get("OWNERSCOPE_TEST_NEO4J_PASSWORD", "ownerscope-test")


@pytest.fixture
def url():
    u = os.environ.get("OWNERSCOPE_TEST_NEO4J_URL")
    if not u:
        if os.environ.get("CI"):
            pytest.fail("CI needs a Neo4j server: OWNERSCOPE_TEST_NEO4J_URL is not set")
        pytest.skip("no Neo4j server (run tools/neo4j/neo4j-test-server start)")
    return u


@pytest.fixture
def neo(url):
    from ownerscope.graph.neo4j import Neo4jStore

    s = Neo4jStore(url, user="neo4j", password=PASSWORD, database="neo4j")
    s.clear()
    yield s
    s.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_wrong_password(url):
    from ownerscope.graph.neo4j import Neo4jStore

    with pytest.raises(AuthFailed) as e:
        Neo4jStore(url, user="neo4j", password="not-the-password", database="neo4j")
    assert str(e.value).startswith(f"Neo4j refused the user/password for {url}")
    assert "not-the-password" not in str(e.value)


def test_unreachable_port():
    from ownerscope.graph.neo4j import Neo4jStore

    url = f"bolt://127.0.0.1:{free_port()}"
    with pytest.raises(StoreUnavailable) as e:
        Neo4jStore(url, user="neo4j", password=PASSWORD, database="neo4j")
    assert str(e.value).startswith(f"cannot reach Neo4j at {url}")
    assert "\n" not in str(e.value)


def test_missing_database(url):
    from ownerscope.graph.neo4j import Neo4jStore

    with pytest.raises(ConfigError) as e:
        Neo4jStore(url, user="neo4j", password=PASSWORD, database="nosuchdb")
    assert "'nosuchdb'" in str(e.value) and "OWNERSCOPE_NEO4J_DATABASE" in str(e.value)


def test_bad_url_scheme_part():
    from ownerscope.graph.neo4j import Neo4jStore

    with pytest.raises(ConfigError, match="notaport"):
        Neo4jStore("bolt://127.0.0.1:notaport", user="neo4j", password=PASSWORD)


def test_cli_errors_are_one_line_without_traceback(url, tmp_path):
    env = {**os.environ, "OWNERSCOPE_HOME": str(tmp_path / "home"), "OWNERSCOPE_NEO4J_PASSWORD": "wrong-one"}
    env.pop("OWNERSCOPE_STORE", None)
    res = subprocess.run([sys.executable, "-c", "from ownerscope.cli import run; run()", "stats", "--store",
                          url], env=env, capture_output=True, text=True, timeout=60)
    assert res.returncode != 0
    assert "Traceback" not in res.stderr
    lines = [ln for ln in res.stderr.splitlines() if ln.strip()]
    assert lines == [f"error: Neo4j refused the user/password for {url} (user 'neo4j'; set "
                     "OWNERSCOPE_NEO4J_USER and OWNERSCOPE_NEO4J_PASSWORD)"]


# ---------------------------------------------------------------------- read-only console
def _seed(neo):
    neo.upsert_entities([Entity("a", "company", "Alpha"), Entity("b", "company", "Beta")])
    neo.upsert_relations([Relation("a", "b", "ownership", share=51.0)])


@pytest.mark.parametrize("cypher", [
    "CREATE INDEX intruder IF NOT EXISTS FOR (n:Entity) ON (n.country)",            # schema write ('s')
    "MATCH (e:Entity {id: 'a'}) WITH e MERGE (x:Entity {id: 'a'}) RETURN e.id",       # read + write ('rw')
    "MATCH (e:Entity {id: 'a'}) REMOVE e.name RETURN e",
    "MATCH (e:Entity {id: 'a'}) CALL (e) { SET e.flag = true } RETURN e.id",
    "LOAD CSV FROM 'file:///etc/passwd' AS row CREATE (:Entity {id: row[0]})",
])
def test_query_refuses_every_kind_of_write(neo, cypher):
    _seed(neo)
    with pytest.raises(ReadOnlyViolation, match="read-only"):
        neo.query(cypher)
    assert neo.counts()["entities"] == {"company": 2}
    assert neo.get_entity("a")["name"] == "Alpha"


def test_schema_write_left_no_index(neo):
    with pytest.raises(ReadOnlyViolation):
        neo.query("CREATE INDEX intruder IF NOT EXISTS FOR (n:Entity) ON (n.country)")
    from neo4j import GraphDatabase

    with GraphDatabase.driver(neo.url, auth=("neo4j", PASSWORD)) as d:
        recs, _, _ = d.execute_query("SHOW INDEXES YIELD name RETURN name", database_="neo4j")
    assert "intruder" not in {r["name"] for r in recs}


def test_read_transaction_blocks_writes_the_planner_cannot_see(neo):
    """The second layer behind the EXPLAIN check: user queries run in the store's read sessions, where
    the server itself refuses any write, and that refusal becomes ReadOnlyViolation."""
    import neo4j

    from ownerscope.graph.neo4j_errors import translated

    _seed(neo)
    with pytest.raises(ReadOnlyViolation, match="read-only"):
        with translated(neo.url, "neo4j", "neo4j", "running the query", user_query=True), \
                neo._session(neo4j.READ_ACCESS) as s:
            s.execute_read(lambda tx: tx.run("CREATE (:Entity {id: 'sneaky'})").consume())
    assert neo.existing_ids(["sneaky"]) == set()


def test_query_values_limit_and_errors(neo):
    _seed(neo)
    res = neo.query("MATCH (a:Entity)-[r:OWNS]->(b:Entity) RETURN a, r, b.id AS b, date('2024-01-31') AS d")
    assert res.columns == ["a", "r", "b", "d"]
    a, r, b, d = res.rows[0]
    assert a["id"] == "a" and a["_LABEL"] == "Entity"
    assert r["share"] == 51.0 and r["_LABEL"] == "OWNS"
    assert (b, d) == ("b", "2024-01-31")
    res = neo.query("UNWIND range(1, 100000) AS i RETURN i", limit=3)
    assert res.rows == [[1], [2], [3]] and res.truncated
    with pytest.raises(QueryError, match="(?i)invalid input|syntax"):
        neo.query("MATCH (e:Entity RETURN e")
    with pytest.raises(QueryError):
        neo.query("RETURN $missing AS x")


def test_query_timeout(neo):
    with pytest.raises(QueryError, match="limit"):
        neo.query("UNWIND range(1, 100000000) AS i WITH i WHERE i % 7 = 99 RETURN count(i)", timeout_s=0.5)


def test_labels_are_validated_before_formatting(neo):
    _seed(neo)
    with pytest.raises(QueryError, match="unknown relation type"):
        neo.neighbours("a", types=["ownership]->() DETACH DELETE e //"])
    assert neo.counts()["entities"] == {"company": 2}

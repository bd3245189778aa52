"""Smoke check of a running Neo4j test server (see README.md).

Usage: python smoke_check.py [PORT] [PASSWORD] [full|verify-persisted]
Needs the `neo4j` Python driver. "full" creates a constraint, a full-text index and a few
:Person nodes in the default database; "verify-persisted" only checks that node
(:Person {name:'persist-me'}) from an earlier "full" run survived a stop/start.
"""
import sys, neo4j
from neo4j import GraphDatabase
from neo4j.exceptions import AuthError

port = sys.argv[1] if len(sys.argv) > 1 else "7687"; pw = sys.argv[2] if len(sys.argv) > 2 else "ownerscope-test"
phase = sys.argv[3] if len(sys.argv) > 3 else "full"
auth = ("neo4j", pw)
print("driver", neo4j.__version__)

for scheme in ("bolt", "neo4j"):
    with GraphDatabase.driver(f"{scheme}://127.0.0.1:{port}", auth=auth) as d:
        d.verify_connectivity()
        recs, summ, _ = d.execute_query("RETURN 1 AS x", database_="neo4j")
        assert recs[0]["x"] == 1
        print(scheme, "ok; server", summ.server.agent, summ.server.address)

for scheme in ("bolt", "neo4j"):
    try:
        with GraphDatabase.driver(f"{scheme}://127.0.0.1:{port}", auth=("neo4j", "wrong-password")) as d:
            d.verify_connectivity()
        raise SystemExit(f"{scheme}: wrong password accepted!")
    except AuthError as e:
        print(scheme, "wrong password -> AuthError:", e.code, "|", e.message)

with GraphDatabase.driver(f"neo4j://127.0.0.1:{port}", auth=auth) as d:
    if phase == "verify-persisted":
        recs, _, _ = d.execute_query("MATCH (p:Person {name:'persist-me'}) RETURN count(p) AS c", database_="neo4j")
        assert recs[0]["c"] == 1, recs
        print("persisted node found after restart")
        sys.exit(0)
    d.execute_query("CREATE CONSTRAINT person_name IF NOT EXISTS FOR (p:Person) REQUIRE p.name IS UNIQUE", database_="neo4j")
    d.execute_query("CREATE CONSTRAINT person_name IF NOT EXISTS FOR (p:Person) REQUIRE p.name IS UNIQUE", database_="neo4j")
    d.execute_query("CREATE FULLTEXT INDEX person_ft IF NOT EXISTS FOR (n:Person) ON EACH [n.name, n.bio]", database_="neo4j")
    d.execute_query("CREATE FULLTEXT INDEX person_ft IF NOT EXISTS FOR (n:Person) ON EACH [n.name, n.bio]", database_="neo4j")
    d.execute_query("CALL db.awaitIndexes(60)", database_="neo4j")
    _, s, _ = d.execute_query("MERGE (a:Person {name:'alice smith'}) SET a.bio='maintains the billing service' "
                              "MERGE (b:Person {name:'bob jones'}) SET b.bio='owns payments' "
                              "MERGE (p:Person {name:'persist-me'}) MERGE (a)-[:KNOWS]->(b)", database_="neo4j")
    print("write summary query_type:", s.query_type, s.counters)
    recs, _, _ = d.execute_query("MATCH (a:Person)-[:KNOWS]->(b) RETURN a.name AS a, b.name AS b", database_="neo4j")
    assert [(r["a"], r["b"]) for r in recs] == [("alice smith", "bob jones")], recs
    try:
        d.execute_query("CREATE (:Person {name:'alice smith'})", database_="neo4j")
        raise SystemExit("constraint not enforced")
    except neo4j.exceptions.ConstraintError as e:
        print("constraint enforced:", e.code)
    recs, _, _ = d.execute_query("CALL db.index.fulltext.queryNodes('person_ft', 'billing') YIELD node, score "
                                 "RETURN node.name AS name, score", database_="neo4j")
    assert [r["name"] for r in recs] == ["alice smith"], recs
    print("fulltext:", [(r["name"], round(r["score"], 3)) for r in recs])
    recs, _, _ = d.execute_query("SHOW INDEXES YIELD name, type, indexProvider RETURN name, type, indexProvider", database_="neo4j")
    print("indexes:", [tuple(r.values()) for r in recs])
    for q in ("MATCH (n:Person) RETURN n", "CREATE (n:X)", "MATCH (n:Person) SET n.x = 1 RETURN n",
              "CREATE INDEX foo IF NOT EXISTS FOR (n:Y) ON (n.z)"):
        _, s, _ = d.execute_query("EXPLAIN " + q, database_="neo4j")
        print(f"EXPLAIN {q!r}: query_type={s.query_type!r} plan={s.plan['operatorType'] if s.plan else None}")
    # read routing via neo4j://
    recs, _, _ = d.execute_query("MATCH (n:Person) RETURN count(n) AS c", database_="neo4j", routing_=neo4j.RoutingControl.READ)
    print("read-routed count:", recs[0]["c"])
    with d.session(database="system") as s:
        print("databases:", [(r["name"], r["currentStatus"]) for r in s.run("SHOW DATABASES")])
print("ALL CHECKS PASSED")

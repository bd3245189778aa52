"""`ownerscope resolve ...`: entity resolution after ingest, and the analyst's confirm / reject / undo."""

from __future__ import annotations

from typing import Optional

import typer

from ..console import err, out, print_table
from .common import STORE_HELP, core_session, friendly

app = typer.Typer(name="resolve", help="Entity resolution: merge records of one entity from several sources.",
                  no_args_is_help=True)


@app.command("run")
@friendly
def run_cmd(store: Optional[str] = typer.Option(None, "--store", help=STORE_HELP),
            threshold_merge: float = typer.Option(95, "--threshold-merge", min=0, max=100,
                                                  help="Name score (0-100) from which same-type entities "
                                                       "of different sources merge."),
            threshold_review: float = typer.Option(80, "--threshold-review", min=0, max=100,
                                                   help="Name score from which a possible_same_as link is "
                                                        "left for an analyst.")):
    """Merge entities with the same identifiers (INN, OGRN, LEI, IMO ...) or referents, and very similar
    names; leave possible_same_as links for the middle band. Decisions are logged and can be undone."""
    with core_session(store, read_only=False) as core:
        report = core.resolve_run(threshold_merge, threshold_review,
                                  on_progress=lambda msg: err.print(msg, highlight=False, markup=False))
    for m in report.merged:
        out.print(f"merged {m['drop']} into {m['keep']}: {m['reason']}", highlight=False, markup=False)
    if report.reapplied:
        out.print(f"re-applied {report.reapplied} earlier merges of re-ingested records", highlight=False, markup=False)
    out.print(f"compared {report.compared:,} entities: merged {len(report.merged):,}, left "
              f"{report.candidates:,} candidates for review (ownerscope resolve list)", highlight=False, markup=False)


@app.command("list")
@friendly
def list_cmd(store: Optional[str] = typer.Option(None, "--store", help=STORE_HELP),
             merges: bool = typer.Option(True, "--merges/--no-merges", help="Show the merges in force.")):
    """Show the candidates waiting for review and the merges in force."""
    with core_session(store, read_only=False) as core:
        cands = core.resolution_candidates()
        active = core.merges()
    print_table("candidates (resolve confirm A B / resolve reject A B)", ["a", "name", "b", "name", "why"],
                [[c["a"], c["a_name"], c["b"], c["b_name"], c["reason"]] for c in cands])
    if merges:
        print_table("merges (resolve undo ID)", ["kept", "merged", "why", "by", "at"],
                    [[m["keep"], m["drop"], m["reason"], m["by"], m["at"]] for m in active])


@app.command("confirm")
@friendly
def confirm_cmd(a: str = typer.Argument(..., help="The entity to keep."),
                b: str = typer.Argument(..., help="The entity merged into it."),
                store: Optional[str] = typer.Option(None, "--store", help=STORE_HELP)):
    """Say A and B are the same entity: merge B into A (B's id keeps finding it)."""
    with core_session(store, read_only=False) as core:
        m = core.confirm(a, b)
    out.print(f"merged {m['drop']} into {m['keep']}", highlight=False, markup=False)


@app.command("reject")
@friendly
def reject_cmd(a: str = typer.Argument(...), b: str = typer.Argument(...),
               store: Optional[str] = typer.Option(None, "--store", help=STORE_HELP)):
    """Say A and B are different entities: remove the candidate link; the pair is not proposed again."""
    with core_session(store, read_only=False) as core:
        n = core.reject(a, b)
    out.print(f"rejected {a} / {b} ({n} candidate link removed)", highlight=False, markup=False)


@app.command("undo")
@friendly
def undo_cmd(entity_id: str = typer.Argument(..., metavar="ID",
                                             help="A merged id (undo that merge) or a kept id (undo every "
                                                  "merge into it)."),
             store: Optional[str] = typer.Option(None, "--store", help=STORE_HELP)):
    """Undo a merge: the merged entity comes back with its own relations, designations and sources."""
    with core_session(store, read_only=False) as core:
        undone = core.undo(entity_id)
    for m in undone:
        out.print(f"restored {m['drop']} (was merged into {m['keep']})", highlight=False, markup=False)

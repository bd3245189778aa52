"""CLI commands of the exposure engine: `ownerscope exposure` and `ownerscope report`."""


from enum import Enum
from pathlib import Path
from typing import List, Optional

import typer

REGIME_HELP = "Regime: ofac, eu or uk, or a regime named in --regime-file."
REGIME_FILE_HELP = ("A TOML or JSON file defining regimes as data (threshold, comparison, authorities, "
                    "aggregation, control, dates), e.g. EU Reg. 833/2014 Art. 5aa at 'more than 50%'.")
AS_OF_HELP = "Evaluate listings and ownership in force on this date (YYYY-MM-DD). Default: today."


class ReportFormat(str, Enum):
    html = "html"
    pdf = "pdf"
    json = "json"
    csv = "csv"


def register(app: typer.Typer, friendly) -> None:
    from ..cli import STORE_HELP, Fmt, _store

    @app.command()
    @friendly
    def exposure(
        entity: List[str] = typer.Option([], "--entity", "-e", help="Only these entity ids (repeatable); "
                                         "default: every entity that is not clear."),
        regime: Optional[str] = typer.Option(None, "--regime", "-r", help=REGIME_HELP),
        as_of: Optional[str] = typer.Option(None, "--as-of", help=AS_OF_HELP),
        output: Fmt = typer.Option(Fmt.table, "--format", help="A table (with explanations for --entity) "
                                   "or one JSON object {regime, as_of, entities}."),
        regime_file: Optional[Path] = typer.Option(None, "--regime-file", help=REGIME_FILE_HELP),
        store: Optional[str] = typer.Option(None, "--store", help=STORE_HELP),
        explain: bool = typer.Option(False, "--explain", help="Print every explanation in table format."),
    ):
        """Which entities each regime's ownership rule catches, and why.

        Statuses: listed, derived (owned or controlled under the rule), possible (caught for some value within published share ranges or unknown shares), review (an indication such as the EU largest-minority case), exposed (listed ownership below the threshold) and clear.
        """
        from ..console import err, out, print_json, print_table
        from ..errors import NotFound
        from .engine import exposure_for_store
        from .explain import holding_words
        from .regimes import get_regime

        reg = get_regime(regime, regime_file)
        s = _store(store, read_only=True)
        try:
            ids = []
            for e in entity:
                rid = s.resolve_id(e)
                if rid is None:
                    raise NotFound(f"no entity with id {e!r}")
                ids.append(rid)
            with err.status(f"computing {reg.name} exposure..."):
                res = exposure_for_store(s, reg, as_of)
        finally:
            s.close()
        chosen = ids or None
        if output == Fmt.json:
            print_json(res.to_json(chosen))
            return
        verdicts = [res.verdict(i) for i in (chosen or res.non_clear_ids())]
        th = res.threshold
        print_table(f"{reg.name} exposure on {res.as_of} (threshold: {th.words()})",
                    ["status", "id", "name", "listed holding", "listed persons"],
                    [[v["status"], v["id"], v["name"], "" if v["status"] in ("listed", "clear")
                      else holding_words(v.get("total"), v.get("total_max")),
                      ", ".join(v.get("listed_persons", [])[:5])]
                     for v in verdicts])
        counts = res.counts()
        out.print(", ".join(f"{k} {counts[k]:,}" for k in counts), highlight=False, markup=False)
        out.print(f"data: {res.currency['words']}", highlight=False, markup=False)
        if chosen or explain:
            for v in verdicts:
                out.print("")
                out.print(v["explanation"], highlight=False, markup=False)

    @app.command()
    @friendly
    def report(
        entity: str = typer.Argument(..., metavar="ENTITY", help="The entity id to report on."),
        regime: List[str] = typer.Option([], "--regime", "-r", help=REGIME_HELP + " Repeatable; default: "
                                         "ofac, eu and uk."),
        as_of: Optional[str] = typer.Option(None, "--as-of", help=AS_OF_HELP),
        fmt: ReportFormat = typer.Option(ReportFormat.html, "--format", help="html, pdf, json or csv."),
        output: Path = typer.Option(..., "--output", "-o", help="The file to write."),
        regime_file: Optional[Path] = typer.Option(None, "--regime-file", help=REGIME_FILE_HELP),
        ubo_threshold: float = typer.Option(25.0, "--ubo-threshold", min=0.0, max=100.0,
                                            help="Effective ownership (%) from which a natural person is "
                                            "listed as an ultimate beneficial owner."),
        store: Optional[str] = typer.Option(None, "--store", help=STORE_HELP),
    ):
        """Write a report on one entity for a compliance officer.

        The verdict per regime, the proof with its sources, a picture of the ownership structure, beneficial owners, the date and the data it was computed from.
        """
        from ..console import out
        from ..errors import NotFound
        from .regimes import get_regime
        from .report import build_report, write_report

        regimes = [get_regime(r, regime_file) for r in (regime or ["ofac", "eu", "uk"])]
        s = _store(store, read_only=True)
        try:
            rid = s.resolve_id(entity)
            if rid is None:
                raise NotFound(f"no entity with id {entity!r}")
            data = build_report(s, rid, regimes, as_of, ubo_threshold=ubo_threshold)
        finally:
            s.close()
        write_report(data, fmt.value, output)
        out.print(f"wrote {fmt.value} report on {data['entity']['name']} to {output}", highlight=False,
                  markup=False)

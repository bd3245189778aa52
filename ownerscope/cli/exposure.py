"""`ownerscope exposure` and `ownerscope report`: the ownership rules' verdicts, and reports to file."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import List, Optional

import typer

from .common import AS_OF_HELP, REGIME_FILE_HELP, REGIME_HELP, STORE_HELP, core_session, friendly

app = typer.Typer()


class ExposureFormat(str, Enum):
    table = "table"
    json = "json"
    jsonl = "jsonl"


class ReportFormat(str, Enum):
    html = "html"
    pdf = "pdf"
    json = "json"
    csv = "csv"


def _regimes(names: list[str], regime_file: Path | None) -> dict:
    """The regimes named (built-in or from the file), checked before any work: one clear error for an
    unknown one."""
    from ..exposure.regimes import get_regime

    return {n: get_regime(n, regime_file) for n in names}


@app.command()
@friendly
def exposure(
    entity: List[str] = typer.Option([], "--entity", "-e", help="Only these entity ids (repeatable); "
                                     "default: every entity that is not clear."),
    regime: List[str] = typer.Option([], "--regime", "-r", help=REGIME_HELP + " Repeatable: the "
                                     "ownership graph is built once and shared by every regime."),
    as_of: Optional[str] = typer.Option(None, "--as-of", help=AS_OF_HELP),
    status: List[str] = typer.Option([], "--status", "-s", help="Only entities with this status "
                                     "(listed, derived, possible, review, exposed, clear; repeatable)."),
    limit: Optional[int] = typer.Option(None, "--limit", "-n", min=0, help="At most this many entities "
                                        "per regime, most serious first."),
    output: ExposureFormat = typer.Option(ExposureFormat.table, "--format", help="table (explanations "
                                          "with --entity or --explain); json: one object {regime, as_of, "
                                          "counts, datasets, entities} streamed, {as_of, regimes: [...]} "
                                          "for several regimes; jsonl: one entity verdict a line."),
    regime_file: Optional[Path] = typer.Option(None, "--regime-file", help=REGIME_FILE_HELP),
    store: Optional[str] = typer.Option(None, "--store", help=STORE_HELP),
    explain: bool = typer.Option(False, "--explain", help="Print every explanation in table format."),
):
    """Which entities each regime's ownership rule catches, and why.

    Statuses: listed, derived (owned or controlled under the rule), possible (caught for some value within published share ranges or unknown shares), review (an indication such as the EU largest-minority case), exposed (listed ownership below the threshold) and clear. JSON output streams: explanations are computed only for the entities written.
    """
    import sys

    from ..console import err
    from ..core import exposure_list
    from ..core.exposure_list import check_statuses
    from ..errors import InputError, NotFound
    from ..exposure.regimes import get_regime
    from ..exposure.stream import print_tables, write_json, write_jsonl

    names = list(dict.fromkeys(regime)) or [get_regime(None, regime_file).name]
    regimes = _regimes(names, regime_file)
    statuses = check_statuses(status)
    if "clear" in statuses and not entity:
        raise InputError("--status clear needs --entity: without it only entities that are not clear "
                         "are listed")
    with core_session(store, regimes=regimes) as core:
        ids = []
        for e in entity:
            rid = core.resolve(e)
            if rid is None:
                raise NotFound(f"no entity with id {e!r}")
            ids.append(rid)
        with err.status(f"computing {', '.join(names)} exposure..."):
            results = [core.exposure(n, as_of) for n in names]

    def chosen(res) -> list[str]:
        if ids:
            picked = [i for i in dict.fromkeys(ids) if not statuses or res.status_of(i) in statuses]
            return picked if limit is None else picked[:limit]
        return exposure_list.ids(res, statuses or None, limit=limit)

    selection = [(res, chosen(res)) for res in results]
    filters = {"statuses": statuses, "limit": limit, "entities": ids}
    if output == ExposureFormat.json:
        write_json(sys.stdout, selection, filters)
    elif output == ExposureFormat.jsonl:
        write_jsonl(sys.stdout, selection)
    else:
        print_tables(selection, show_explanations=bool(ids) or explain)


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
    case_ref: Optional[str] = typer.Option(None, "--case-ref", help="The case reference to print on "
                                           "every page."),
    analyst: Optional[str] = typer.Option(None, "--analyst", help="Who prepared the report."),
    reviewer: Optional[str] = typer.Option(None, "--reviewer", help="Who reviewed it."),
    decision: Optional[str] = typer.Option(None, "--decision", help="The decision taken (e.g. 'block', "
                                           "'escalate', 'no match')."),
    notes: Optional[str] = typer.Option(None, "--notes", help="The analyst's notes (text, or @FILE to "
                                        "read them from a file)."),
):
    """Write a report on one entity for a compliance officer.

    The verdict per regime, the proof with its sources, a picture of the ownership structure, beneficial owners, the date and the data it was computed from.
    """
    from ..console import out
    from ..exposure.report_render import write_report

    names = list(dict.fromkeys(regime)) or ["ofac", "eu", "uk"]
    regimes = _regimes(names, regime_file)
    text = notes
    if notes and notes.startswith("@"):
        from ..errors import InputError

        try:
            text = Path(notes[1:]).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as e:
            raise InputError(f"--notes {notes}: cannot read the file: {e}") from None
    with core_session(store, regimes=regimes) as core:
        data = core.report(entity, names, as_of, ubo_threshold=ubo_threshold,
                           case={"reference": case_ref, "analyst": analyst, "reviewer": reviewer,
                                 "decision": decision, "notes": text})
    write_report(data, fmt.value, output)
    out.print(f"wrote {fmt.value} report on {data['entity']['name']} to {output}", highlight=False,
              markup=False)

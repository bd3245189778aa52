"""Regimes as data: each ownership rule is a plain dict (or a TOML / JSON file), not code.

A regime says which designation authorities count, the threshold and its comparison (with the dates
from which it changes), whether holdings of different listed persons are aggregated, whether control
without ownership counts, how indirect ownership propagates, whether joint arrangements are pooled and
which review indications to report. See ../shared/EXPOSURE_RULES.md for the rules these encode.

Each built-in regime counts the designations of its own authority (its notes say which lists they come
from); a regime file may count others too, e.g. the UN's (`authorities = ["eu", "un"]`).

A regime file holds one regime (top-level keys as below) or several under a `regimes` table/list:

    # eu-833-5aa.toml
    name = "eu-833-5aa"
    title = "EU Reg. 833/2014 Art. 5aa (owned for more than 50%)"
    authorities = ["eu"]
    aggregate = true
    control_counts = true
    thresholds = [{ value = 50, comparison = ">" }]
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..dates import date_floor, parse_date
from ..errors import InputError

COMPARISONS = (">=", ">")
PROPAGATIONS = ("whole_stake",)  # a caught entity's whole stake counts; stakes via uncaught entities count 0


@dataclass(frozen=True)
class Threshold:
    value: float                 # percent
    comparison: str              # ">=" or ">"
    since: str | None = None     # ISO date from which this threshold applies (None: always)

    def meets(self, total: float) -> bool:
        return total >= self.value - 1e-9 if self.comparison == ">=" else total > self.value + 1e-9

    def words(self) -> str:
        return f"{self.value:g}% or more" if self.comparison == ">=" else f"more than {self.value:g}%"

    def to_dict(self) -> dict:
        return {"value": self.value, "comparison": self.comparison, "since": self.since,
                "words": self.words()}


@dataclass(frozen=True)
class Regime:
    name: str
    title: str
    authorities: tuple[str, ...]
    thresholds: tuple[Threshold, ...]
    aggregate: bool               # holdings of different listed persons are added up
    control_counts: bool          # control without ownership makes an entity owned/controlled
    joint_arrangements: bool = False  # edges in one joint_group into a target are pooled for each party
    propagation: str = "whole_stake"
    review_largest_minority: dict | None = None  # {"min_share": 25, "ratio": 2, "since": "2024-07-03"}
    notes: str = ""
    extra: dict = field(default_factory=dict)

    def threshold_on(self, as_of: str) -> Threshold:
        """The threshold in force on as_of: the latest whose `since` is on or before the date."""
        chosen = None
        for t in self.thresholds:
            if t.since is None or date_floor(t.since) <= as_of:
                if chosen is None or (t.since or "") >= (chosen.since or ""):
                    chosen = t
        if chosen is None:  # every threshold starts after as_of: use the earliest
            chosen = min(self.thresholds, key=lambda t: t.since or "")
        return chosen

    def to_dict(self) -> dict:
        return {"name": self.name, "title": self.title, "authorities": list(self.authorities),
                "thresholds": [t.to_dict() for t in self.thresholds], "aggregate": self.aggregate,
                "control_counts": self.control_counts, "joint_arrangements": self.joint_arrangements,
                "propagation": self.propagation, "review_largest_minority": self.review_largest_minority,
                "notes": self.notes}


BUILTIN: dict[str, dict[str, Any]] = {
    "ofac": {
        "title": "US OFAC 50 Percent Rule (revised guidance 2014-08-13, FAQs 398-402)",
        "authorities": ["us"],
        "thresholds": [{"value": 50, "comparison": ">="}],
        "aggregate": True,
        "control_counts": False,
        "joint_arrangements": False,
        "notes": "Aggregated across blocked persons; a blocked entity's whole stake counts; stakes held "
                 "through unblocked entities count for nothing; control alone never blocks (FAQ 398). "
                 "Counts designations by us (OFAC's SDN list, from ofac-advanced, ofac-sdn or an FtM export); "
                 "not us-nonsdn (OFAC's non-blocking sectoral and other lists) and not us-bis (export controls).",
    },
    "eu": {
        "title": "EU Regulations 269/2014 and 833/2014, Commission FAQ and Council Best Practices",
        "authorities": ["eu"],
        "thresholds": [{"value": 50, "comparison": ">"},
                       {"value": 50, "comparison": ">=", "since": "2024-07-03"}],
        "aggregate": True,
        "control_counts": True,
        "joint_arrangements": False,
        # the indication comes from the Best Practices update of 2024-07-03: not raised for earlier dates
        "review_largest_minority": {"min_share": 25, "ratio": 2, "since": "2024-07-03"},
        "notes": "More than 50% before the Best Practices update of 2024-07-03, 50% or more since; "
                 "holdings of listed persons aggregated; control counts (rebuttable presumption, reported "
                 "with its basis); the largest-minority indication is a review flag. Counts designations by "
                 "eu (the EU Financial Sanctions Files, or an FtM export); UN listings count where EU law "
                 "transposes them and a regime file says so (authorities = [\"eu\", \"un\"]).",
    },
    "uk": {
        "title": "UK SAMLA regulations, reg. 7 (owned or controlled directly or indirectly), OFSI guidance",
        "authorities": ["uk"],
        "thresholds": [{"value": 50, "comparison": ">"}],
        "aggregate": False,
        "control_counts": True,
        "joint_arrangements": True,
        "notes": "More than 50%, for each designated person separately (no aggregation across designated "
                 "persons) except joint arrangements, which are pooled also with an undesignated partner; "
                 "chains of majority stakes; control counts. Counts designations by uk (the UK Sanctions List "
                 "or OFSI's consolidated list); not uk-disqualified (director disqualifications).",
    },
}


def regime_from_dict(name: str, data: dict, origin: str = "regime") -> Regime:
    """Build and validate a regime; errors name the origin (a file) and the key."""

    def bad(msg: str) -> InputError:
        return InputError(f"{origin}: regime {name!r}: {msg}")

    def since_date(value, label: str) -> str | None:
        """An optional `since` date, as ISO; a bad one is an error naming the key."""
        if value is None:
            return None
        try:
            return parse_date(str(value))
        except ValueError as e:
            raise bad(f"{label}: {e}") from None

    if not isinstance(data, dict):
        raise bad("must be a table of settings")
    known = {"name", "title", "authorities", "thresholds", "threshold", "comparison", "aggregate",
             "control_counts", "joint_arrangements", "propagation", "review_largest_minority", "notes",
             "base"}
    unknown = sorted(set(data) - known)
    if unknown:
        raise bad(f"unknown setting(s) {', '.join(unknown)} (known: {', '.join(sorted(known))})")
    base = data.get("base")
    if base is not None:
        if base not in BUILTIN:
            raise bad(f"base {base!r} is not a built-in regime ({', '.join(BUILTIN)})")
        data = {**BUILTIN[base], **{k: v for k, v in data.items() if k != "base"}}
        if "threshold" in data:
            data.pop("thresholds", None)
    auth = data.get("authorities")
    if isinstance(auth, str):
        auth = [auth]
    if not auth or not all(isinstance(a, str) and a for a in auth):
        raise bad("`authorities` must be a non-empty list of authority codes such as \"us\"")
    raw_thresholds = data.get("thresholds")
    if raw_thresholds is None and "threshold" in data:
        raw_thresholds = [{"value": data["threshold"], "comparison": data.get("comparison", ">=")}]
    if not raw_thresholds or not isinstance(raw_thresholds, list):
        raise bad("`thresholds` must be a list of {value, comparison, since}")
    thresholds = []
    for t in raw_thresholds:
        if not isinstance(t, dict) or "value" not in t:
            raise bad(f"threshold {t!r} needs a `value`")
        try:
            value = float(t["value"])
        except (TypeError, ValueError):
            raise bad(f"threshold value {t['value']!r} is not a number") from None
        if not 0 < value <= 100:
            raise bad(f"threshold value {value:g} must be a percentage in (0, 100]")
        comp = t.get("comparison", ">=")
        if comp not in COMPARISONS:
            raise bad(f"comparison {comp!r} must be one of {', '.join(COMPARISONS)}")
        thresholds.append(Threshold(value, comp, since_date(t.get("since"), "threshold since")))
    for key in ("aggregate", "control_counts"):
        if not isinstance(data.get(key), bool):
            raise bad(f"`{key}` must be true or false")
    joint = data.get("joint_arrangements", False)
    if not isinstance(joint, bool):
        raise bad("`joint_arrangements` must be true or false")
    prop = data.get("propagation", "whole_stake")
    if prop not in PROPAGATIONS:
        raise bad(f"propagation {prop!r} must be one of {', '.join(PROPAGATIONS)}")
    review = data.get("review_largest_minority")
    if review is not None:
        if not isinstance(review, dict) or not {"min_share", "ratio"} <= set(review):
            raise bad("`review_largest_minority` must be {min_share, ratio[, since]}")
        review = {"min_share": float(review["min_share"]), "ratio": float(review["ratio"]),
                  "since": since_date(review.get("since"), "`review_largest_minority.since`")}
    return Regime(name=name, title=str(data.get("title") or name), authorities=tuple(auth),
                  thresholds=tuple(thresholds), aggregate=data["aggregate"],
                  control_counts=data["control_counts"], joint_arrangements=joint, propagation=prop,
                  review_largest_minority=review, notes=str(data.get("notes") or ""))


def builtin_regimes() -> dict[str, Regime]:
    return {name: regime_from_dict(name, data, "built-in") for name, data in BUILTIN.items()}


def load_regime_file(path: Path) -> dict[str, Regime]:
    """Regimes defined in a TOML or JSON file: one regime, or several under `regimes`."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such regime file")
    text = path.read_text(encoding="utf-8")
    try:
        if path.suffix.lower() == ".json":
            data = json.loads(text)
        else:
            data = tomllib.loads(text)
    except (ValueError, tomllib.TOMLDecodeError) as e:
        raise InputError(f"{path}: not valid {'JSON' if path.suffix.lower() == '.json' else 'TOML'}: {e}") from None
    if not isinstance(data, dict):
        raise InputError(f"{path}: a regime file must hold a table (object)")
    entries: list[tuple[str, dict]] = []
    if "regimes" in data:
        regs = data["regimes"]
        if isinstance(regs, dict):
            entries = [(k, v) for k, v in regs.items()]
        elif isinstance(regs, list):
            entries = [(str(r.get("name", "")) if isinstance(r, dict) else "", r) for r in regs]
        else:
            raise InputError(f"{path}: `regimes` must be a table or a list")
    else:
        entries = [(str(data.get("name", "")), data)]
    out: dict[str, Regime] = {}
    for name, body in entries:
        if not name:
            raise InputError(f"{path}: every regime needs a `name`")
        out[name] = regime_from_dict(name, body, str(path))
    return out


def get_regime(name: str | None, regime_file: Path | None = None) -> Regime:
    """A built-in regime by name, or one from a regime file (which may also override a built-in)."""
    regimes = builtin_regimes()
    loaded = load_regime_file(regime_file) if regime_file else {}
    regimes.update(loaded)
    if name is None:
        if len(loaded) == 1:
            return next(iter(loaded.values()))
        raise InputError("name a regime with --regime (" + ", ".join(regimes) + ")")
    if name not in regimes:
        raise InputError(f"unknown regime {name!r}: use one of {', '.join(regimes)}"
                         + ("" if regime_file else " or define it in a file given with --regime-file"))
    return regimes[name]

"""Data currency: which list versions a regime's verdicts rest on, and what is missing.

A verdict is only as good as its lists. For a regime, the list versions that count are those carrying
designations of one of its authorities; an authority with none is "not loaded", and a result that rests
on no list at all is never called clear (the UI and reports say "no EU list loaded"). Non-sanctions lists
(export controls, exclusions, disqualifications) are reported apart.
"""

from __future__ import annotations

from .. import authorities as A

DATASET_KEYS = ("id", "authority", "name", "published", "published_basis", "loaded", "sha256", "format",
                "authorities")


def _words(lv: dict) -> str:
    basis = lv.get("published_basis") or "file header"
    pub = lv.get("published") or "unknown"
    extra = "" if basis == "file header" else f" ({basis})"
    return f"{lv.get('name') or lv.get('format')} published {pub}{extra}, loaded {(lv.get('loaded') or '')[:10]}"


def currency(list_versions: list[dict], authorities) -> dict:
    """{datasets, missing, other_lists, words, as_of_data} for a regime counting `authorities`."""
    auth = list(authorities)
    used = [lv for lv in list_versions if set(lv.get("authorities") or []) & set(auth)]
    used.sort(key=lambda lv: (lv.get("authority") or "", lv.get("published") or "", lv.get("name") or ""))
    covered = {a for lv in used for a in lv.get("authorities") or []}
    missing = [a for a in auth if a not in covered]
    other = sorted({a for lv in list_versions for a in lv.get("authorities") or [] if not A.is_sanctions(a)})
    parts = [_words(lv) for lv in used]
    parts += [f"no {A.label(a)} list loaded" for a in missing]
    newest = max((lv.get("published") or "" for lv in used), default="") or None
    return {"datasets": [{k: lv.get(k) for k in DATASET_KEYS} for lv in used], "missing": missing,
            "other_lists": [{"authority": a, "label": A.label(a), "kind": A.kind(a)} for a in other],
            "words": "; ".join(parts) or "no list loaded", "data_as_of": newest,
            "no_list": not used}


def clear_words(cur: dict, regime_name: str) -> str:
    """How a `clear` verdict reads: never a bare CLEAR."""
    if cur["no_list"]:
        return f"no {', '.join(A.label(a) for a in cur['missing']) or regime_name} list loaded: not screened"
    return f"not caught in the data as of {cur['data_as_of'] or 'an unknown date'} ({cur['words']})"

"""Identifier schemes: one canonical `scheme:value` form shared by every adapter and by entity resolution.

The demo bundle writes Russian tax numbers as `ru-inn:7704274402` and state registration numbers as
`ru-ogrn:1077799030847`; FollowTheMoney calls them `innCode` / `ogrnCode`; the OFAC SDN remarks say
"Tax ID No. 7704274402 (Russia)" / "Registration ID 1077799030847 (Russia)". `canonical()` brings all of
them to the same string, so an exact identifier match finds them.
"""

from __future__ import annotations

import re
from functools import lru_cache

# scheme aliases -> canonical scheme
_SCHEMES = {
    "inn": "ru-inn", "ru-tax": "ru-inn", "ru-taxid": "ru-inn",
    "ogrn": "ru-ogrn", "ogrnip": "ru-ogrn", "ru-ogrnip": "ru-ogrn",
    "okpo": "ru-okpo", "kpp": "ru-kpp",
    "lei": "lei", "leicode": "lei",
    "imo": "imo", "imonumber": "imo",
    "swift": "swift", "bic": "swift", "swift-bic": "swift", "swiftbic": "swift",
    "duns": "duns", "uei": "us-uei", "sam-uei": "us-uei",
    "isin": "isin", "permid": "permid", "wikidata": "wikidata", "mmsi": "mmsi",
}
# schemes whose values are not unique to one entity: never used to merge
NOT_UNIQUE = {"ru-kpp", "ru-okved", "ru-okopf", "ru-oksm", "wikidata-topic"}
_DIGITS = re.compile(r"\D+")
_SPACE = re.compile(r"[\s\-./]+")
_ALNUM = re.compile(r"[^0-9A-Z]+")


def _clean_value(scheme: str, value: str) -> str:
    value = value.strip()
    if scheme in ("ru-inn", "ru-ogrn", "ru-okpo", "ru-kpp", "imo", "mmsi", "duns"):
        if scheme == "imo":
            value = re.sub(r"^\s*IMO[\s:]*", "", value, flags=re.IGNORECASE)
        digits = _DIGITS.sub("", value)
        return digits or value
    if scheme in ("lei", "swift", "isin", "us-uei"):
        return _ALNUM.sub("", value.upper())
    return _SPACE.sub("", value).upper() if scheme.endswith(("-registration", "-tax")) else value


@lru_cache(maxsize=100_000)
def canonical(ident: str) -> str:
    """`scheme:value` with the scheme lower-cased and mapped to its canonical name, the value cleaned.

    Russian registration numbers of 13 or 15 digits are OGRN / OGRNIP; a Russian tax number is an INN.
    """
    if ":" not in ident:
        return ident
    scheme, value = ident.split(":", 1)
    scheme = scheme.strip().lower().replace("_", "-")
    scheme = _SCHEMES.get(scheme, scheme)
    if scheme in ("ru-registration", "ru-reg"):
        digits = _DIGITS.sub("", value)
        if len(digits) in (13, 15) and digits == value.strip():
            scheme = "ru-ogrn"
    value = _clean_value(scheme, value)
    return f"{scheme}:{value}" if value else ""


def make(scheme: str, value: str | None) -> str | None:
    """A canonical identifier from a scheme and a raw value, or None when the value is empty."""
    if value is None or not str(value).strip():
        return None
    out = canonical(f"{scheme}:{value}")
    return out or None


def _checkers() -> dict:
    from stdnum import bic, imo, isin, lei
    from stdnum.ru import inn, ogrn

    return {"ru-inn": inn, "ru-ogrn": ogrn, "lei": lei, "imo": imo, "isin": isin, "swift": bic}


_CHECK: dict | None = None


@lru_cache(maxsize=100_000)
def valid(ident: str) -> bool | None:
    """Whether a canonical identifier passes its scheme's checksum (python-stdnum): True / False, or None
    for a scheme without one (passport and national id numbers, registration numbers ...)."""
    global _CHECK
    if _CHECK is None:
        _CHECK = _checkers()
    scheme, _, value = ident.partition(":")
    mod = _CHECK.get(scheme)
    if mod is None:
        return None
    return bool(mod.is_valid(value))


def matchable(ident: str) -> bool:
    """Whether an identifier is specific enough to merge two entities on it: not a shared code (KPP and
    the like), long enough, and not failing its checksum where the scheme has one (an invalid number is
    kept on the entity as the source gave it, but it is no evidence of identity)."""
    scheme, _, value = ident.partition(":")
    if scheme in NOT_UNIQUE or len(value) < 4:
        return False
    return valid(ident) is not False

"""The Unicode fonts reports use: DejaVu Sans (Debian fonts-dejavu-core) for Latin, Cyrillic, Greek,
Arabic and Hebrew, and a CJK fallback (Debian fonts-droid-fallback, or Noto CJK / WenQuanYi when present)
for Chinese, Japanese and Korean. scripts/test.sh and the Dockerfile install them; OWNERSCOPE_FONT_DIR adds
a folder to look in."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

FONT_DIRS = ("/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/dejavu", "/usr/share/fonts/truetype/droid",
             "/usr/share/fonts/opentype/noto", "/usr/share/fonts/truetype/noto", "/usr/share/fonts/truetype/wqy",
             "/usr/local/share/fonts", "/Library/Fonts", "C:/Windows/Fonts")
REGULAR = ("DejaVuSans.ttf",)
BOLD = ("DejaVuSans-Bold.ttf",)
CJK = ("DroidSansFallbackFull.ttf", "DroidSansFallback.ttf", "NotoSansCJK-Regular.ttc", "wqy-microhei.ttc")


def _dirs() -> list[Path]:
    extra = os.environ.get("OWNERSCOPE_FONT_DIR")
    return [Path(d) for d in ([extra] if extra else []) + list(FONT_DIRS)]


def find(names: tuple[str, ...]) -> Path | None:
    for d in _dirs():
        for n in names:
            p = d / n
            if p.is_file():
                return p
    return None


def regular() -> Path | None:
    return find(REGULAR)


def bold() -> Path | None:
    return find(BOLD) or regular()


def cjk() -> Path | None:
    return find(CJK)


@lru_cache(maxsize=8)
def coverage(path: str) -> frozenset[int]:
    """The code points a font has glyphs for (its cmap)."""
    from fontTools.ttLib import TTFont

    font = TTFont(path, fontNumber=0, lazy=True)
    return frozenset(font.getBestCmap() or {})


@lru_cache(maxsize=16)
def _pil(path: str, size: int):
    from PIL import ImageFont

    return ImageFont.truetype(path, size)


def measure(text: str, size: int = 11, heavy: bool = False) -> float:
    """The width of `text` in pixels at `size` in DejaVu Sans (bold when `heavy`); a character estimate
    when the font or Pillow is missing."""
    path = bold() if heavy else regular()
    if path is not None:
        try:
            return float(_pil(str(path), size).getlength(text))
        except (ImportError, OSError):
            pass
    return len(text) * size * (0.68 if heavy else 0.6)


__all__ = ["bold", "cjk", "coverage", "find", "measure", "regular"]

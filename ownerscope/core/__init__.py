"""The core service the faces share (see service.Core)."""

from .matching import MatchQuery, Scored
from .service import DEFAULT_REGIMES, Core

__all__ = ["Core", "DEFAULT_REGIMES", "MatchQuery", "Scored"]

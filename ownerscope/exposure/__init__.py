"""The exposure engine: regimes as data, the propagation engine, explanations, effective ownership and
reports. The core is a pure function over the store's frames:

    from ownerscope.exposure import compute_exposure, exposure_for_store, get_regime
    result = exposure_for_store(store, get_regime("ofac"), "2025-01-01")
"""

from .engine import STATUSES, ExposureResult, compute_exposure, exposure_for_store
from .regimes import Regime, builtin_regimes, get_regime, load_regime_file

__all__ = ["STATUSES", "ExposureResult", "Regime", "builtin_regimes", "compute_exposure", "exposure_for_store",
           "get_regime", "load_regime_file"]

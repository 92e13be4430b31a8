"""Result metadata and content hashes of :mod:`nldtib_forecast.results` (private).

:class:`ResultMetadata` (what a result was computed from and how) and :func:`data_hash` (a
content hash of the input data). Both are re-exported and documented by
:mod:`nldtib_forecast.results`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np
import pandas as pd

from nldtib_forecast._errors import InputError
from nldtib_forecast._version import __version__


@dataclass(frozen=True)
class ResultMetadata:
    """What a result was computed from and what its intervals include.

    Parameters
    ----------
    n_draws : int
        Monte Carlo draws per scenario.
    seed : int, tuple or None
        Entropy of the root :class:`numpy.random.SeedSequence`; passing it back as ``seed``
        reproduces the result bit for bit (same numpy version).
    method : str
        The model and method, e.g. ``"capacity scale-up, Monte Carlo"``.
    version : str
        nldtib_forecast version that computed the result.
    data_hash : str or None
        Content hash of the input data (see :func:`data_hash`).
    interval_contents : str
        What the spread of the draws includes (e.g. parameter uncertainty, firm-level shocks)
        and what it does not.
    units : mapping of str to str
        Unit of every variable (``"EUR"``, ``"fraction"``, ...).
    synthetic : bool
        Whether the input data are synthetic.
    created_by : str
        The function that made the result.
    block_size : int or None
        Draws per random-number block of the simulation engine (part of the method: results
        depend on it, not on ``n_jobs`` or the chunk size).
    baseline : str or None
        For a :meth:`ScenarioResult.difference`, the scenario subtracted.
    extra : mapping
        Model-specific metadata.

    See Also
    --------
    ScenarioResult.metadata : The metadata of a result.
    data_hash : The content hash recorded in ``data_hash``.

    Examples
    --------
    >>> meta = ResultMetadata(n_draws=500, seed=1, method="example", units={"x": "EUR"})
    >>> meta.n_draws, meta.units["x"]
    (500, 'EUR')
    """

    n_draws: int
    seed: int | tuple | None = None
    method: str = ""
    version: str = __version__
    data_hash: str | None = None
    interval_contents: str = ""
    units: Mapping[str, str] = field(default_factory=dict)
    synthetic: bool = False
    created_by: str = ""
    block_size: int | None = None
    baseline: str | None = None
    extra: Mapping[str, object] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "units", MappingProxyType(dict(self.units)))
        object.__setattr__(self, "extra", MappingProxyType(dict(self.extra)))

    def to_dict(self) -> dict[str, object]:
        """Plain dict of the fields (mappings as dicts).

        Returns
        -------
        dict
            Field name to value, in field order; ``units`` and ``extra`` as plain dicts (what
            the report's manifest and :meth:`ScenarioResult.to_frame` record).

        Examples
        --------
        >>> meta = ResultMetadata(n_draws=500, seed=1, method="example")
        >>> d = meta.to_dict()
        >>> d["n_draws"], d["seed"], d["method"]
        (500, 1, 'example')
        """
        out = {k: getattr(self, k) for k in self.__dataclass_fields__}
        out["units"], out["extra"] = dict(self.units), dict(self.extra)
        return out

    def __reduce__(self):
        return (_metadata_from_dict, (self.to_dict(),))


def _metadata_from_dict(values: dict) -> ResultMetadata:
    return ResultMetadata(**values)


def data_hash(obj: object) -> str:
    """A content hash of input data, stable across runs, processes and machines.

    DataFrames and Series are hashed through :func:`pandas.util.hash_pandas_object` (values and
    index) together with their column names, dtypes and index names; arrays through their dtype,
    shape and bytes; mappings (sorted by key), sequences and scalars recursively.

    Parameters
    ----------
    obj : object
        A DataFrame, Series, numpy array, mapping, list, tuple, str, bytes, number, bool or
        None, or a nesting of them.

    Returns
    -------
    str
        ``"sha256:<hex digest>"``.

    Raises
    ------
    nldtib_forecast.InputError
        If ``obj`` holds a value of another type.

    See Also
    --------
    ResultMetadata : Records the hash as ``data_hash``.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"year": [2024, 2025], "turnover_ds_eur": [8.0e9, 10.2e9]})
    >>> data_hash(df) == data_hash(df.copy())
    True
    >>> data_hash(df) == data_hash(df.rename(columns={"year": "jaar"}))
    False
    """
    digest = hashlib.sha256()
    _update(digest, obj)
    return "sha256:" + digest.hexdigest()


def _update(digest, obj: object) -> None:
    def put(tag: str, text: object = "") -> None:
        digest.update(f"<{tag}:{text}>".encode())

    if isinstance(obj, pd.DataFrame):
        put("DataFrame", [str(c) for c in obj.columns])
        put("dtypes", [str(t) for t in obj.dtypes])
        put("index", [str(n) for n in obj.index.names])
        digest.update(pd.util.hash_pandas_object(obj, index=True).to_numpy().astype("<u8")
                      .tobytes())
    elif isinstance(obj, pd.Series):
        put("Series", (str(obj.name), str(obj.dtype), [str(n) for n in obj.index.names]))
        digest.update(pd.util.hash_pandas_object(obj, index=True).to_numpy().astype("<u8")
                      .tobytes())
    elif isinstance(obj, np.ndarray):
        if obj.dtype.hasobject:
            _update(digest, pd.Series(obj.ravel()))
            put("shape", obj.shape)
        else:
            put("ndarray", (obj.dtype.newbyteorder("<").str, obj.shape))
            digest.update(np.ascontiguousarray(obj, dtype=obj.dtype.newbyteorder("<")).tobytes())
    elif isinstance(obj, Mapping):
        put("Mapping", len(obj))
        for key in sorted(obj, key=repr):
            _update(digest, key)
            _update(digest, obj[key])
    elif isinstance(obj, (list, tuple)):
        put(type(obj).__name__, len(obj))
        for item in obj:
            _update(digest, item)
    elif obj is None or isinstance(obj, (str, bytes, bool, int, float, np.generic)):
        put(type(obj).__name__, repr(obj.item() if isinstance(obj, np.generic) else obj))
    else:
        raise InputError(f"data_hash: cannot hash a {type(obj).__name__}; pass DataFrames, "
                         "Series, arrays, mappings, sequences or scalars")


# Functions are documented (and doctested) as part of the public module that re-exports them.
for _obj in (data_hash,):
    _obj.__module__ = "nldtib_forecast.results"
del _obj

"""The cheaper constructions of :class:`SurveyDesign` against the ones they replaced.

* The PSU summation matrix (``_psu_sum``: PSUs x rows, a 1 where the row belongs to the PSU)
  is built in CSR form directly, instead of by scipy from the (PSU, row) pairs. Every
  linearisation variance sums the weighted values of each PSU's rows through it, so the two
  must hold the same arrays (each PSU's rows in row order) and give the same sums bit for bit.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy import sparse

from nldtib_forecast.survey import SurveyDesign

SETTINGS = settings(max_examples=30, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(firms=st.lists(st.integers(0, 12), min_size=1, max_size=80),
       by_row=st.booleans(), seed=st.integers(0, 2**16))
def test_psu_sum_is_scipys_matrix_of_the_psu_row_pairs(firms, by_row, seed):
    # firm labels in any order (and repeated: a firm's years), or every row a PSU
    df = pd.DataFrame({"w": 1.0 + np.arange(len(firms)) % 3,
                       "firm": [f"f{k:02d}" for k in firms]})
    design = SurveyDesign(df, weight="w", strata=None, psu=None if by_row else "firm",
                          fpc=None, validate=False)
    n, p_code = len(df), design._p_code
    reference = sparse.csr_array((np.ones(n), (p_code, np.arange(n))),
                                 shape=(int(p_code.max()) + 1, n))
    built = design._psu_sum
    assert built.shape == reference.shape
    for name in ("indptr", "indices", "data"):
        ours, theirs = getattr(built, name), getattr(reference, name)
        assert ours.dtype == theirs.dtype
        np.testing.assert_array_equal(ours, theirs)
    rng = np.random.default_rng(seed)
    values = rng.normal(size=(n, 3)) * rng.choice([1e-9, 1.0, 1e9], size=(n, 3))
    np.testing.assert_array_equal(built @ values, reference @ values)
    np.testing.assert_array_equal(built @ values[:, 0], reference @ values[:, 0])

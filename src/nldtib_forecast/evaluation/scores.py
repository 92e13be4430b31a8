"""CRPS scores of :mod:`nldtib_forecast.evaluation` (private; import from there).

Closed forms for the normal and log-normal distributions and the exact score of an empirical
(sample) distribution. The functions are re-exported and documented by
:mod:`nldtib_forecast.evaluation`.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import stats

__all__ = ["crps_normal", "crps_lognormal", "crps_sample"]


def crps_normal(y, mu, sigma) -> np.ndarray:
    """CRPS of the normal distribution ``N(mu, sigma^2)`` at the outcome ``y``.

    Closed form (Gneiting & Raftery, 2007, eq. 21)::

        CRPS = sigma * (z (2 Phi(z) - 1) + 2 phi(z) - 1/sqrt(pi)),  z = (y - mu) / sigma

    With ``sigma = 0`` the distribution is a point mass and the CRPS is ``|y - mu|``.

    Parameters
    ----------
    y, mu, sigma : array_like
        Outcome, mean and standard deviation (broadcast together; ``sigma >= 0``).

    Returns
    -------
    numpy.ndarray
        The CRPS, in the unit of ``y`` (lower is better).

    See Also
    --------
    crps_lognormal : The CRPS of a log-normal distribution.
    crps_sample : The CRPS of an empirical distribution.

    References
    ----------
    .. [1] Gneiting, T. and Raftery, A. E. (2007). Strictly proper scoring rules, prediction,
       and estimation. *Journal of the American Statistical Association*, 102(477),
       359-378. doi:10.1198/016214506000001437

    Examples
    --------
    >>> float(crps_normal(0.0, 0.0, 1.0))  # (sqrt(2) - 1) / sqrt(pi)
    0.2336...
    >>> float(crps_normal(3.0, 1.0, 0.0))
    2.0
    """
    y, mu, sigma = np.broadcast_arrays(*(np.asarray(a, dtype="float64") for a in (y, mu, sigma)))
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (y - mu) / sigma
        out = sigma * (z * (2 * stats.norm.cdf(z) - 1) + 2 * stats.norm.pdf(z)
                       - 1 / math.sqrt(math.pi))
    return np.where(sigma == 0, np.abs(y - mu), out)


def crps_lognormal(y, mu, sigma) -> np.ndarray:
    """CRPS of the log-normal distribution (``log X ~ N(mu, sigma^2)``) at ``y > 0``.

    Closed form (Baran & Lerch, 2015)::

        CRPS = y (2 Phi(z) - 1) - 2 exp(mu + sigma^2/2) (Phi(z - sigma) + Phi(sigma/sqrt 2) - 1)

    with ``z = (log y - mu) / sigma``; ``|y - exp(mu)|`` when ``sigma = 0``.

    Parameters
    ----------
    y : array_like
        Outcome, > 0.
    mu, sigma : array_like
        Mean and standard deviation of ``log X`` (``sigma >= 0``); broadcast with ``y``.

    Returns
    -------
    numpy.ndarray
        The CRPS, in the unit of ``y`` (lower is better).

    See Also
    --------
    crps_normal : The CRPS of a normal distribution.
    crps_sample : The CRPS of an empirical distribution.

    References
    ----------
    .. [1] Baran, S. and Lerch, S. (2015). Log-normal distribution based ensemble model
       output statistics models for probabilistic wind-speed forecasting. *Quarterly Journal
       of the Royal Meteorological Society*, 141(691), 2289-2299. doi:10.1002/qj.2521

    Examples
    --------
    >>> float(crps_lognormal(2.0, 0.0, 0.0))  # point mass at exp(0) = 1
    1.0
    >>> float(crps_lognormal(1.0, 0.0, 0.5))
    0.1207...
    """
    y, mu, sigma = np.broadcast_arrays(*(np.asarray(a, dtype="float64") for a in (y, mu, sigma)))
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (np.log(y) - mu) / sigma
        out = (y * (2 * stats.norm.cdf(z) - 1) - 2 * np.exp(mu + sigma**2 / 2)
               * (stats.norm.cdf(z - sigma) + stats.norm.cdf(sigma / math.sqrt(2)) - 1))
    return np.where(sigma == 0, np.abs(y - np.exp(mu)), out)


def crps_sample(y, samples) -> np.ndarray:
    """CRPS of the empirical distribution of ``samples`` at the outcome ``y``.

    ``E|X - y| - E|X - X'| / 2`` for ``X, X'`` drawn from the ``m`` samples with replacement
    (Gneiting & Raftery, 2007, eq. 20), computed exactly in ``O(m log m)`` from the sorted
    samples. It converges to the CRPS of the sampled distribution as ``m`` grows (bias of
    order ``1/m``).

    Parameters
    ----------
    y : array_like
        Outcomes, shape ``(k,)`` (or a scalar).
    samples : array_like
        Samples, shape ``(m, k)`` (or ``(m,)`` for a scalar ``y``).

    Returns
    -------
    numpy.ndarray
        The CRPS of every outcome, shape ``(k,)`` (0-d for a scalar ``y``), in the unit of
        ``y`` (lower is better).

    See Also
    --------
    crps_normal : The closed form for a normal distribution.
    crps_lognormal : The closed form for a log-normal distribution.

    References
    ----------
    .. [1] Gneiting, T. and Raftery, A. E. (2007). Strictly proper scoring rules, prediction,
       and estimation. *Journal of the American Statistical Association*, 102(477),
       359-378. doi:10.1198/016214506000001437

    Examples
    --------
    >>> float(crps_sample(0.5, [0.0, 1.0]))  # mean |x - y| = 0.5, mean |x - x'| / 2 = 0.25
    0.25
    """
    x = np.sort(np.asarray(samples, dtype="float64"), axis=0)
    y = np.asarray(y, dtype="float64")
    m = x.shape[0]
    weights = (2 * np.arange(1, m + 1) - m - 1).reshape((m,) + (1,) * (x.ndim - 1))
    return np.abs(x - y).mean(axis=0) - (weights * x).sum(axis=0) / m**2


# Documented (and doctested) as part of the public module that re-exports them.
for _func in (crps_normal, crps_lognormal, crps_sample):
    _func.__module__ = "nldtib_forecast.evaluation"
del _func

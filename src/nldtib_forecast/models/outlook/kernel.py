"""The outlook's model function for the simulation engine (private).

One call evaluates, for one block of draws and every scenario: the capacity model's kernel
(:class:`~nldtib_forecast.models.capacity.CapacitySimulation`, from
:meth:`CapacityModel.kernel <nldtib_forecast.models.capacity.CapacityModel.kernel>`), the
trade model's projection kernel (:class:`~nldtib_forecast.models.trade.TradeKernel`, from
:meth:`ExportShareModel.kernel <nldtib_forecast.models.trade.ExportShareModel.kernel>`), and
the outlook's own price, volume, allocation and labour equations. The equations are in
:doc:`/methodology/outlook`.

Random numbers. The capacity part draws first from ``ctx.rng``, exactly as
:meth:`CapacityModel.simulate` does, so with the same seed and block size the outlook's
``uplift`` equals the capacity model's bit for bit. The trade part and the outlook's own
draws use two children of the block's seed sequence (``ctx.rng.spawn(2)``): independent
streams that depend only on the seed and the block, so results stay bit-identical for any
``n_jobs``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np

from nldtib_forecast.models.capacity.assumptions import CapacitySimulation
from nldtib_forecast.models.trade.export_share import TradeKernel

if TYPE_CHECKING:  # pragma: no cover
    from nldtib_forecast.simulation import SimulationContext

__all__ = ["OUTPUT_UNITS", "OutlookKernel"]

#: Output variables and their units, in output order.
OUTPUT_UNITS: dict[str, str] = {
    "demand_domestic_eur": "EUR",
    "demand_export_eur": "EUR",
    "demand_eur": "EUR",
    "uplift": "fraction",
    "capacity_eur": "EUR",
    "turnover_real_eur": "EUR",
    "utilisation": "fraction",
    "unmet_demand_eur": "EUR",
    "price_index": "index",
    "turnover_nominal_eur": "EUR",
    "exports_eur": "EUR",
    "domestic_eur": "EUR",
    "export_share": "fraction",
    "fte_required": "FTE",
    "growth_nominal": "fraction per year",
    "growth_price": "fraction per year",
    "growth_volume": "fraction per year",
    "growth_interaction": "fraction per year",
}


@dataclass(frozen=True)
class OutlookKernel:
    """``model(ctx) -> {variable: (S, n, T)}``; ``ctx.years`` start at the base year.

    The base year (index 0) is needed by the trade kernel (observed levels, level drivers
    relative to the base year); it is dropped from the result by the caller.
    """

    capacity: CapacitySimulation
    capacity_drivers: tuple[str, ...]
    trade: TradeKernel
    segment_base: np.ndarray  # (C,) base-year D&S turnover per segment (EUR), sums to B
    segment_columns: tuple[int, ...]  # uplift column per segment (0 = aggregate)
    base_total: float  # base-year D&S turnover (EUR) = base-year realised volume
    pass_through: tuple[float, float]  # (mean, sd) of the pass-through prior
    pass_through_fixed: bool
    productivity_base: float  # base-year D&S turnover per D&S FTE (EUR)

    def __call__(self, ctx: SimulationContext) -> dict[str, np.ndarray]:
        S, n = ctx.n_scenarios, ctx.n
        # -- capacity: ctx.rng first, on the years after the base year ----------------------
        sub = replace(ctx, years=ctx.years[1:],
                      drivers={d: ctx.drivers[d][:, 1:] for d in self.capacity_drivers})
        cap_out, params = self.capacity.run(sub)
        trade_rng, own_rng = ctx.rng.spawn(2)
        # -- demand (nominal) from the trade kernel, base year included ----------------------
        tr = self.trade(replace(ctx, rng=trade_rng))
        dom_nom = tr["domestic_eur"][..., 1:]
        exp_nom = tr["exports_eur"][..., 1:]
        T = dom_nom.shape[-1]
        # -- parameters of the outlook -------------------------------------------------------
        mean, sd = self.pass_through
        if self.pass_through_fixed:
            beta = np.full((1, 1, 1), mean)
        else:
            beta = np.maximum(mean + sd * own_rng.standard_normal(n), 0.0).reshape(1, n, 1)
        g_prod = params["productivity_growth"]  # (1, n or 1, 1): the capacity model's draw
        # -- capacity by segment -------------------------------------------------------------
        ups = [cap_out["uplift"] if c == 0 else cap_out[self.capacity.labels[c]]
               for c in self.segment_columns]
        uplift_seg = np.stack([np.broadcast_to(u, (S, n, T)) for u in ups], axis=-1)
        b_seg = self.segment_base
        capacity = (uplift_seg + 1.0) @ b_seg  # (S, n, T)
        # -- prices, volumes: a loop over years only (the markup uses last year's pressure) --
        cost = ctx.driver("cost_inflation")[..., 1:]
        markup = ctx.driver("capacity_pressure_markup")[..., 1:]
        price = np.empty((S, n, T))
        volume = np.empty((S, n, T))
        demand = np.empty((S, n, T))
        p_prev = np.ones((S, n))
        excess_prev = np.zeros((S, n))
        share = b_seg / self.base_total
        for t in range(T):
            p_t = p_prev * (1.0 + beta[..., 0] * cost[..., t] + markup[..., t] * excess_prev)
            d_t = (dom_nom[..., t] + exp_nom[..., t]) / p_t
            # segment s gets demand share_s * d_t and delivers min(demand_s, capacity_s)
            seg_dem = d_t[..., None] * share
            v_t = np.minimum(seg_dem, b_seg * (1.0 + uplift_seg[..., t, :])).sum(-1)
            volume[..., t] = np.minimum(np.minimum(v_t, d_t), capacity[..., t])  # rounding
            excess_prev = np.maximum(d_t / capacity[..., t] - 1.0, 0.0)
            price[..., t], demand[..., t], p_prev = p_t, d_t, p_t
        dom_dem, exp_dem = dom_nom / price, exp_nom / price
        # -- allocation of a shortage between domestic and export customers -----------------
        prio = ctx.driver("domestic_priority")[..., 1:]
        served = np.divide(volume, demand, out=np.ones_like(volume), where=demand > 0)
        dom_real = (1.0 - prio) * dom_dem * served + prio * np.minimum(dom_dem, volume)
        exp_real = volume - dom_real
        # -- labour, growth --------------------------------------------------------------------
        h = np.arange(1, T + 1, dtype=float)
        productivity = self.productivity_base * (1.0 + g_prod) ** h
        prev_p = np.concatenate([np.ones((S, n, 1)), price[..., :-1]], axis=-1)
        prev_v = np.concatenate([np.full((S, n, 1), self.base_total), volume[..., :-1]], -1)
        g_p, g_v = price / prev_p - 1.0, volume / prev_v - 1.0
        nominal = price * volume
        out = {
            "demand_domestic_eur": dom_dem, "demand_export_eur": exp_dem, "demand_eur": demand,
            "uplift": cap_out["uplift"], "capacity_eur": capacity,
            "turnover_real_eur": volume, "utilisation": volume / capacity,
            "unmet_demand_eur": demand - volume, "price_index": price,
            "turnover_nominal_eur": nominal, "exports_eur": price * exp_real,
            "domestic_eur": price * dom_real,
            "export_share": np.divide(exp_real, volume, out=np.zeros_like(volume),
                                      where=volume > 0),
            "fte_required": volume / productivity,
            "growth_nominal": nominal / (prev_p * prev_v) - 1.0, "growth_price": g_p,
            "growth_volume": g_v, "growth_interaction": g_p * g_v,
        }
        # the engine's years include the base year: observed values there (dropped later)
        b, x_b = self.base_total, float(tr["exports_eur"][0, 0, 0])
        at_base = {"demand_domestic_eur": b - x_b, "demand_export_eur": x_b, "demand_eur": b,
                   "capacity_eur": float(b_seg.sum()), "turnover_real_eur": b,
                   "utilisation": b / float(b_seg.sum()), "price_index": 1.0,
                   "turnover_nominal_eur": b, "exports_eur": x_b, "domestic_eur": b - x_b,
                   "export_share": x_b / b, "fte_required": b / self.productivity_base}
        return {k: np.concatenate([np.full((S, n, 1), at_base.get(k, 0.0)),
                                   np.broadcast_to(v, (S, n, T))], axis=-1)
                for k, v in out.items()}

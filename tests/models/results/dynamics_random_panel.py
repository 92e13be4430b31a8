"""Write dynamics_random_panel.csv: a random firm panel with entry, exit and gaps.

Run from this folder: ``python dynamics_random_panel.py``. The panel is the input of the
dfvad cross-check (dynamics_dfvad_reference.R); the first firm is present in every period
(dfvad's ``dynamics`` assumes that the first firm in sort order is present at the start of
each transition).
"""

import numpy as np
import pandas as pd


def make_panel() -> pd.DataFrame:
    rng = np.random.default_rng(20260521)
    n_firms, years = 60, np.arange(2019, 2023)
    present = rng.random((n_firms, years.size)) < 0.75
    present[0] = True
    fi, ti = np.nonzero(present)
    k = len(fi)
    tfp = np.round(np.exp(rng.normal(0.0, 0.4, k)), 6)
    weight = np.round(np.exp(rng.normal(3.0, 1.0, k)), 4)
    panel = pd.DataFrame({"firm": [f"G{i + 1:03d}" for i in fi], "period": years[ti],
                          "tfp": tfp, "weight": weight})
    return panel.sort_values(["period", "firm"]).reset_index(drop=True)


if __name__ == "__main__":
    make_panel().to_csv("dynamics_random_panel.csv", index=False)

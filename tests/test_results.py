"""Tests of nldtib_forecast.results (simulation.results): ScenarioResult statistics,
differences, plots, export."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import pickle  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from nldtib_forecast import InputError  # noqa: E402
from nldtib_forecast.simulation.results import (  # noqa: E402
    DEFAULT_QUANTILES,
    ResultMetadata,
    ScenarioResult,
    data_hash,
)

SCENARIOS = ["current_conditions", "improved_conditions", "labour_squeeze"]
YEARS = [2026, 2027, 2028, 2029]


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def arrays():
    rng = np.random.default_rng(7)
    common = rng.normal(0, 0.05, (1, 200, 4)).cumsum(axis=2)  # common random numbers
    level = np.array([1.0, 1.3, 0.9])[:, None, None]
    return {"capacity_index": level + common,
            "turnover_ds_eur": 10.2e9 * (level + common) * 1.01,
            "utilisation": np.clip(0.8 + common * level, 0, 1)}


@pytest.fixture(scope="module")
def result(arrays):
    meta = ResultMetadata(n_draws=200, seed=123, method="test model", data_hash="sha256:ab",
                          interval_contents="firm-level shocks; not model error",
                          units={"turnover_ds_eur": "EUR", "utilisation": "fraction"},
                          synthetic=True, created_by="tests", block_size=50)
    return ScenarioResult(arrays, SCENARIOS, YEARS, meta)


def test_constructor_validates_its_input(arrays):
    good = arrays["capacity_index"]
    cases = [
        (dict(draws={"x": good[0]}), "shape"),
        (dict(draws={"x": good}, scenarios=SCENARIOS[:2]), "shape"),
        (dict(draws={"x": good}, scenarios=["a", "a", "b"]), "unique"),
        (dict(draws={"x": good}, years=[2026, 2028, 2027, 2029]), "strictly increasing"),
        (dict(draws={"x": good}, years=[2026.0, 2027, 2028, 2029]), "int years"),
        (dict(draws={"x": good, "y": good[:, :10]}), "differ in n_draws"),
        (dict(draws={}), "non-empty mapping"),
        (dict(draws={"x": good}, metadata=ResultMetadata(n_draws=5)), "n_draws=200"),
    ]
    for kwargs, match in cases:
        args = dict(scenarios=SCENARIOS, years=YEARS) | kwargs
        with pytest.raises(InputError, match=match):
            ScenarioResult(**args)


def test_result_is_read_only(arrays, result):
    with pytest.raises(AttributeError):
        result.metadata = None
    arr = result.array("capacity_index")
    assert not arr.flags.writeable
    with pytest.raises(ValueError):
        arr[0, 0, 0] = 1.0
    source = arrays["capacity_index"].copy()
    r = ScenarioResult({"x": source}, SCENARIOS, YEARS)
    source[:] = 0.0  # the result holds its own copy
    assert r.array("x").any()
    with pytest.raises(TypeError):
        result.metadata.units["x"] = "EUR"
    back = pickle.loads(pickle.dumps(result))
    assert back.equals(result) and not back.array("utilisation").flags.writeable


def test_to_frame_is_tidy_with_mean_and_quantiles(arrays, result):
    frame = result.to_frame()
    assert list(frame.columns) == ["scenario", "year", "variable", "unit", "statistic",
                                   "value"]
    stats = ["mean", "std"] + [f"q{q:g}" for q in DEFAULT_QUANTILES]
    assert list(pd.unique(frame["statistic"])) == stats
    assert len(frame) == len(SCENARIOS) * len(YEARS) * 3 * len(stats)
    assert frame.attrs["metadata"]["seed"] == 123
    row = frame.set_index(["scenario", "year", "variable", "statistic"])["value"]
    a = arrays["turnover_ds_eur"]
    close = lambda x, y: np.testing.assert_allclose(x, y, rtol=1e-14)  # noqa: E731
    close(row[("improved_conditions", 2028, "turnover_ds_eur", "mean")], a[1, :, 2].mean())
    close(row[("labour_squeeze", 2029, "turnover_ds_eur", "q0.975")],
          np.quantile(a[2, :, 3], 0.975))
    close(row[("current_conditions", 2026, "turnover_ds_eur", "std")], a[0, :, 0].std(ddof=1))
    assert set(result.to_frame(quantiles=[]).statistic) == {"mean", "std"}
    with pytest.raises(InputError, match="quantiles"):
        result.to_frame(quantiles=[1.5])


def test_quantiles_and_summary_frame(arrays, result):
    q = result.quantiles([0.05, 0.5], variable="capacity_index")
    assert q.index.names == ["scenario", "variable", "year"]
    assert list(q.columns) == [0.05, 0.5] and q.columns.name == "quantile"
    expected = np.quantile(arrays["capacity_index"][1, :, 3], 0.05)
    assert q.loc[("improved_conditions", "capacity_index", 2029), 0.05] == expected
    assert len(result.quantiles(0.5)) == len(SCENARIOS) * 3 * len(YEARS)
    with pytest.raises(InputError, match="'q'"):
        result.quantiles(2)
    with pytest.raises(InputError, match="did you mean 'capacity_index'"):
        result.quantiles(0.5, variable="capacity_indx")
    sf = result.summary_frame("utilisation", level=0.8, scenario="labour_squeeze", year=2027)
    assert list(sf.columns) == ["mean", "std", "median", "lower", "upper"]
    assert sf.index.tolist() == [("labour_squeeze", 2027)]
    vals = arrays["utilisation"][2, :, 1]
    np.testing.assert_array_equal(sf.iloc[0][["lower", "median", "upper"]].to_numpy(),
                                  np.quantile(vals, [0.1, 0.5, 0.9]))
    with pytest.raises(InputError, match="level"):
        result.summary_frame("utilisation", level=95)


def test_draws_long_and_wide(arrays, result):
    long = result.draws()
    assert list(long.columns) == ["scenario", "draw", "year", "variable", "value"]
    assert len(long) == 3 * 200 * 4 * 3
    one = result.draws("capacity_index", "improved_conditions")
    pick = one[(one.draw == 17) & (one.year == 2028)]["value"]
    assert pick.tolist() == [arrays["capacity_index"][1, 17, 2]]
    wide = result.draws("capacity_index", wide=True)
    assert wide.index.names == ["scenario", "draw"] and list(wide.columns) == YEARS
    assert wide.loc[("labour_squeeze", 3), 2026] == arrays["capacity_index"][2, 3, 0]
    with pytest.raises(InputError, match="exactly one variable"):
        result.draws(wide=True)


def test_select_subsets(result):
    sub = result.select(["labour_squeeze"], "utilisation", [2027, 2029])
    assert sub.scenarios == ("labour_squeeze",) and sub.variables == ("utilisation",)
    assert list(sub.years) == [2027, 2029]
    assert sub.metadata == result.metadata
    with pytest.raises(InputError, match="not in the result"):
        result.select(years=[2040])


def test_difference_is_draw_by_draw_and_zero_with_itself(arrays, result):
    diff = result.difference()
    assert diff.scenarios == ("improved_conditions", "labour_squeeze")
    assert diff.metadata.baseline == "current_conditions"
    assert "common random numbers" in diff.metadata.interval_contents
    a = arrays["capacity_index"]
    np.testing.assert_array_equal(diff.array("capacity_index"), a[1:] - a[:1])
    # with the common random numbers of the fixture, the difference has no spread
    np.testing.assert_allclose(diff.summary_frame("capacity_index")["std"], 0.0, atol=1e-12)
    self_diff = result.difference(SCENARIOS, base="labour_squeeze")
    assert np.all(self_diff.array("turnover_ds_eur")[2] == 0.0)  # exactly zero
    for v in result.variables:
        assert np.all(result.difference("improved_conditions", "improved_conditions")
                      .array(v) == 0.0)
    with pytest.raises(InputError, match="did you mean 'current_conditions'"):
        result.difference(base="current_condition")
    assert "difference from Current conditions" in diff.plot("capacity_index").get_title()


def test_summary_and_html(result):
    text = result.summary()
    for word in ("test model", "seed 123", "200 draws", "firm-level shocks", "sha256:ab",
                 "SYNTHETIC", "Median and 90% interval in 2029", "EUR", "%"):
        assert word in text, word
    assert "utilisation (fraction)" in text
    assert str(result) == text
    assert "2027" in result.summary(year=2027)
    with pytest.raises(InputError, match="not in the result"):
        result.summary(year=2040)
    html = result._repr_html_()
    assert html.startswith("<p>") and "<table" in html and "test model" in html
    assert repr(result) == ("<ScenarioResult: 3 scenarios x 200 draws x 4 years (2026-2029); "
                            "variables: capacity_index, turnover_ds_eur, utilisation>")


def test_fan_chart_has_three_bands_per_scenario_and_a_median(result):
    ax = result.plot("utilisation", scenarios=["current_conditions", "labour_squeeze"])
    gids = [c.get_gid() for c in ax.collections]
    assert sorted(g for g in gids if g.endswith("current_conditions")) == [
        "band-50-current_conditions", "band-80-current_conditions",
        "band-95-current_conditions"]
    assert sum(g.startswith("band-") for g in gids) == 6
    medians = {ln.get_gid(): ln for ln in ax.get_lines()}
    q = result.quantiles(0.5, "utilisation", "labour_squeeze")[0.5].to_numpy()
    np.testing.assert_array_equal(medians["median-labour_squeeze"].get_ydata(), q)
    assert ax.yaxis.get_major_formatter()(0.8, 0) == "80%"
    assert "synthetic" in ax.get_title()
    fig, own = plt.subplots()
    assert result.plot("turnover_ds_eur", ax=own) is own
    assert own.get_ylabel() == "EUR bn"
    assert own.get_legend() is not None
    _, bare = plt.subplots()
    result.plot("turnover_ds_eur", ax=bare, legend=False)  # a panel of a larger chart
    assert bare.get_legend() is None and len(bare.collections) == len(own.collections)
    with pytest.raises(InputError, match="levels"):
        result.plot("utilisation", levels=[95])


def test_to_xarray_error_when_absent(result, monkeypatch):
    monkeypatch.setitem(sys.modules, "xarray", None)  # import xarray now raises ImportError
    with pytest.raises(ImportError, match=r"needs the optional package xarray.*pip install"):
        result.to_xarray()


def test_to_xarray_when_installed_or_clear_error(arrays, result):
    try:
        import xarray  # noqa: F401
    except ImportError:
        with pytest.raises(ImportError, match="pip install xarray"):
            result.to_xarray()
        return
    ds = result.to_xarray()
    assert ds["capacity_index"].dims == ("scenario", "draw", "year")
    np.testing.assert_array_equal(ds["utilisation"].values, arrays["utilisation"])
    assert ds["turnover_ds_eur"].attrs["units"] == "EUR"
    assert ds.attrs["method"] == "test model"


def test_metadata_defaults_and_dict():
    meta = ResultMetadata(n_draws=10)
    assert meta.version and meta.seed is None and meta.baseline is None
    d = meta.to_dict()
    assert d["n_draws"] == 10 and d["units"] == {} and isinstance(d["extra"], dict)
    assert pickle.loads(pickle.dumps(meta)) == meta


# --- data_hash ------------------------------------------------------------------------------
FRAME = pd.DataFrame({"year": [2023, 2024, 2025], "turnover_ds_eur": [7.7e9, 8.0e9, 10.2e9],
                      "source": ["B24", "L26", "L26"]})


def test_data_hash_detects_changes_and_ignores_copies():
    h = data_hash(FRAME)
    assert h.startswith("sha256:") and len(h) == 7 + 64
    assert data_hash(FRAME.copy()) == h
    changed = FRAME.copy()
    changed.loc[2, "turnover_ds_eur"] = 10.3e9
    assert data_hash(changed) != h
    assert data_hash(FRAME.rename(columns={"year": "jaar"})) != h
    assert data_hash(FRAME.astype({"year": "float64"})) != h
    assert data_hash(FRAME.set_index("year")) != h
    assert data_hash(FRAME["turnover_ds_eur"]) != data_hash(FRAME[["turnover_ds_eur"]])
    arr = np.arange(6.0).reshape(2, 3)
    assert data_hash(arr) == data_hash(arr.copy()) != data_hash(arr.T)
    assert data_hash({"a": FRAME, "b": 1}) == data_hash({"b": 1, "a": FRAME.copy()})
    assert data_hash([1, 2]) != data_hash((1, 2)) != data_hash([2, 1])
    with pytest.raises(InputError, match="cannot hash"):
        data_hash(object())


def test_data_hash_is_stable_across_processes():
    code = ("import pandas as pd; from nldtib_forecast.simulation.results import data_hash; "
            "print(data_hash(pd.DataFrame({'year': [2023, 2024, 2025], "
            "'turnover_ds_eur': [7.7e9, 8.0e9, 10.2e9], 'source': ['B24', 'L26', 'L26']})))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, env={"PYTHONHASHSEED": "12345", "PATH": ""})
    assert out.stdout.strip() == data_hash(FRAME)

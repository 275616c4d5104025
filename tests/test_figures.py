"""Figures: one colour per method in every figure, readable low bit-rate panels."""
import matplotlib

matplotlib.use("Agg")
import matplotlib.colors as mcolors  # noqa: E402
import pandas as pd  # noqa: E402
from fsrstudy.report import figures, style

METHODS = ["lr", "fsrgan", "fsrgan_db", "ridge", "srcnn", "new_method"]


def _legend_colours(fig) -> dict[str, str]:
    out = {}
    for ax in fig.axes:
        legend = ax.get_legend()
        for line, text in zip(legend.get_lines() if legend else [],
                              legend.get_texts() if legend else []):
            out.setdefault(text.get_text(), set()).add(mcolors.to_hex(line.get_color()))
    return out


def test_a_method_has_one_colour_in_every_figure():
    distance = pd.DataFrame([{"dataset": "d", "backbone": "b", "method": m, "factor": f,
                              "mean_distance": 0.1 * i + f / 100, "variance": 0.01, "n": 5}
                             for i, m in enumerate(METHODS) for f in (4, 16)])
    # another method order and an extra method in the other table
    retrieval = pd.DataFrame([{"dataset": "d", "protocol": "p", "backbone": "b", "method": m,
                               "factor": f, "mAP": 0.5, "n_queries": 3}
                              for m in ["vdsr"] + METHODS[::-1] for f in (4, 16)])
    seen = {}
    for fig in (figures.distance_vs_factor(distance), figures.map_vs_factor(retrieval)):
        for method, colours in _legend_colours(fig).items():
            seen.setdefault(method, set()).update(colours)
    for method in METHODS[:-1] + ["vdsr"]:
        assert seen[method] == {style.METHODS[method][0]}, method
    assert len(seen["new_method"]) == 1  # an unknown method still gets one colour
    assert len({c for m in METHODS for c in seen[m]}) == len(METHODS)


def test_map_vs_bits_has_a_panel_per_factor_and_one_legend():
    rows = [{"dataset": "d", "protocol": "p", "backbone": "b", "method": "hr", "factor": 1,
             "quality": q, "bits": 8000.0 * q, "mAP": 0.9, "n_queries": 3} for q in (25, 75)]
    rows += [{"dataset": "d", "protocol": "p", "backbone": "b", "method": m, "factor": f,
              "quality": q, "bits": 800.0 * q / f, "mAP": 0.5, "n_queries": 3}
             for m in ("lr", "fsrgan", "matched") for f in (4, 16) for q in (25, 75)]
    fig = figures.map_vs_bits(pd.DataFrame(rows))
    assert [ax.get_title() for ax in fig.axes] == ["d p / b, 1/4", "d p / b, 1/16"]
    assert len(fig.legends) == 1
    labels = [t.get_text() for t in fig.legends[0].get_texts()]
    assert labels == ["hr", "lr", "matched", "fsrgan"]  # the study's order
    # the x axis is in kbit: 8000 bits x 25 = 200 kbit for the HR JPEG at quality 25
    hr_line = [line for line in fig.axes[0].get_lines() if line.get_label() == "hr"][0]
    assert list(hr_line.get_xdata()) == [200.0, 600.0]


def test_distance_legend_says_n_where_methods_were_measured_on_different_images():
    rows = [{"dataset": "d", "backbone": "b", "method": m, "factor": f, "mean_distance": 0.5,
             "variance": 0.01, "n": n} for m, n in (("lr", 270), ("srcnn", 54))
            for f in (4, 16)]
    fig = figures.distance_vs_factor(pd.DataFrame(rows))
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert labels == ["lr (n=270)", "srcnn (n=54)"]
    same = pd.DataFrame(rows).assign(n=54)
    labels = [t.get_text() for t in
              figures.distance_vs_factor(same).axes[0].get_legend().get_texts()]
    assert labels == ["lr", "srcnn"]


def test_focal_figure_sets_a_diverged_run_apart():
    rows = [{"variant": v, "seed": seed, "backbone": "b", "factor": f, "dataset": "d",
             "protocol": "p", "mean_distance": 0.3 + 0.01 * seed, "mAP": 0.8,
             "n_queries": 5}
            for v in ("r2", "adversarial_only") for seed in (0, 1, 2) for f in (4, 16)]
    table = pd.DataFrame(rows)
    blown = (table.variant == "adversarial_only") & (table.seed == 1) & (table.factor == 16)
    table.loc[blown, "mean_distance"] = 54.0
    diverged = figures.diverged_runs(table)
    # the whole run is set apart, at every factor, and nothing else
    assert set(map(tuple, table.loc[diverged, ["variant", "seed"]].values)) == {
        ("adversarial_only", 1)}
    assert diverged.sum() == 2
    fig = figures.focal_exponent(table)
    assert "adversarial_only seed 1 (distance up to 54)" in fig._suptitle.get_text()
    top = fig.axes[0].get_ylim()[1]
    assert top < 1.0  # the axis is scaled to the runs that trained


def test_front_page_states_findings_read_from_the_tables(tmp_path):
    from fsrstudy.report import front_page

    tables = tmp_path / "run" / "tables"
    tables.mkdir(parents=True)
    pd.DataFrame([
        {"dataset": "d", "backbone": "b", "method": m, "factor": f, "mean_distance": v,
         "variance": 0.0, "n": n}
        for m, f, v, n in (("lr", 4, 0.3, 10), ("lr", 16, 0.7, 10), ("fsrgan", 16, 0.6, 10),
                           ("ridge_db", 16, 0.5, 6), ("hr_same_group", 1, 0.62, 10))
    ]).to_csv(tables / "distance.csv", index=False)
    # four queries each: ridge_db's APs differ from matched's by +-0.24 (not told apart
    # by a paired bootstrap of four queries) and from lr's by 0.26 for every query
    aps = {"hr": [0.9] * 4, "lr": [0.5] * 4, "matched": [0.8] * 4,
           "ridge_db": [0.52, 1.0, 0.52, 1.0]}
    per_query = pd.DataFrame([{"dataset": "d", "protocol": "p", "backbone": "b",
                               "method": m, "factor": 1 if m == "hr" else 16,
                               "query": f"q{i}", "AP": ap}
                              for m, values in aps.items() for i, ap in enumerate(values)])
    per_query.to_csv(tables / "retrieval_per_query.csv", index=False)
    retrieval = per_query.groupby(["dataset", "protocol", "backbone", "method", "factor"],
                                  as_index=False)["AP"].mean().rename(columns={"AP": "mAP"})
    retrieval.assign(mAP_low=retrieval["mAP"] - 0.1, mAP_high=retrieval["mAP"] + 0.1,
                     n_queries=4).to_csv(tables / "retrieval.csv", index=False)
    text = front_page.render(tables, "run", seed=7)
    assert "run ``run``, seed 7" in text
    assert ("LR features drift from HR as the ratio grows (mean distance 0.300 at 1/4 to "
            "0.700 at 1/16; two HR images of one scene: 0.620). At 1/16 the closest to HR "
            "is ``ridge_db`` (0.500, n = 6).") in text
    assert ("1/16: ``ridge_db`` 0.760 [0.660, 0.860] (95% of matched; vs ``lr``: ridge_db "
            "above lr; vs ``matched``: not distinguishable)") in text
    assert "Where to look" in text


def test_every_caption_says_what_to_look_at_and_every_figure_is_drawn_by_its_name():
    for name, figure in figures.FIGURES.items():
        assert "Look for:" in figure.caption, name
        assert callable(getattr(figures, name)), name


def test_tables_write_factors_as_the_figures_do():
    table = pd.DataFrame({"method": ["a", "a", "b"], "factor": [1, 4, 64],
                          "psnr": [1.0, 2.0, 3.0]})
    wide = style.by_ratio(table.pivot_table(index="method", columns="factor", values="psnr"))
    assert list(wide.columns) == ["HR", "1/4", "1/64"]
    both = style.by_ratio(table.pivot_table(index="method", columns="factor",
                                            values=["psnr"]))
    assert list(both.columns) == [("psnr", "HR"), ("psnr", "1/4"), ("psnr", "1/64")]
    assert figures.factor_label(16) == "1/16"

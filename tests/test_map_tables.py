"""mAP with its interval as the docs and the README show it, read from a retrieval
table; the README's results table is such a block, written from a run."""
import re
import sys
from pathlib import Path

import pandas as pd
from fsrstudy.report import map_tables

ROOT = Path(__file__).resolve().parents[1]
COLUMNS = ["dataset", "protocol", "backbone", "method", "factor", "mAP", "mAP_low",
           "mAP_high", "n_queries"]
CELL = r"(\d\.\d{3}) \[(\d\.\d{3}), (\d\.\d{3})\]"


def test_one_block_per_protocol_and_backbone_with_cells_by_hand():
    rows = [("d", "p", "gem", "hr", 1, 0.9, 0.8, 0.95, 10),
            ("d", "p", "gem", "lr", 16, 0.41234, 0.3, 0.5, 10),
            ("d", "p", "gem", "lr", 4, 0.6, 0.5, 0.7, 10),
            ("d", "p", "gem", "fsrgan", 4, 0.65, 0.55, 0.75, 10),
            ("d", "p", "mac", "lr", 4, 0.5, 0.4, 0.6, 10)]
    blocks = map_tables.map_with_intervals(pd.DataFrame(rows, columns=COLUMNS))
    assert list(blocks) == [("d", "p", "gem"), ("d", "p", "mac")]
    gem = blocks[("d", "p", "gem")]
    assert list(gem.index) == ["hr", "lr", "fsrgan"]  # the table's order
    assert list(gem.columns) == ["HR", "1/4", "1/16"]  # factors in order, not as text
    assert gem.loc["lr", "1/16"] == "0.412 [0.300, 0.500]"
    assert gem.loc["hr", "1/4"] == "" and gem.loc["fsrgan", "1/16"] == ""
    assert gem.attrs["n_queries"] == 10


def test_the_readme_results_table_is_a_written_block():
    sys.path.insert(0, str(ROOT / "scripts"))
    import readme_tables

    text = (ROOT / "README.md").read_text()
    block = text.split(readme_tables.BEGIN)[1].split(readme_tables.END)[0]
    assert "commit" in block and "cores" in block  # where and from what it was made
    rows = [line for line in block.splitlines() if line.startswith("| ")][1:]
    methods = {row.split("|")[1].strip() for row in rows}
    assert {"hr", "lr", "fsrgan", "fsrgan_db", "matched"} <= methods
    for row in rows:
        for low_ok in re.findall(CELL, row):
            value, low, high = map(float, low_ok)
            assert low <= value <= high
    assert readme_tables.replace_block(text, readme_tables.BEGIN + "x" + readme_tables.END) \
        .count("x" + readme_tables.END) == 1

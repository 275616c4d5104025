"""The golden comparison: float noise passes, a real change of any cell fails."""
import numpy as np
import pandas as pd
from fsrstudy.report import golden


def table(**changes):
    frame = pd.DataFrame({"method": ["lr", "fsrgan"], "factor": [4, 16],
                          "mAP": [0.5, 0.25], "psnr": [30.0, np.nan]})
    for column, (row, value) in changes.items():
        frame.loc[row, column] = value
    return frame


def test_float_noise_is_the_same_table():
    assert golden.table_differences("t", table(mAP=(0, 0.5 + 3e-5)), table()) == []
    # PSNR in dB: relative tolerance 1e-4 of 30 dB, plus 1e-3
    assert golden.table_differences("t", table(psnr=(0, 30.0035)), table()) == []
    assert golden.table_differences("t", table(), table()) == []  # NaN equals NaN


def test_a_moved_number_a_renamed_method_or_a_lost_row_is_named():
    found = golden.table_differences("t", table(psnr=(0, 30.01)), table())
    assert found == ["t row 0 psnr: 30.01 against recorded 30.0 "
                     "(tolerance 0.001 + 0.0001 x |recorded|)"]
    found = golden.table_differences("t", table(method=(0, "ridge")), table())
    assert found == ["t row 0 method: 'ridge' against recorded 'lr'"]
    assert golden.table_differences("t", table(factor=(1, 9)), table())  # integers exact
    assert golden.table_differences("t", table().iloc[:1], table()) == [
        "t: 1 rows against 2 recorded"]
    assert golden.table_differences("t", table(psnr=(1, 28.0)), table())  # NaN became a value


def test_a_run_compared_with_its_own_record_agrees_and_a_changed_file_does_not(tmp_path):
    run = tmp_path / "run"
    (run / "tables").mkdir(parents=True)
    (run / "manifest.csv").write_text("image_id\na\n")
    (run / "ground_truth.json").write_text("{}\n")
    table().to_csv(run / "tables/retrieval.csv", index=False)
    pd.DataFrame({"stage": ["x"], "seconds": [1.0]}).to_csv(run / "tables/stage_cost.csv")
    golden.record(run, tmp_path / "golden", {"commit": "abc"})
    assert not (tmp_path / "golden/tables/stage_cost.csv").exists()  # timings: not kept
    assert golden.differences(run, tmp_path / "golden") == []
    (run / "manifest.csv").write_text("image_id\nb\n")
    table(mAP=(0, 0.6), psnr=(0, 31.0)).to_csv(run / "tables/retrieval.csv", index=False)
    (run / "tables/focal.csv").write_text("a\n1\n")
    found = golden.differences(run, tmp_path / "golden")
    assert found[0].startswith("tables/focal.csv: not recorded")
    assert "manifest.csv: differs from the recorded file (compared exactly)" in found
    assert any(f.startswith("tables/retrieval.csv row 0 psnr: 31.0") for f in found)


def test_one_near_tie_ordered_the_other_way_passes_a_changed_ranking_does_not():
    rows = 40
    recorded = pd.DataFrame({"method": ["lr"] * rows, "mAP": np.linspace(0.2, 0.8, rows)})
    flipped = recorded.assign(mAP=recorded["mAP"].where(recorded.index != 3, 0.3))
    assert golden.table_differences("t", flipped, recorded) == []  # 1 row of 40
    moved = recorded.assign(mAP=recorded["mAP"] + 0.01 * (recorded.index % 2))
    assert len(golden.table_differences("t", moved, recorded, limit=100)) == rows // 2

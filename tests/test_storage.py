"""The file contract: one name per array or model, and a Declared folder that lets a
stage name only the files its rule declares."""
import os

import pytest
from fsrstudy import run_files


def test_plain_folders_give_the_documented_names(tmp_path):
    assert run_files.feature_path(tmp_path, "b", "lr", 4) == tmp_path / "b" / "lr_f4.npy"
    assert run_files.stack_path(str(tmp_path), 1) == tmp_path / "f1.npy"
    assert run_files.fsr_model_path(tmp_path, "ridge_db", "b") == tmp_path / "ridge_db_b.pt"
    assert run_files.isr_model_path(tmp_path, "srcnn", 9) == tmp_path / "srcnn_f9.pt"
    assert run_files.isr_model_path(tmp_path, "vdsr", 9) == tmp_path / "vdsr.pt"
    assert run_files.pool4_path(tmp_path, 16) == tmp_path / "pool4" / "lr_f16.npy"
    assert run_files.ids_path(tmp_path) == tmp_path / "ids.txt"


def test_a_declared_folder_names_its_files_and_refuses_others(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    # as a rule passes it, in JSON: a relative folder, its files relative or absolute
    folder = {"folder": "run/features",
              "files": ["run/features/b/hr_f1.npy",
                        os.path.abspath("run/features/b/lr_f4.npy"),
                        "run/features/meta.json"]}
    assert run_files.feature_path(folder, "b", "hr", 1) == run_files.feature_path(
        "run/features", "b", "hr", 1)
    assert run_files.feature_path(folder, "b", "lr", 4).name == "lr_f4.npy"
    assert run_files.meta_path(folder).name == "meta.json"
    with pytest.raises(run_files.UndeclaredFileError, match=r"lr_f16\.npy.*3 files"):
        run_files.feature_path(folder, "b", "lr", 16)
    with pytest.raises(run_files.UndeclaredFileError, match="ids.txt"):
        run_files.ids_path(folder)
    # loading goes through the same names
    with pytest.raises(run_files.UndeclaredFileError):
        run_files.load_features(folder, "other_backbone", "hr", 1)

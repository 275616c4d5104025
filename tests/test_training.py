"""Training lowers the focal distance and is reproducible under a fixed seed."""
import numpy as np
from fsrstudy.models import fsrgan_training


def _toy_pairs(n=64, dim=32, seed=0):
    """Unit-norm 'HR features' and noisy, shrunk 'LR features' of them."""
    rng = np.random.default_rng(seed)
    hr = rng.normal(size=(n, dim))
    hr = (hr / np.linalg.norm(hr, axis=1, keepdims=True)).astype(np.float32)
    lr = {4: (0.8 * hr + 0.1 * rng.normal(size=hr.shape)).astype(np.float32)}
    return fsrgan_training.make_pairs(lr, hr, np.arange(n))


def test_make_pairs_mixes_every_factor():
    hr = np.arange(12, dtype=np.float32).reshape(4, 3)
    lr = {4: hr + 100, 9: hr + 200}
    x, y, factor = fsrgan_training.make_pairs(lr, hr, np.array([1, 3]))
    assert x.shape == (4, 3) and factor.tolist() == [4, 4, 9, 9]
    np.testing.assert_array_equal(y, hr[[1, 3, 1, 3]])
    np.testing.assert_array_equal(x[2], hr[1] + 200)


def test_training_lowers_the_distance():
    x, y, _ = _toy_pairs()
    cfg = fsrgan_training.FSRGANConfig(epochs=30, batch_size=16, lr=3e-4, seed=3)
    _, _, log = fsrgan_training.train(x, y, cfg)
    first, last = log["distance"].iloc[:3].mean(), log["distance"].iloc[-3:].mean()
    assert last < 0.5 * first


def test_training_is_reproducible_under_a_seed():
    x, y, _ = _toy_pairs()
    cfg = fsrgan_training.FSRGANConfig(epochs=2, batch_size=16, seed=5)
    _, _, log_a = fsrgan_training.train(x, y, cfg)
    _, _, log_b = fsrgan_training.train(x, y, cfg)
    np.testing.assert_allclose(log_a["distance"], log_b["distance"], rtol=1e-5)


def test_checkpoint_round_trip(tmp_path):
    x, y, _ = _toy_pairs(n=32)
    cfg = fsrgan_training.FSRGANConfig(epochs=1, batch_size=16)
    gen, critic, _ = fsrgan_training.train(x, y, cfg)
    path = tmp_path / "g.pt"
    fsrgan_training.save_checkpoint(path, gen, critic, cfg, {"backbone": "toy"})
    again = fsrgan_training.load_generator(path)
    np.testing.assert_allclose(fsrgan_training.apply(gen, x), fsrgan_training.apply(again, x),
                               rtol=1e-6)


def test_distance_only_training_leaves_the_critic_untouched():
    x, y, _ = _toy_pairs(n=32)
    cfg = fsrgan_training.FSRGANConfig(epochs=1, batch_size=16, adversarial_weight=0.0, seed=1)
    fsrgan_training.seed_everything(cfg.seed)  # the critic train() builds starts from these
    fsrgan_training.fsrgan.Generator(x.shape[1], cfg.keep_prob, cfg.leaky_slope, cfg.residual)
    untouched = fsrgan_training.fsrgan.Critic(x.shape[1], cfg.leaky_slope).state_dict()
    _, critic, log = fsrgan_training.train(x, y, cfg)
    for name, value in critic.state_dict().items():
        np.testing.assert_array_equal(value.numpy(), untouched[name].numpy())
    assert log["loss_critic"].isna().all() and (log["adversarial"] == 0).all()


def test_a_checkpoint_stands_in_only_for_the_same_training(tmp_path):
    x, y, _ = _toy_pairs(n=32)
    cfg = fsrgan_training.FSRGANConfig(epochs=1, batch_size=16, seed=2)
    gen, critic, _ = fsrgan_training.train(x, y, cfg)
    path = tmp_path / "g.pt"
    fsrgan_training.save_checkpoint(path, gen, critic, cfg, {
        "backbone": "toy", "factors": [4], "training_data": "train_split",
        "n_pairs": len(x)})
    assert fsrgan_training.same_training(path, cfg, "toy", [4], "train_split", len(x))
    other_seed = fsrgan_training.FSRGANConfig(epochs=1, batch_size=16, seed=3)
    assert not fsrgan_training.same_training(path, other_seed, "toy", [4], "train_split", len(x))
    assert not fsrgan_training.same_training(path, cfg, "toy", [4, 9], "train_split", len(x))
    assert not fsrgan_training.same_training(path, cfg, "toy", [4], "database", len(x))
    assert not fsrgan_training.same_training(tmp_path / "none.pt", cfg, "toy", [4],
                                      "train_split", len(x))


def test_side_by_side_trainings_equal_one_after_the_other():
    """Two single-thread worker processes give the same generators, bit for bit, as the
    same trainings run in this process: the worker count cannot change a table."""
    import torch
    from fsrstudy.models import parallel
    from fsrstudy.stages import focal

    x, y, _ = _toy_pairs(n=32)
    tasks = [(x, y, fsrgan_training.FSRGANConfig(epochs=1, batch_size=16, seed=s)) for s in (0, 1)]
    threads = torch.get_num_threads()
    in_process = parallel.map_single_threaded(focal._train, tasks, workers=1)
    assert torch.get_num_threads() == threads  # restored
    side_by_side = parallel.map_single_threaded(focal._train, tasks, workers=2)
    for a, b in zip(in_process, side_by_side):
        assert a.state_dict().keys() == b.state_dict().keys()
        for key, value in a.state_dict().items():
            assert torch.equal(value, b.state_dict()[key]), key
    # the two seeds differ: the comparison above is not between equal models
    assert not torch.equal(in_process[0].out.bias, in_process[1].out.bias) or \
        not torch.equal(in_process[0].lift.weight, in_process[1].lift.weight)


def test_the_focal_ablation_reuses_each_checkpoint_trained_exactly_as_one_of_its_runs(
        tmp_path):
    """The seed spread's FSR-GANs are the focal ablation's r = 2 runs: reused, not
    trained again, but only when config, seed, backbone, factors and pairs all agree."""
    import torch
    from fsrstudy.stages import focal

    x, y, _ = _toy_pairs(n=32)
    base = fsrgan_training.FSRGANConfig(epochs=1, batch_size=16)
    configs = {run: focal.variant_config(base, *run) for run in [("r2", 0), ("r2", 1),
                                                                 ("r1", 1)]}
    paths = []
    for seed in (0, 1):
        gen, critic, _ = fsrgan_training.train(x, y, configs["r2", seed])
        paths.append(tmp_path / f"seed{seed}.pt")
        fsrgan_training.save_checkpoint(paths[-1], gen, critic, configs["r2", seed], {
            "backbone": "b", "factors": [4], "training_data": "train_split",
            "n_pairs": len(x)})
    found = focal.reusable(paths, configs, backbone="b", factors=[4], n_pairs=len(x))
    assert set(found) == {("r2", 0), ("r2", 1)}
    assert torch.equal(found["r2", 1].lift.weight,
                       fsrgan_training.load_generator(paths[1]).lift.weight)
    assert not torch.equal(found["r2", 0].lift.weight, found["r2", 1].lift.weight)
    assert set(focal.reusable(str(paths[0]), configs, backbone="b", factors=[4],
                              n_pairs=len(x))) == {("r2", 0)}
    for other in [dict(backbone="c", factors=[4], n_pairs=len(x)),
                  dict(backbone="b", factors=[4, 9], n_pairs=len(x)),
                  dict(backbone="b", factors=[4], n_pairs=len(x) + 1)]:
        assert focal.reusable(paths, configs, **other) == {}
    assert focal.reusable(None, configs, backbone="b", factors=[4], n_pairs=len(x)) == {}


def test_factor_aware_training_learns_per_factor_corrections_and_reloads(tmp_path):
    """The same LR features, whose HR feature lies +1 away at factor 4 and -1 away at
    factor 16: told the factor, FSR-GAN learns both corrections; the mixed generator
    cannot tell the rows apart and stays near the middle. A reloaded checkpoint computes
    the same features for every factor."""
    import dataclasses

    rng = np.random.default_rng(0)
    z = rng.normal(size=(64, 16)).astype(np.float32)
    x, y = np.concatenate([z, z]), np.concatenate([z + 1, z - 1])
    factors = np.repeat([4, 16], 64)
    cfg = fsrgan_training.FSRGANConfig(epochs=20, batch_size=32, lr=1e-3, residual=True,
                                adversarial_weight=0.0, keep_prob=1.0, seed=0)
    aware, critic, _ = fsrgan_training.train(x, y, dataclasses.replace(cfg, factor_aware=True),
                                      factors=factors)
    mixed, _, _ = fsrgan_training.train(x, y, cfg)

    def error(gen, f, **kw):
        target = z + (1 if f == 4 else -1)
        return float(np.linalg.norm(fsrgan_training.apply(gen, z, **kw) - target, axis=1).mean())
    for f in (4, 16):
        # the mixed generator's best is the middle, 4 away (sqrt(16) x 1)
        assert error(mixed, f) > 3.0 and error(aware, f, factor=f) < 1.0
    fsrgan_training.save_checkpoint(tmp_path / "fa.pt", aware, critic, cfg, {"backbone": "b"})
    again = fsrgan_training.load_generator(tmp_path / "fa.pt")
    assert again.factors == [4, 16]
    for f in (4, 16):
        np.testing.assert_array_equal(fsrgan_training.apply(again, z, factor=f),
                                      fsrgan_training.apply(aware, z, factor=f))


def test_seeding_switches_torch_to_deterministic_kernels_with_warnings_only():
    import torch

    before = (torch.are_deterministic_algorithms_enabled(),
              torch.is_deterministic_algorithms_warn_only_enabled())
    try:
        torch.use_deterministic_algorithms(False)
        fsrgan_training.seed_everything(3)
        assert torch.are_deterministic_algorithms_enabled()
        assert torch.is_deterministic_algorithms_warn_only_enabled()
        first = torch.randint(0, 10**9, (4,)), np.random.randint(0, 10**9, 4)
        fsrgan_training.seed_everything(3)
        again = torch.randint(0, 10**9, (4,)), np.random.randint(0, 10**9, 4)
        assert torch.equal(first[0], again[0]) and np.array_equal(first[1], again[1])
    finally:
        torch.use_deterministic_algorithms(before[0], warn_only=before[1])

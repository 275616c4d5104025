"""Training lowers the focal distance and is reproducible under a fixed seed."""
import numpy as np

from fsrstudy import training


def _toy_pairs(n=64, dim=32, seed=0):
    """Unit-norm 'HR features' and noisy, shrunk 'LR features' of them."""
    rng = np.random.default_rng(seed)
    hr = rng.normal(size=(n, dim))
    hr = (hr / np.linalg.norm(hr, axis=1, keepdims=True)).astype(np.float32)
    lr = {4: (0.8 * hr + 0.1 * rng.normal(size=hr.shape)).astype(np.float32)}
    return training.make_pairs(lr, hr, np.arange(n))


def test_make_pairs_mixes_every_factor():
    hr = np.arange(12, dtype=np.float32).reshape(4, 3)
    lr = {4: hr + 100, 9: hr + 200}
    x, y, factor = training.make_pairs(lr, hr, np.array([1, 3]))
    assert x.shape == (4, 3) and factor.tolist() == [4, 4, 9, 9]
    np.testing.assert_array_equal(y, hr[[1, 3, 1, 3]])
    np.testing.assert_array_equal(x[2], hr[1] + 200)


def test_training_lowers_the_distance():
    x, y, _ = _toy_pairs()
    cfg = training.FSRGANConfig(epochs=30, batch_size=16, lr=3e-4, seed=3)
    _, _, log = training.train(x, y, cfg)
    first, last = log["distance"].iloc[:3].mean(), log["distance"].iloc[-3:].mean()
    assert last < 0.5 * first


def test_training_is_reproducible_under_a_seed():
    x, y, _ = _toy_pairs()
    cfg = training.FSRGANConfig(epochs=2, batch_size=16, seed=5)
    _, _, log_a = training.train(x, y, cfg)
    _, _, log_b = training.train(x, y, cfg)
    np.testing.assert_allclose(log_a["distance"], log_b["distance"], rtol=1e-5)


def test_checkpoint_round_trip(tmp_path):
    x, y, _ = _toy_pairs(n=32)
    cfg = training.FSRGANConfig(epochs=1, batch_size=16)
    gen, critic, _ = training.train(x, y, cfg)
    path = tmp_path / "g.pt"
    training.save_checkpoint(path, gen, critic, cfg, {"backbone": "toy"})
    again = training.load_generator(path)
    np.testing.assert_allclose(training.apply(gen, x), training.apply(again, x), rtol=1e-6)


def test_distance_only_training_leaves_the_critic_untouched():
    x, y, _ = _toy_pairs(n=32)
    cfg = training.FSRGANConfig(epochs=1, batch_size=16, adversarial_weight=0.0, seed=1)
    training.seed_everything(cfg.seed)  # the critic train() builds starts from these
    training.fsrgan.Generator(x.shape[1], cfg.keep_prob, cfg.leaky_slope, cfg.residual)
    untouched = training.fsrgan.Critic(x.shape[1], cfg.leaky_slope).state_dict()
    _, critic, log = training.train(x, y, cfg)
    for name, value in critic.state_dict().items():
        np.testing.assert_array_equal(value.numpy(), untouched[name].numpy())
    assert log["loss_critic"].isna().all() and (log["adversarial"] == 0).all()


def test_a_checkpoint_stands_in_only_for_the_same_training(tmp_path):
    x, y, _ = _toy_pairs(n=32)
    cfg = training.FSRGANConfig(epochs=1, batch_size=16, seed=2)
    gen, critic, _ = training.train(x, y, cfg)
    path = tmp_path / "g.pt"
    training.save_checkpoint(path, gen, critic, cfg, {
        "backbone": "toy", "factors": [4], "training_data": "train_split",
        "n_pairs": len(x)})
    assert training.same_training(path, cfg, "toy", [4], "train_split", len(x))
    other_seed = training.FSRGANConfig(epochs=1, batch_size=16, seed=3)
    assert not training.same_training(path, other_seed, "toy", [4], "train_split", len(x))
    assert not training.same_training(path, cfg, "toy", [4, 9], "train_split", len(x))
    assert not training.same_training(path, cfg, "toy", [4], "database", len(x))
    assert not training.same_training(tmp_path / "none.pt", cfg, "toy", [4],
                                      "train_split", len(x))

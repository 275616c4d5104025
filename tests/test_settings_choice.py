"""FSR-GAN's settings are chosen on held-back units of its fitting rows: whole units
held out, the evaluation images never read, the better candidate chosen."""
import numpy as np
from fsrstudy.models import fsrgan_training
from fsrstudy.stages import settings_choice


def test_the_grid_names_every_combination():
    base = fsrgan_training.FSRGANConfig()
    candidates = settings_choice.grid(base, residual=[False, True], epochs=[3, 6])
    assert list(candidates) == ["residual=False,epochs=3", "residual=False,epochs=6",
                                "residual=True,epochs=3", "residual=True,epochs=6"]
    assert candidates["residual=True,epochs=6"].residual is True
    assert candidates["residual=True,epochs=6"].lr == base.lr


def test_a_candidate_that_starts_at_the_answer_is_chosen_on_held_back_units():
    rng = np.random.default_rng(0)
    n, dim = 120, 16
    hr = rng.normal(size=(n, dim)).astype(np.float32)
    # LR features: HR plus a little noise, so the identity is nearly the answer
    lr = {4: (hr + 0.05 * rng.normal(size=hr.shape)).astype(np.float32)}
    units = np.repeat(np.arange(30), 4).astype(str)  # 30 scenes of 4 images
    rows = np.arange(100)  # the last 20 rows stand for evaluation images: never read
    lr[4][100:] = np.nan
    hr[100:] = np.nan
    base = fsrgan_training.FSRGANConfig(epochs=1, batch_size=16, precision="fp32")
    candidates = {"residual": fsrgan_training.FSRGANConfig(**{**base.__dict__, "residual": True}),
                  "plain": base}
    table = settings_choice.choose(lr, hr, rows, units, candidates,
                                   validation_fraction=0.2, seed=0)
    assert table.loc[table["chosen"], "candidate"].tolist() == ["residual"]
    # whole units held back: 5 of the 25 scenes of the fitting rows, 4 images each
    assert (table["n_validation"] == 20).all() and (table["n_fit"] == 80).all()
    assert np.isfinite(table["validation_distance"]).all()


def test_an_isr_schedule_is_chosen_by_psnr_on_held_back_scenes():
    """Two VDSR schedules of two steps on tiny images: the table has one row per
    candidate and factor, its validation images are whole held-back scenes, bicubic's
    PSNR is measured on the same images, and the chosen one has the larger mean."""
    from fsrstudy.data import degrade
    from fsrstudy.models import isr_training

    rng = np.random.default_rng(0)
    hr = rng.integers(0, 256, size=(20, 32, 32, 3), dtype=np.uint8)
    lr = {f: np.stack([degrade.lr_input(image, f) for image in hr]) for f in (4, 16)}
    units = np.repeat(np.arange(10), 2).astype(str)
    base = dict(steps=2, batch_size=4, patch=17, momentum=0.9, weight_decay=0.0,
                clip_theta=0.0, lr_decay_every=0)
    candidates = {"adam": isr_training.ISRConfig(optimizer="adam", lr=1e-3, **base),
                  "sgd": isr_training.ISRConfig(optimizer="sgd", lr=1e-3, **base)}
    table = settings_choice.choose_isr("vdsr", hr, lr, np.arange(20), units, candidates,
                                       validation_fraction=0.2, seed=0)
    assert len(table) == 4 and set(table["factor"]) == {4, 16}
    assert (table["n_validation"] == 4).all() and (table["n_fit"] == 16).all()
    assert np.isfinite(table[["psnr", "bicubic_psnr"]].to_numpy()).all()
    means = table.groupby("candidate")["psnr"].mean()
    assert table.loc[table["chosen"], "candidate"].unique().tolist() == [means.idxmax()]

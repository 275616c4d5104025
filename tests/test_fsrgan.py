"""FSR-GAN's networks have the shapes of the paper's tables; the losses are right."""
import pytest
import torch
from fsrstudy.models import fsrgan


def _activations(sequential, x):
    shapes = []
    for layer in sequential:
        x = layer(x)
        if isinstance(layer, torch.nn.Conv2d):
            shapes.append(tuple(x.shape[1:]))
    return shapes


def test_generator_layers_match_the_paper():
    gen = fsrgan.Generator(4096)
    x = torch.randn(2, 1, 64, 64)
    # (channels, height, width) after each conv: 64x64x4, 32x32x8, ... 8x8x128
    assert _activations(gen.convs, x) == [(4, 64, 64), (8, 32, 32), (16, 32, 32),
                                          (32, 16, 16), (64, 16, 16), (128, 8, 8)]
    kernels = [m.kernel_size[0] for m in gen.convs if isinstance(m, torch.nn.Conv2d)]
    assert kernels == [8, 5, 5, 5, 5, 5]
    assert gen.out.in_features == 8 * 8 * 128 and gen.out.out_features == 4096
    assert isinstance(gen.lift, torch.nn.Identity)
    assert all(isinstance(m, torch.nn.LeakyReLU) for m in gen.convs[1::2])


def test_critic_layers_match_the_paper():
    critic = fsrgan.Critic(4096)
    assert _activations(critic.convs, torch.randn(2, 1, 64, 64)) == [
        (8, 32, 32), (16, 16, 16), (32, 8, 8), (64, 8, 8)]
    assert critic(torch.randn(3, 4096)).shape == (3,)


def test_other_feature_sizes_are_lifted_to_4096_and_back():
    gen, critic = fsrgan.Generator(512), fsrgan.Critic(512)
    assert gen.lift.in_features == 512 and gen.lift.out_features == 4096
    assert gen.eval()(torch.randn(5, 512)).shape == (5, 512)
    assert critic(torch.randn(5, 512)).shape == (5,)


def test_keep_prob_is_tensorflow_convention():
    gen = fsrgan.Generator(512, keep_prob=0.7)
    assert gen.dropout.p == pytest.approx(0.3)
    with pytest.raises(ValueError):
        fsrgan.Generator(512, keep_prob=0.0)


def test_focal_distance_by_hand():
    sr = torch.tensor([[3.0, 4.0], [0.0, 0.0]])
    hr = torch.zeros(2, 2)
    # distances 5 and 0
    assert fsrgan.focal_distance(sr, hr, 1).item() == pytest.approx(2.5)
    assert fsrgan.focal_distance(sr, hr, 2).item() == pytest.approx(12.5)


def test_wgan_losses():
    critic_sr, critic_hr = torch.tensor([1.0, 3.0]), torch.tensor([5.0, 7.0])
    assert fsrgan.critic_loss(critic_sr, critic_hr).item() == pytest.approx(2.0 - 6.0)
    total, adv, dist = fsrgan.generator_loss(critic_sr, torch.ones(2, 2), torch.ones(2, 2), 2,
                                             adversarial_weight=0.5)
    assert adv.item() == pytest.approx(-2.0) and dist.item() == 0
    assert total.item() == pytest.approx(-1.0)


def test_residual_generator_starts_from_its_input():
    gen = fsrgan.Generator(512, residual=True).eval()
    x = torch.randn(4, 512)
    assert torch.equal(gen(x), x)


def test_factor_aware_generator_starts_unconditioned_and_knows_its_factors():
    torch.manual_seed(0)
    # not residual: its zero-initialised output layer would hide any difference
    plain = fsrgan.Generator(512).eval()
    torch.manual_seed(0)
    aware = fsrgan.Generator(512, factors=[4, 16]).eval()
    aware.load_state_dict({**plain.state_dict(),
                           "factor_planes": torch.zeros(2, fsrgan.PLANE)})
    x = torch.randn(3, 512)
    with torch.no_grad():
        for factor in (4, 16):  # zero planes: told the factor, it computes the same
            torch.testing.assert_close(aware(x, aware.factor_index(factor)), plain(x))
        aware.factor_planes[1].fill_(0.5)
        # now factor 16's rows differ, factor 4's do not, in one mixed batch
        mixed = aware(x, aware.factor_index([4, 16, 4]))
    torch.testing.assert_close(mixed[[0, 2]], plain(x)[[0, 2]])
    assert not torch.allclose(mixed[1], plain(x)[1])
    with pytest.raises(KeyError, match="factors \\[4, 16\\], not \\[9\\]"):
        aware.factor_index(9)
    with pytest.raises(ValueError, match="needs each row's factor"):
        aware(x)

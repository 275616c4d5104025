"""Low-resolution copies: sizes from the area factor, information lost as it grows."""
import numpy as np
import pytest
from fsrstudy.data import degrade
from PIL import Image


@pytest.mark.parametrize("factor, side", [(4, 112), (9, 75), (16, 56), (64, 28)])
def test_low_size_uses_the_linear_factor(factor, side):
    assert degrade.low_size(224, factor) == side


def test_factor_below_one_is_rejected():
    with pytest.raises(ValueError, match="area factor"):
        degrade.linear_scale(0.5)


def test_constant_image_survives_and_hr_is_untouched():
    flat = np.full((64, 64, 3), 120, np.uint8)
    np.testing.assert_array_equal(degrade.lr_input(flat, 16), flat)
    assert degrade.lr_input(flat, 1) is flat


def test_detail_is_lost_more_at_higher_factors():
    rng = np.random.default_rng(0)
    hr = rng.integers(0, 256, size=(96, 96, 3), dtype=np.uint8)
    errors = [np.abs(degrade.lr_input(hr, f).astype(float) - hr).mean() for f in (4, 9, 16)]
    assert errors[0] < errors[1] < errors[2]
    assert degrade.lr_input(hr, 4).shape == hr.shape


def test_downscale_is_antialiased():
    # a one-pixel checkerboard averages to grey instead of aliasing to black or white
    board = (np.indices((64, 64)).sum(axis=0) % 2 * 255).astype(np.uint8)
    small = degrade.downscale(np.stack([board] * 3, axis=-1), 4)
    assert small.shape == (32, 32, 3)
    assert abs(small[4:-4, 4:-4].mean() - 127.5) < 10 and small[4:-4, 4:-4].std() < 10


def test_hr_input_is_square(tmp_path):
    photo = Image.fromarray(np.zeros((30, 50, 3), np.uint8))
    assert degrade.hr_input(photo, None, 40).shape == (40, 40, 3)

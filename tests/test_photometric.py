"""Photometric domain randomisation in augment_batch: off by default, changes pixels, stays in [0, 1], is drawn per
face and reproducible from the generator; its parts do what their names say."""

from __future__ import annotations

from dataclasses import replace

import pytest
import torch

from gimefive_lib.training.augment import AugmentConfig, _gaussian_blur, augment_batch, photometric_batch
from gimefive_lib.training.config import TrainConfig

PHOTO = dict(brightness=0.2, contrast=0.4, gamma=0.4, blur=1.5, noise=0.05, posterize=0.3)


def faces(n: int = 6, seed: int = 0) -> torch.Tensor:
    g = torch.Generator().manual_seed(seed)
    smooth = torch.nn.functional.avg_pool2d(torch.rand(n, 1, 64, 64, generator=g), 5, 1, 2)
    return smooth.clamp(0, 1)


def test_default_config_has_no_photometric_change():
    cfg = AugmentConfig()
    assert not cfg.photometric and not AugmentConfig.paper().photometric
    assert all(getattr(cfg, name) == 0 for name in PHOTO)
    x = faces()
    off = augment_batch(x, cfg, torch.Generator().manual_seed(1))
    also_off = augment_batch(x, replace(cfg, **dict.fromkeys(PHOTO, 0.0)), torch.Generator().manual_seed(1))
    assert torch.equal(off, also_off)


def test_old_checkpoint_configs_load_with_photometric_off():
    saved = TrainConfig().to_dict()
    for name in PHOTO:
        del saved["augment"][name]  # a config saved before these fields existed
    assert not TrainConfig.from_dict(saved).augment.photometric


@pytest.mark.parametrize("name", sorted(PHOTO))
def test_each_photometric_op_changes_pixels_and_keeps_range(name):
    x = faces()
    cfg = replace(AugmentConfig.paper(), flip=False, **{name: PHOTO[name] if name != "posterize" else 1.0})
    out = augment_batch(x, cfg, torch.Generator().manual_seed(0))
    assert out.shape == x.shape
    assert (out - x).abs().mean() > 1e-3
    assert out.min() >= 0.0 and out.max() <= 1.0


def test_photometric_is_reproducible_from_generator_and_differs_per_face():
    x = faces(1).expand(8, -1, -1, -1).contiguous()  # one face, eight times
    cfg = AugmentConfig(**PHOTO)
    a = augment_batch(x, cfg, torch.Generator().manual_seed(5))
    b = augment_batch(x, cfg, torch.Generator().manual_seed(5))
    c = augment_batch(x, cfg, torch.Generator().manual_seed(6))
    assert torch.equal(a, b) and not torch.equal(a, c)
    assert not torch.allclose(a[0], a[1])  # each face draws its own change
    assert a.min() >= 0.0 and a.max() <= 1.0


def test_extreme_strengths_stay_in_range():
    x = torch.cat([torch.zeros(2, 1, 64, 64), torch.ones(2, 1, 64, 64), faces(4)])
    cfg = replace(AugmentConfig.paper(), brightness=2.0, contrast=3.0, gamma=3.0, blur=4.0, noise=1.0, posterize=1.0)
    out = photometric_batch(x, cfg, torch.Generator().manual_seed(0))
    assert torch.isfinite(out).all() and out.min() >= 0.0 and out.max() <= 1.0


def test_gaussian_blur_keeps_flat_faces_and_mean_and_zero_sigma_is_identity():
    x = faces(3)
    assert torch.allclose(_gaussian_blur(x, torch.zeros(3)), x, atol=1e-5)
    flat = torch.full((2, 1, 64, 64), 0.3)
    assert torch.allclose(_gaussian_blur(flat, torch.tensor([1.0, 2.5])), flat, atol=1e-5)
    blurred = _gaussian_blur(x, torch.full((3,), 2.0))
    assert blurred.std() < x.std()  # smoother
    assert torch.allclose(blurred.mean(dim=(1, 2, 3)), x.mean(dim=(1, 2, 3)), atol=0.01)


def test_gamma_and_contrast_move_pixels_the_expected_way():
    x = faces(4)
    g = torch.Generator().manual_seed(0)
    out = photometric_batch(x, replace(AugmentConfig.paper(), gamma=1.0), g)
    # a power keeps the order of the pixels inside each face and fixes 0 and 1
    for original, changed in zip(x, out, strict=True):
        order = original.flatten().argsort()
        assert (changed.flatten()[order].diff() >= -1e-6).all()
    ends = photometric_batch(torch.tensor([0.0, 1.0]).view(1, 1, 1, 2), replace(AugmentConfig.paper(), gamma=1.0), g)
    assert torch.allclose(ends.flatten(), torch.tensor([0.0, 1.0]))


def test_posterize_quantises_to_few_levels():
    x = faces(2)
    out = photometric_batch(x, replace(AugmentConfig.paper(), posterize=1.0), torch.Generator().manual_seed(0))
    for face in out:
        assert 2 <= face.unique().numel() <= 16

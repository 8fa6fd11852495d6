"""pytorch-grad-cam behind one call: shapes, ranges, targets, layers, and hooks always released."""

from __future__ import annotations

import copy

import numpy as np
import pytest
import torch
from torch import nn

from gimefive_lib.explain.cams import (
    METHOD_NAMES,
    SLOW_METHODS,
    compute_cams,
    explain_face,
    overlay,
    resolve_targets,
    target_layers,
)
from gimefive_lib.models.gimefive import GiMeFive


@pytest.fixture(scope="module")
def tiny_model() -> nn.Module:
    """A GiMeFive with few channels (same layout: five Conv-BN-ReLU(inplace)-MaxPool blocks)."""
    torch.manual_seed(0)
    return GiMeFive(channels=(8, 8, 16, 16, 16), hidden=(32, 32)).eval()


@pytest.fixture(scope="module")
def faces() -> np.ndarray:
    return np.random.default_rng(0).integers(0, 256, (3, 64, 64), dtype=np.uint8)


def hooked_modules(model: nn.Module) -> list[str]:
    return [name for name, m in model.named_modules()
            if m._forward_hooks or m._forward_pre_hooks or m._backward_hooks or m._backward_pre_hooks]


@pytest.mark.parametrize("method", METHOD_NAMES)
def test_every_method_gives_maps_in_unit_range_and_releases_its_hooks(tiny_model, faces, method):
    cams = compute_cams(tiny_model, faces, method, "block4", batch_size=2)
    assert cams.shape == (3, 64, 64) and cams.dtype == np.float32
    assert cams.min() >= 0.0 and cams.max() <= 1.0
    assert hooked_modules(tiny_model) == []


def test_hooks_are_released_when_the_computation_fails(tiny_model, faces):
    with pytest.raises(ValueError, match="target class ids"):
        compute_cams(tiny_model, faces, "gradcam", "block5", targets=[0, 1, 9])
    with pytest.raises(RuntimeError):
        compute_cams(tiny_model, faces[:, :5, :5], "gradcam", "block5")  # too small for five max-pools
    assert hooked_modules(tiny_model) == []


def test_layers_are_the_rectified_block_outputs_before_pooling(tiny_model):
    layers = target_layers(tiny_model)
    assert list(layers) == ["block1", "block2", "block3", "block4", "block5"]
    assert all(isinstance(layer, nn.ReLU) for layer in layers.values())


def test_inplace_relu_does_not_change_the_maps(tiny_model, faces):
    plain = copy.deepcopy(tiny_model)
    for module in plain.modules():
        if isinstance(module, nn.ReLU):
            module.inplace = False
    a = compute_cams(tiny_model, faces, "gradcam", "block5", targets=[0, 1, 2])
    b = compute_cams(plain, faces, "gradcam", "block5", targets=[0, 1, 2])
    assert a.std() > 0
    np.testing.assert_allclose(a, b, atol=1e-6)


def test_targets_predicted_names_and_ids(tiny_model, faces):
    predicted = resolve_targets(tiny_model, faces, "predicted")
    assert predicted.shape == (3,)
    np.testing.assert_array_equal(resolve_targets(tiny_model, faces, None), predicted)
    np.testing.assert_array_equal(resolve_targets(tiny_model, faces, "anger"), [3, 3, 3])
    np.testing.assert_array_equal(resolve_targets(tiny_model, faces, 5), [5, 5, 5])
    with pytest.raises(ValueError, match="unknown target"):
        resolve_targets(tiny_model, faces, "boredom")
    by_prediction = compute_cams(tiny_model, faces, "gradcam", "block5", targets="predicted")
    np.testing.assert_allclose(by_prediction, compute_cams(tiny_model, faces, "gradcam", "block5", targets=predicted))


def test_the_target_class_changes_the_gradient_map(tiny_model, faces):
    maps = [compute_cams(tiny_model, faces[:1], "gradcam", "block3", targets=k)[0] for k in range(6)]
    assert max(np.abs(maps[0] - m).max() for m in maps[1:]) > 1e-3


def test_bad_input_is_named(tiny_model, faces):
    with pytest.raises(ValueError, match="unknown CAM method"):
        compute_cams(tiny_model, faces, "smoothgrad")
    with pytest.raises(ValueError, match="unknown layer"):
        compute_cams(tiny_model, faces, "gradcam", "block9")
    with pytest.raises(ValueError, match="uint8"):
        compute_cams(tiny_model, faces.astype(np.float32))


def test_explain_face_and_overlay(tiny_model, faces):
    explanation = explain_face(tiny_model, faces[0], "gradcam++", None, "surprise")
    assert explanation.layer == "block5" and explanation.target == 1
    assert explanation.probabilities.shape == (6,) and explanation.probabilities.sum() == pytest.approx(1, abs=1e-5)
    picture = overlay(faces[0], explanation.cam, opacity=0.4)
    assert picture.shape == (64, 64, 3) and picture.dtype == np.uint8
    gray = overlay(faces[0], np.ones((8, 8), np.float32), opacity=0.0)  # face only; a smaller map is resized
    assert np.all(gray[..., 0] == gray[..., 1])
    with pytest.raises(ValueError, match="opacity"):
        overlay(faces[0], explanation.cam, opacity=1.5)


def test_slow_methods_are_marked():
    assert set(SLOW_METHODS) == {"scorecam", "ablationcam"}

"""The fused channels_last inference copy of a conv stack gives the original's outputs."""

from __future__ import annotations

import torch

from gimefive_lib.models import build_model
from gimefive_lib.models.fused import InferenceTrunk


def _model_with_real_batchnorm_statistics() -> torch.nn.Module:
    """A GiMeFive whose BatchNorm layers hold non-trivial running statistics and affine weights."""
    torch.manual_seed(0)
    model = build_model("gimefive")
    for module in model.modules():
        if isinstance(module, torch.nn.BatchNorm2d):
            module.running_mean.uniform_(-0.5, 0.5)
            module.running_var.uniform_(0.5, 2.0)
            module.weight.data.uniform_(0.5, 1.5)
            module.bias.data.uniform_(-0.2, 0.2)
    return model.eval()


def test_fused_trunk_matches_the_original_and_has_no_batchnorm():
    model = _model_with_real_batchnorm_statistics()
    fast = InferenceTrunk(model.features)
    x = torch.randn(3, 3, 64, 64)
    with torch.no_grad():
        expected = model.features(x)
    out = fast(x)
    torch.testing.assert_close(out, expected, rtol=1e-4, atol=1e-4)
    assert not any(isinstance(m, torch.nn.BatchNorm2d) for m in fast.modules())
    assert not out.requires_grad


def test_fused_trunk_is_a_copy_that_leaves_the_model_trainable():
    model = _model_with_real_batchnorm_statistics().train()
    InferenceTrunk(model.features)
    assert model.training and all(p.requires_grad for p in model.parameters())
    assert any(isinstance(m, torch.nn.BatchNorm2d) for m in model.modules())


def test_bf16_trunk_stays_close_to_fp32_and_answers_in_the_input_type():
    model = _model_with_real_batchnorm_statistics()
    x = torch.randn(4, 3, 64, 64)
    with torch.no_grad():
        expected = model.features(x)
    out = InferenceTrunk(model.features, torch.bfloat16)(x)
    assert out.dtype == torch.float32
    assert next(InferenceTrunk(model.features, torch.bfloat16).parameters()).dtype == torch.bfloat16
    assert (out - expected).abs().max() <= 0.02 * expected.abs().max()
    assert not torch.equal(out, expected)  # really computed in bf16, not fp32

"""Every model has the paper's parameter count, maps 64x64 faces to six logits and exposes its conv blocks."""

import pytest
import torch

from gimefive_lib.models import MODEL_NAMES, build_model, conv_blocks, count_flops, count_parameters, last_conv_block

PAPER_PARAMETERS = {
    "gimefive": 10_478_086,
    "gimefive_se": 10_478_598,
    "gimefive_baseline": 2_606_086,
    "vgg": 72_460_742,
    "resnet18": 11_179_590,
    "resnet34": 21_287_750,
}


@pytest.mark.parametrize("name", MODEL_NAMES)
def test_parameter_count_matches_the_paper(name):
    assert count_parameters(build_model(name)) == PAPER_PARAMETERS[name]


@pytest.mark.parametrize("name", MODEL_NAMES)
def test_six_logits_for_64x64_faces(name):
    model = build_model(name).eval()
    with torch.no_grad():
        assert model(torch.randn(2, 3, 64, 64)).shape == (2, 6)


def test_flops_grow_with_model_size():
    flops = {name: count_flops(build_model(name)) for name in ("gimefive_baseline", "gimefive", "resnet34")}
    assert 0 < flops["gimefive_baseline"] < flops["gimefive"] < flops["resnet34"]
    # GiMeFive at 64x64: about 0.6 GFLOPs (2 x multiply-adds) per image.
    assert 0.3e9 < flops["gimefive"] < 1.2e9


def test_conv_blocks_are_named_first_to_last():
    model = build_model("gimefive")
    blocks = conv_blocks(model)
    assert list(blocks) == [f"block{i}" for i in range(1, 6)]
    assert last_conv_block(model) is model.features.block5
    assert list(conv_blocks(build_model("resnet18"))) == ["layer1", "layer2", "layer3", "layer4"]


def test_se_block_sits_after_the_first_conv_block():
    names = [name for name, _ in build_model("gimefive_se").features.named_children()]
    assert names[:3] == ["block1", "se", "drop1"]


def test_unknown_model_name_lists_the_choices():
    with pytest.raises(ValueError, match="gimefive_baseline"):
        build_model("alexnet")

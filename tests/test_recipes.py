"""The notebooks' recipes by mode: class mode fits a lesson in a class period and uses the shipped synthetic model
only when it was trained on exactly these faces."""

from __future__ import annotations

from dataclasses import replace

import pytest
import torch

from gimefive_lib.data.configured import synthetic_recipe
from gimefive_lib.models import build_model
from gimefive_lib.settings import Settings, get_settings
from gimefive_lib.training import recipes
from gimefive_lib.training.checkpoint import save_atomic


@pytest.mark.parametrize(("environment", "mode"), [({}, "class"), ({"GIMEFIVE_FAST": "1"}, "fast"),
                                                    ({"GIMEFIVE_LONG": "1"}, "long"),
                                                    ({"GIMEFIVE_FAST": "1", "GIMEFIVE_LONG": "1"}, "fast")])
def test_the_mode_comes_from_the_environment(environment, mode):
    assert get_settings(environment).mode == mode


def test_each_mode_has_its_budget_and_its_own_run_folder(tmp_path):
    base = Settings(runs_dir=tmp_path)
    configs = {mode: recipes.synthetic_config(replace(base, fast=mode == "fast", long=mode == "long"))
               for mode in ("fast", "class", "long")}
    assert {mode: c.epochs for mode, c in configs.items()} == {"fast": 10, "class": 3, "long": 15}
    assert len({c.out_dir for c in configs.values()}) == 3
    assert configs["long"].augment.shift > 0 and configs["class"].augment.shift == 0  # moves need the long budget
    assert recipes.comparison_budget(base) == (2, 5) and recipes.comparison_budget(replace(base, long=True)) == (4, 1)


def _ship(path, recipe: dict) -> None:
    weights = {k: v.half() for k, v in build_model("gimefive").state_dict().items()}
    save_atomic({"model_name": "gimefive", "model": weights, "data": recipe}, path)


def test_class_mode_uses_the_shipped_model_only_for_the_faces_it_was_trained_on(tmp_path, monkeypatch):
    shipped = tmp_path / "gimefive_synthetic.pt"
    monkeypatch.setattr(recipes, "SHIPPED_SYNTHETIC", shipped)
    settings = Settings(runs_dir=tmp_path)
    assert recipes.shipped_synthetic_model(settings) is None  # not there
    _ship(shipped, {**synthetic_recipe(settings), "seed": 7})
    assert recipes.shipped_synthetic_model(settings) is None  # trained on another seed's faces
    _ship(shipped, synthetic_recipe(settings))
    model = recipes.shipped_synthetic_model(settings)
    assert model is not None and not model.training
    assert next(model.parameters()).dtype == torch.float32

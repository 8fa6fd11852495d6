"""The settings object: documented defaults and every ``GIMEFIVE_*`` variable."""

from __future__ import annotations

from pathlib import Path

import pytest

from gimefive_lib.settings import PROJECT_DIR, SHIPPED_CHECKPOINT, Settings, get_settings


def test_defaults_without_any_variable():
    settings = get_settings({})
    assert settings.data_root is None and not settings.uses_real_data
    assert settings.dataset == "rafdb"
    assert settings.fast is False
    assert settings.cache_dir == Path.home() / ".cache" / "gimefive"
    assert settings.runs_dir == PROJECT_DIR / "build" / "runs"
    assert settings.figures_dir == PROJECT_DIR / "figures"
    assert settings.device == "auto"
    assert settings.seed == 0
    assert settings.checkpoint == SHIPPED_CHECKPOINT


def test_every_variable_is_read(tmp_path):
    env = {
        "GIMEFIVE_DATA": str(tmp_path / "data"),
        "GIMEFIVE_DATASET": "FER2013",
        "GIMEFIVE_FAST": "1",
        "GIMEFIVE_CACHE": str(tmp_path / "cache"),
        "GIMEFIVE_RUNS": str(tmp_path / "runs"),
        "GIMEFIVE_FIGURES": str(tmp_path / "figures"),
        "GIMEFIVE_DEVICE": "cpu",
        "GIMEFIVE_SEED": "7",
        "GIMEFIVE_CHECKPOINT": str(tmp_path / "model.pt"),
    }
    settings = get_settings(env)
    assert settings.data_root == tmp_path / "data" and settings.uses_real_data
    assert settings.dataset == "fer2013"  # lower-cased
    assert settings.fast is True
    assert settings.cache_dir == tmp_path / "cache"
    assert settings.runs_dir == tmp_path / "runs"
    assert settings.figures_dir == tmp_path / "figures"
    assert settings.device == "cpu"
    assert settings.seed == 7
    assert settings.checkpoint == tmp_path / "model.pt"


@pytest.mark.parametrize(
    ("value", "fast"),
    [
        ("1", True),
        ("true", True),
        ("YES", True),
        ("on", True),
        ("0", False),
        ("", False),
        ("no", False),
        ("off", False),
    ],
)
def test_fast_flag_spellings(value, fast):
    assert get_settings({"GIMEFIVE_FAST": value}).fast is fast


def test_empty_data_root_means_synthetic():
    assert get_settings({"GIMEFIVE_DATA": ""}).uses_real_data is False


def test_a_variable_set_to_the_empty_string_counts_as_unset():
    empty = {name: "" for name in ("GIMEFIVE_DATASET", "GIMEFIVE_CACHE", "GIMEFIVE_RUNS", "GIMEFIVE_FIGURES",
                                   "GIMEFIVE_DEVICE", "GIMEFIVE_SEED", "GIMEFIVE_CHECKPOINT")}
    assert get_settings(empty) == get_settings({})


def test_a_seed_that_is_not_an_integer_names_the_variable():
    with pytest.raises(ValueError, match="GIMEFIVE_SEED='one'"):
        get_settings({"GIMEFIVE_SEED": "one"})


def test_home_is_expanded():
    settings = get_settings({"GIMEFIVE_DATA": "~/faces", "GIMEFIVE_CACHE": "~/c"})
    assert settings.data_root == Path.home() / "faces"
    assert settings.cache_dir == Path.home() / "c"


def test_relative_paths_are_taken_from_the_project_folder(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)  # as a notebook kernel running in notebooks/: the cwd must not matter
    settings = get_settings({"GIMEFIVE_RUNS": "build/test-runs", "GIMEFIVE_FIGURES": "build/figs",
                             "GIMEFIVE_DATA": "data", "GIMEFIVE_CHECKPOINT": "w/model.pt"})
    assert settings.runs_dir == PROJECT_DIR / "build" / "test-runs"
    assert settings.figures_dir == PROJECT_DIR / "build" / "figs"
    assert settings.data_root == PROJECT_DIR / "data"
    assert settings.checkpoint == PROJECT_DIR / "w" / "model.pt"


def test_reads_os_environ_by_default(monkeypatch, tmp_path):
    monkeypatch.setenv("GIMEFIVE_SEED", "42")
    monkeypatch.setenv("GIMEFIVE_FIGURES", str(tmp_path))
    settings = get_settings()
    assert settings.seed == 42 and settings.figures_dir == tmp_path


def test_settings_are_frozen():
    with pytest.raises(AttributeError):
        Settings().seed = 3  # type: ignore[misc]

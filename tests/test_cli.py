"""The command line: each command imports only what it needs, so ``train`` runs on a bare GPU server."""

from __future__ import annotations

import subprocess
import sys
import textwrap

NOT_ON_A_BARE_SERVER = ("nbformat", "nbclient", "pytorch_grad_cam", "captum", "mediapipe", "plotly", "ipywidgets")


def run_with_packages_missing(*argv: str) -> subprocess.CompletedProcess:
    """Run ``python -m gimefive_lib argv`` in a child whose imports of the notebook/explanation packages fail."""
    code = textwrap.dedent(
        f"""
        import importlib.abc, sys
        class Missing(importlib.abc.MetaPathFinder):
            def find_spec(self, name, path, target=None):
                if name.split(".")[0] in {NOT_ON_A_BARE_SERVER!r}:
                    raise ModuleNotFoundError(f"No module named {{name!r}}", name=name)
        sys.meta_path.insert(0, Missing())
        from gimefive_lib.cli import main
        sys.exit(main({list(argv)!r}))
        """
    )
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)


def test_training_and_evaluation_commands_need_only_torch():
    for command in ("train", "evaluate", "export"):
        result = run_with_packages_missing(command, "--help")
        assert result.returncode == 0, result.stderr
        assert "usage: python -m gimefive_lib " + command in result.stdout


def test_the_top_level_help_lists_every_command_and_names_what_is_missing():
    from gimefive_lib.cli import COMMANDS

    result = run_with_packages_missing("--help")
    assert result.returncode == 0, result.stderr
    assert all(name in result.stdout for name in COMMANDS)
    assert "unavailable here: needs the package 'nbformat'" in " ".join(result.stdout.split())


def test_a_command_whose_package_is_missing_says_which():
    result = run_with_packages_missing("notebooks", "--help")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "notebooks: needs the package 'nbformat'" in result.stderr

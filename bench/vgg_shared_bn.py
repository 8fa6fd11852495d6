"""Why the paper's VGG falls behind: one BatchNorm shared by the two convs of each pair.

The paper's VGG (+BN) normalises both convs of a pair with one ``BatchNorm2d`` (the sharing is part of its
72,460,742 parameters). In training mode each conv's output is normalised with its own batch statistics; in eval mode
both get one set of running statistics, which the two convs overwrite in turn, so they fit neither. This script trains
(or loads) the model under ``compare``'s protocol and split, then scores the held-out test faces twice: in eval mode
(what ``compare`` reports) and with batch statistics (BatchNorm normalising each batch of 64 by its own statistics,
running statistics untouched). A large gap is the shared BatchNorm, not the weights. It also prints, per pair, how far
the running mean lies from each conv's batch mean (in units of that conv's batch standard deviation).

    python bench/vgg_shared_bn.py --dataset rafdb --root DATA --holdout 0.2 --epochs 8      # loads runs/compare/vgg
    python bench/vgg_shared_bn.py --dataset rafdb --root DATA --holdout 0.2 --model gimefive  # control: no sharing
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import numpy as np
import torch
from torch import nn

from gimefive_lib.cli.arguments import add_dataset_arguments
from gimefive_lib.cli.compare import comparison_splits
from gimefive_lib.cli.train import add_training_arguments, config_from_args
from gimefive_lib.data.faceset import FaceSet
from gimefive_lib.data.preprocess import normalize_batch
from gimefive_lib.devices import model_device
from gimefive_lib.evaluation.significance import bootstrap_accuracy_ci, mcnemar_test
from gimefive_lib.models import MODEL_NAMES
from gimefive_lib.models.baselines import PaperVGG
from gimefive_lib.models.prediction import predict_labels
from gimefive_lib.training.recipes import load_or_train


@contextmanager
def batch_statistics(model: nn.Module) -> Iterator[nn.Module]:
    """The model with BatchNorm layers that normalise by each batch's own statistics, even in eval mode: their
    running statistics are set aside (PyTorch then uses the batch's) and put back afterwards, unchanged."""
    norms = [m for m in model.modules() if isinstance(m, nn.modules.batchnorm._BatchNorm)]
    kept = [(m.running_mean, m.running_var) for m in norms]
    for norm in norms:
        norm.running_mean = norm.running_var = None
    try:
        yield model
    finally:
        for norm, (mean, var) in zip(norms, kept, strict=True):
            norm.running_mean, norm.running_var = mean, var


@torch.no_grad()
def running_mean_offsets(model: PaperVGG, faces: FaceSet, n: int = 256) -> dict[str, tuple[float, float]]:
    """Per VGG pair: the mean distance of the shared running mean from conv1's and from conv2's batch mean, in units
    of that conv's batch standard deviation (0 = the running statistics fit that conv), on ``n`` faces."""
    pairs = dict(model.features.named_children())
    outputs: dict[tuple[str, str], torch.Tensor] = {}
    hooks = [
        getattr(pair, conv).register_forward_hook(
            lambda _module, _input, out, key=(name, conv): outputs.__setitem__(key, out)
        )
        for name, pair in pairs.items()
        for conv in ("conv1", "conv2")
    ]
    try:
        model.eval()(normalize_batch(torch.from_numpy(faces.images[:n]).to(model_device(model))))
    finally:
        for hook in hooks:
            hook.remove()

    def offset(running_mean: torch.Tensor, out: torch.Tensor) -> float:
        return float(((running_mean - out.mean((0, 2, 3))).abs() / out.std((0, 2, 3)).clamp_min(1e-6)).mean())

    return {
        name: (
            offset(pair.bn.running_mean, outputs[name, "conv1"]),
            offset(pair.bn.running_mean, outputs[name, "conv2"]),
        )
        for name, pair in pairs.items()
    }


def accuracy_line(label: str, labels: np.ndarray, predictions: np.ndarray) -> str:
    """``label``: accuracy with its bootstrap 95 % interval."""
    low, high = bootstrap_accuracy_ci(labels, predictions)
    return f"{label}: {np.mean(labels == predictions):.3f} (95 % CI {low:.3f}-{high:.3f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_dataset_arguments(parser)
    add_training_arguments(parser)
    parser.add_argument("--model", default="vgg", choices=MODEL_NAMES)
    parser.add_argument("--holdout", type=float, default=0.0, help="as compare's --holdout")
    parser.add_argument("--out", type=Path, default=Path("runs/compare"), help="compare's run folder")
    parser.set_defaults(init="")  # every model starts from random weights, as in compare
    args = parser.parse_args()
    train, val, test = comparison_splits(args)
    config = replace(config_from_args(args), out_dir=str(args.out / args.model))
    model, history = load_or_train(config, train, val)
    kept = history[-1]  # the history saved with the kept (best-validation) epoch ends there
    print(
        f"{args.model}, epoch {kept['epoch']} kept: training accuracy (training mode, augmented faces) "
        f"{kept['train_accuracy']:.3f}, validation (eval mode) {kept['val_accuracy']:.3f}"
    )
    eval_mode = predict_labels(model.eval(), test, batch_size=config.batch_size, flip_tta=config.flip_tta)
    with batch_statistics(model):
        batch_mode = predict_labels(model, test, batch_size=config.batch_size, flip_tta=config.flip_tta)
    print(f"{len(test)} test faces ({test.name})")
    print(accuracy_line("  eval mode (running statistics, as compare reports)", test.labels, eval_mode))
    print(accuracy_line(f"  batch statistics (batches of {config.batch_size})", test.labels, batch_mode))
    result = mcnemar_test(test.labels, eval_mode, batch_mode)
    print(f"  McNemar between the two: p = {result['p_value']:.2g}")
    if isinstance(model, PaperVGG):
        for name, (conv1, conv2) in running_mean_offsets(model, test).items():
            print(f"  {name}: running mean off conv1's batch mean by {conv1:.2f} sd, off conv2's by {conv2:.2f} sd")


if __name__ == "__main__":
    main()

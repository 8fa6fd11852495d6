"""Test-time augmentation beyond the horizontal flip, for a checkpoint on the validation faces ``train`` held out.

Prints accuracy with its bootstrap 95 % interval for: no augmentation, flip (what ``evaluate`` does), flip x five
2-pixel shifts (10 views) and flip x three scales 0.94/1/1.06 (6 views), each with McNemar's test against flip on
the same faces. The rule, fixed before the first run: a view set replaces flip only if it is better with p < 0.05.

    python bench/tta_views.py --root DATA/RAF-DB/basic            # the shipped checkpoint, seed-0 validation faces
"""

from __future__ import annotations

import argparse
from collections.abc import Callable

import torch
import torch.nn.functional as F

from gimefive_lib.data import get_loader
from gimefive_lib.data.preprocess import normalize_batch
from gimefive_lib.data.splits import train_val_split
from gimefive_lib.evaluation.significance import bootstrap_accuracy_ci, mcnemar_test
from gimefive_lib.labels import NUM_CLASSES
from gimefive_lib.settings import get_settings
from gimefive_lib.training.checkpoint import load_model

View = Callable[[torch.Tensor], torch.Tensor]


def shifted(dx: int, dy: int) -> View:
    """The faces moved by ``dx, dy`` pixels, the border repeated into the gap."""
    pad = max(abs(dx), abs(dy))

    def view(x: torch.Tensor) -> torch.Tensor:
        padded = F.pad(x, (pad, pad, pad, pad), mode="replicate")
        side = x.shape[-1]
        return padded[:, :, pad - dy : pad - dy + side, pad - dx : pad - dx + side]

    return view


def scaled(factor: float) -> View:
    """The faces zoomed by ``factor`` about their centre (cropped, or padded with the border)."""

    def view(x: torch.Tensor) -> torch.Tensor:
        side = x.shape[-1]
        new = round(side * factor)
        resized = F.interpolate(x, size=(new, new), mode="bilinear", align_corners=False, antialias=True)
        if new >= side:
            offset = (new - side) // 2
            return resized[:, :, offset : offset + side, offset : offset + side]
        before, after = (side - new) // 2, side - new - (side - new) // 2
        return F.pad(resized, (before, after, before, after), mode="replicate")

    return view


def with_flips(views: list[View]) -> list[View]:
    """Each view and its mirror image."""
    return [v for view in views for v in (view, lambda x, view=view: view(x).flip(3))]


VIEW_SETS: dict[str, list[View]] = {
    "none": [lambda x: x],
    "flip": with_flips([lambda x: x]),
    "flip x shift 2 px": with_flips([shifted(0, 0), shifted(2, 0), shifted(-2, 0), shifted(0, 2), shifted(0, -2)]),
    "flip x scale 0.94-1.06": with_flips([scaled(0.94), lambda x: x, scaled(1.06)]),
}


@torch.no_grad()
def predictions(model: torch.nn.Module, x: torch.Tensor, views: list[View], batch_size: int = 256) -> torch.Tensor:
    """The class with the highest mean probability over ``views``."""
    probs = torch.zeros(len(x), NUM_CLASSES)
    for start in range(0, len(x), batch_size):
        batch = x[start : start + batch_size]
        probs[start : start + batch_size] = sum(model(view(batch)).float().softmax(1) for view in views)
    return probs.argmax(1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--root", required=True, help="RAF-DB folder (with the train split)")
    parser.add_argument("--checkpoint", help="default: the shipped one")
    parser.add_argument("--seed", type=int, default=0, help="as given to `train`")
    parser.add_argument("--val-fraction", type=float, default=0.1, help="as given to `train`")
    args = parser.parse_args()
    settings = get_settings()
    faces = get_loader("rafdb").load(args.root, "train", cache_dir=settings.cache_dir)
    _, val = train_val_split(faces, args.val_fraction, seed=args.seed)
    model, _ = load_model(args.checkpoint or settings.checkpoint, "cpu")
    x = normalize_batch(torch.from_numpy(val.images))
    flip = predictions(model, x, VIEW_SETS["flip"]).numpy()
    print(f"{len(val)} validation faces (seed {args.seed}); McNemar against flip: +faces only this set gets right")
    for name, views in VIEW_SETS.items():
        pred = flip if name == "flip" else predictions(model, x, views).numpy()
        low, high = bootstrap_accuracy_ci(val.labels, pred)
        test = mcnemar_test(val.labels, pred, flip)
        print(f"{name:<24} {len(views):>2} views  accuracy {(pred == val.labels).mean():.4f} ({low:.4f}-{high:.4f})"
              f"  +{test['a_only']} -{test['b_only']}  p = {test['p_value']:.3g}")


if __name__ == "__main__":
    main()

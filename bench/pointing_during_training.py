"""Pointing game of Grad-CAM after every epoch while GiMeFive trains on the synthetic faces.

A diagnosis, not a model-selection tool: the trainer keeps choosing its epoch on validation accuracy, and the
pointing game is only printed. It shows how well the maps of one layer find the ground-truth evidence masks of
the synthetic test faces as the model goes from chance to (near) perfect accuracy. Trains into a temporary
folder with the settings of ``zoo.synthetic_config`` (GIMEFIVE_FAST=1 for the small set).

    python bench/pointing_during_training.py [--epochs 15] [--layer block5] [--n-test 300] [--shift 0 --scale 0]
"""

from __future__ import annotations

import argparse
import tempfile
from dataclasses import replace

import numpy as np

from gimefive_lib.data.configured import synthetic_data
from gimefive_lib.explain.cams import compute_cams
from gimefive_lib.explain.map_scores import pointing_game, random_maps
from gimefive_lib.models import predict_labels
from gimefive_lib.settings import get_settings
from gimefive_lib.training.recipes import synthetic_config
from gimefive_lib.training.trainer import Trainer


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--epochs", type=int, help="default: the synthetic config's")
    parser.add_argument("--layer", default="block5")
    parser.add_argument("--method", default="gradcam")
    parser.add_argument("--n-test", type=int, default=300)
    parser.add_argument("--shift", type=float, help="random shift, a fraction of the side (default: the config's)")
    parser.add_argument("--scale", type=float, help="random scale change, a fraction (default: the config's)")
    args = parser.parse_args()

    settings = get_settings()
    data = synthetic_data(settings)
    test = data.test.subset(np.arange(min(args.n_test, len(data.test))))
    chance = pointing_game(random_maps(len(test), test.image_size, seed=0), test.masks).mean()
    print(f"{args.method} at {args.layer} on {len(test)} synthetic test faces; random map {chance:.3f}", flush=True)

    with tempfile.TemporaryDirectory() as folder:
        config = replace(synthetic_config(settings), out_dir=folder, progress=False)
        if args.epochs:
            config = replace(config, epochs=args.epochs)
        changes = {name: getattr(args, name) for name in ("shift", "scale") if getattr(args, name) is not None}
        config = replace(config, augment=replace(config.augment, **changes))
        trainer = Trainer(config)

        def report(row: dict) -> None:
            model = trainer.model
            accuracy = (predict_labels(model, test.images) == test.labels).mean()
            maps = compute_cams(model, test.images, args.method, args.layer, test.labels)
            hits = pointing_game(maps, test.masks).mean()
            print(f"epoch {row['epoch']:3d}: val accuracy {row['val_accuracy']:.3f}, test accuracy {accuracy:.3f}, "
                  f"pointing game {hits:.3f}", flush=True)

        trainer.on_epoch = report
        trainer.fit(data.train, data.val)


if __name__ == "__main__":
    main()

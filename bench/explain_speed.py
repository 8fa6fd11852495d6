"""Speed and pointing game of every CAM method, on the GiMeFive trained on synthetic faces (``zoo.synthetic_model``).

Prints, per method at one layer (default block5, read before its max-pool):

* milliseconds per face for a batch of 64 faces at 64 x 64 on the CPU (Score-CAM and Ablation-CAM run one forward
  pass per channel, so they are timed on ``--slow-images`` faces and reported per face);
* the pointing game (hit rate, tolerance 4 px) and the energy-based pointing game on the synthetic test split,
  maps explaining the true class, next to a random map, a centre-prior map and Captum's Integrated Gradients;
* last, one JSON line: Grad-CAM's and the random map's hit rates with bootstrap 95 % intervals, and McNemar's p
  for the two on the same faces.

    python bench/explain_speed.py                       # GIMEFIVE_FAST=1 for the small synthetic model
    python bench/explain_speed.py --layer block4 --json
    python bench/explain_speed.py --shipped --n-test 300   # the shipped RAF-DB model against the evidence masks
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np
import pandas as pd
import torch

from gimefive_lib.data.configured import synthetic_data
from gimefive_lib.evaluation.metrics import evaluate_model
from gimefive_lib.evaluation.significance import bootstrap_accuracy_ci, mcnemar_test
from gimefive_lib.explain.benchmark import CENTRE, INTEGRATED_GRADIENTS, RANDOM
from gimefive_lib.explain.cams import METHOD_LABELS, METHOD_NAMES, SLOW_METHODS, compute_cams
from gimefive_lib.explain.ground_truth import correctly_classified, ground_truth_table
from gimefive_lib.explain.map_scores import (
    centre_maps,
    energy_pointing_game,
    integrated_gradients_maps,
    pointing_game,
    random_maps,
)
from gimefive_lib.settings import get_settings
from gimefive_lib.training.recipes import shipped_model, synthetic_model


def timed_maps(model, images: np.ndarray, method: str, layer: str, targets: np.ndarray, batch: int, warm_up: bool):
    """Maps of ``images`` and the seconds they took (after one warm-up face if ``warm_up``)."""
    if warm_up:
        compute_cams(model, images[:1], method, layer, targets[:1], batch_size=batch)
    started = time.perf_counter()
    maps = compute_cams(model, images, method, layer, targets, batch_size=batch)
    return maps, time.perf_counter() - started


def hit_rate_ci(hits: np.ndarray) -> list[float]:
    """Bootstrap 95 % confidence interval of a pointing-game hit rate, rounded."""
    return [round(v, 3) for v in bootstrap_accuracy_ci(np.ones(len(hits), bool), hits)]


def pointing_summary(gradcam: np.ndarray, random: np.ndarray, centre: np.ndarray, masks: np.ndarray) -> dict:
    """Grad-CAM against the random and centre maps: hit rates, 95 % intervals and McNemar's p on the same faces."""
    same_faces = np.ones(len(gradcam), bool)
    return {"gradcam_pointing": round(float(gradcam.mean()), 3), "gradcam_ci95": hit_rate_ci(gradcam),
            "random_pointing": round(float(random.mean()), 3), "random_ci95": hit_rate_ci(random),
            "mcnemar_p_gradcam_vs_random": float(f"{mcnemar_test(same_faces, gradcam, random)['p_value']:.2g}"),
            "centre_pointing": round(float(centre.mean()), 3), "mask_share_of_face": round(float(masks.mean()), 3)}


def shipped_ground_truth(args: argparse.Namespace) -> None:
    """Print the ground-truth table of the shipped RAF-DB GiMeFive (a model of real faces) on the synthetic faces."""
    settings = get_settings()
    model = shipped_model(settings).cpu().eval()
    test = synthetic_data(settings).test
    faces, accuracy = correctly_classified(model, test, limit=args.n_test)
    print(f"shipped RAF-DB GiMeFive on {len(test)} synthetic test faces: accuracy {accuracy:.3f}; "
          f"{len(faces)} classified correctly are scored; layer {args.layer}", flush=True)
    table = ground_truth_table(model, faces, layer=args.layer, seed=settings.seed)
    print(table.to_json(orient="records") if args.json else table.to_string(index=False, float_format="{:.3f}".format))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--layer", default="block5")
    parser.add_argument("--batch", type=int, default=64, help="faces per timed batch")
    parser.add_argument("--slow-images", type=int, default=2, help="faces for Score-CAM and Ablation-CAM")
    parser.add_argument("--n-test", type=int, default=None, help="test faces for the pointing game (default: all)")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--shipped", action="store_true",
                        help="instead: the shipped RAF-DB model's maps on the synthetic test faces it gets right, "
                        "against their evidence masks, with bootstrap intervals (explain ground-truth)")
    args = parser.parse_args()
    if args.shipped:
        shipped_ground_truth(args)
        return

    settings = get_settings()
    model, data = synthetic_model(settings)
    model = model.cpu().eval()
    test = data.test if args.n_test is None else data.test.subset(np.arange(min(args.n_test, len(data.test))))
    accuracy = evaluate_model(model, test, "cpu", flip_tta=False)["accuracy"]
    print(f"GiMeFive on synthetic faces ({'fast' if settings.fast else 'full'} mode): test accuracy {accuracy:.3f} "
          f"on {len(test)} faces; torch threads {torch.get_num_threads()}; layer {args.layer}", flush=True)

    rows, hits = [], {}
    for method in METHOD_NAMES:
        slow = method in SLOW_METHODS
        n_speed = args.slow_images if slow else args.batch
        speed_faces = test.images[:n_speed]
        # Score-CAM and Ablation-CAM need no warm-up (1024 passes per face); their timed maps are also scored.
        maps, seconds = timed_maps(model, speed_faces, method, args.layer, test.labels[:n_speed], args.batch, not slow)
        n_point = args.slow_images if slow else len(test)
        if not slow:
            maps = compute_cams(model, test.images[:n_point], method, args.layer, test.labels[:n_point], args.batch)
        hits[METHOD_LABELS[method]] = pointing_game(maps, test.masks[:n_point])
        rows.append({"method": METHOD_LABELS[method], "ms_per_face": 1000 * seconds / len(speed_faces),
                     "timed_on": len(speed_faces), "pointing": hits[METHOD_LABELS[method]].mean(),
                     "energy": energy_pointing_game(maps, test.masks[:n_point]).mean(), "n": n_point})
        row = rows[-1]
        print(f"  {row['method']}: {row['ms_per_face']:.1f} ms/face (timed on {row['timed_on']}), pointing "
              f"{row['pointing']:.3f}, energy {row['energy']:.3f} (n = {row['n']})", flush=True)
    started = time.perf_counter()
    ig = integrated_gradients_maps(model, test.images, test.labels)
    ig_ms = 1000 * (time.perf_counter() - started) / len(test)
    references = ((INTEGRATED_GRADIENTS, ig, ig_ms), (RANDOM, random_maps(len(test), 64, settings.seed), 0.0),
                  (CENTRE, centre_maps(len(test), 64), 0.0))
    for name, maps, ms in references:
        hits[name] = pointing_game(maps, test.masks)
        rows.append({"method": name, "ms_per_face": ms, "timed_on": len(test),
                     "pointing": hits[name].mean(),
                     "energy": energy_pointing_game(maps, test.masks).mean(), "n": len(test)})
    table = pd.DataFrame(rows)
    if args.json:
        print(table.to_json(orient="records"))
        return
    print(table.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    print(json.dumps(pointing_summary(hits[METHOD_LABELS["gradcam"]], hits[RANDOM], hits[CENTRE], test.masks)))


if __name__ == "__main__":
    main()

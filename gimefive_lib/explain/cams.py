"""Class activation maps from pytorch-grad-cam: one registry of methods, one call that always releases the hooks."""

from __future__ import annotations

import contextlib
import io
from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np
import torch
from pytorch_grad_cam import (
    AblationCAM,
    EigenCAM,
    GradCAM,
    GradCAMPlusPlus,
    HiResCAM,
    LayerCAM,
    ScoreCAM,
    XGradCAM,
)
from pytorch_grad_cam.base_cam import BaseCAM
from pytorch_grad_cam.utils.image import show_cam_on_image
from pytorch_grad_cam.utils.model_targets import ClassifierOutputTarget
from torch import nn

from gimefive_lib.data.preprocess import faces_to_tensor
from gimefive_lib.devices import model_device
from gimefive_lib.labels import EMOTIONS, NUM_CLASSES
from gimefive_lib.models.prediction import predict_labels, predict_proba
from gimefive_lib.models.registry import conv_blocks

CAM_METHODS: dict[str, type[BaseCAM]] = {
    "gradcam": GradCAM,
    "gradcam++": GradCAMPlusPlus,
    "hirescam": HiResCAM,
    "xgradcam": XGradCAM,
    "layercam": LayerCAM,
    "eigencam": EigenCAM,
    "scorecam": ScoreCAM,
    "ablationcam": AblationCAM,
}
METHOD_NAMES: tuple[str, ...] = tuple(CAM_METHODS)
METHOD_LABELS: dict[str, str] = {
    "gradcam": "Grad-CAM", "gradcam++": "Grad-CAM++", "hirescam": "HiResCAM", "xgradcam": "XGrad-CAM",
    "layercam": "LayerCAM", "eigencam": "EigenCAM", "scorecam": "Score-CAM", "ablationcam": "Ablation-CAM",
}
# One forward pass per channel of the target layer and image: seconds per image on a CPU.
SLOW_METHODS: tuple[str, ...] = ("scorecam", "ablationcam")

Targets = None | str | int | Sequence[int]


def rectified_output(block: nn.Module) -> nn.Module:
    """The layer just before a block's final max-pool (its rectified conv output), else the block itself."""
    children = list(block.children())
    if len(children) >= 2 and isinstance(children[-1], nn.MaxPool2d):
        return children[-2]
    return block


def target_layers(model: nn.Module) -> dict[str, nn.Module]:
    """The layers a map can be computed at, by block name, first to last: each conv block's rectified output.

    As in the Grad-CAM paper (the last conv layer, before pooling), a GiMeFive block is read before its
    max-pool: block5 gives 4 x 4 maps instead of the 2 x 2 after pooling. Blocks without a final max-pool
    (ResNet stages) are read at their output.
    """
    return {name: rectified_output(block) for name, block in conv_blocks(model).items()}


def resolve_layer(model: nn.Module, layer_name: str | None) -> nn.Module:
    """The layer called ``layer_name`` (``None`` = the last conv block)."""
    layers = target_layers(model)
    if layer_name is None:
        return list(layers.values())[-1]
    if layer_name not in layers:
        raise ValueError(f"unknown layer {layer_name!r}; choose one of {', '.join(layers)}")
    return layers[layer_name]


def as_face_batch(images: np.ndarray) -> np.ndarray:
    """uint8 faces as an ``(N, H, W)`` array (one ``(H, W)`` face becomes a batch of one)."""
    images = np.asarray(images)
    if images.ndim == 2:
        images = images[None]
    if images.ndim != 3 or images.dtype != np.uint8:
        raise ValueError(f"expected uint8 gray faces of shape (N, H, W) or (H, W), got {images.shape} {images.dtype}")
    return images


def resolve_targets(model: nn.Module, images: np.ndarray, targets: Targets) -> np.ndarray:
    """The class id each map explains: ``None``/``"predicted"`` = the model's prediction, an int or one id per face."""
    images = as_face_batch(images)
    if targets is None or (isinstance(targets, str) and targets == "predicted"):
        return predict_labels(model, images)
    if isinstance(targets, str):
        if targets not in EMOTIONS:
            raise ValueError(f"unknown target {targets!r}; use 'predicted', an emotion name or a class id")
        return np.full(len(images), EMOTIONS.index(targets), dtype=np.int64)
    ids = np.broadcast_to(np.asarray(targets, dtype=np.int64), (len(images),)).copy()
    if ids.size and (ids.min() < 0 or ids.max() >= NUM_CLASSES):
        raise ValueError(f"target class ids must lie in 0..{NUM_CLASSES - 1}, got {sorted(set(ids.tolist()))}")
    return ids


def _make_cam(method: str, model: nn.Module, layer: nn.Module, batch_size: int) -> BaseCAM:
    """An instance of the pytorch-grad-cam method (batch sizes set for the perturbation methods)."""
    if method == "ablationcam":
        return AblationCAM(model=model, target_layers=[layer], batch_size=batch_size)
    cam = CAM_METHODS[method](model=model, target_layers=[layer])
    if method == "scorecam":
        cam.batch_size = batch_size
    return cam


def compute_cams(
    model: nn.Module,
    images: np.ndarray,
    method: str = "gradcam",
    layer_name: str | None = None,
    targets: Targets = "predicted",
    batch_size: int = 32,
) -> np.ndarray:
    """Maps ``(N, H, W)`` float32 in [0, 1] of uint8 faces for one method and layer; the hooks are always released."""
    if method not in CAM_METHODS:
        raise ValueError(f"unknown CAM method {method!r}; choose one of {', '.join(METHOD_NAMES)}")
    images = as_face_batch(images)
    layer = resolve_layer(model, layer_name)
    classes = resolve_targets(model, images, targets)
    device = model_device(model)
    maps: list[np.ndarray] = []
    # Score-CAM and Ablation-CAM draw a tqdm bar per image; keep notebooks and logs quiet.
    quiet = contextlib.redirect_stderr(io.StringIO()) if method in SLOW_METHODS else contextlib.nullcontext()
    with torch.enable_grad(), quiet, _make_cam(method, model, layer, batch_size) as cam:
        for start in range(0, len(images), batch_size):
            x = faces_to_tensor(images[start : start + batch_size], device)
            chosen = [ClassifierOutputTarget(int(c)) for c in classes[start : start + batch_size]]
            maps.append(np.asarray(cam(input_tensor=x, targets=chosen), dtype=np.float32))
    # BaseCAM.__exit__ swallows an IndexError: make sure every batch produced its maps.
    if sum(len(m) for m in maps) != len(images):
        raise RuntimeError(f"{METHOD_LABELS[method]} failed on layer {layer_name!r}: fewer maps than images")
    if not maps:
        return np.zeros((0, *images.shape[1:]), dtype=np.float32)
    return np.clip(np.concatenate(maps), 0.0, 1.0)


@dataclass
class Explanation:
    """One face explained: its map, the class the map explains and the model's class probabilities."""

    image: np.ndarray
    cam: np.ndarray
    target: int
    probabilities: np.ndarray
    method: str
    layer: str

    @property
    def predicted(self) -> int:
        """The class the model predicts."""
        return int(self.probabilities.argmax())


def explain_face(
    model: nn.Module, image: np.ndarray, method: str = "gradcam", layer_name: str | None = None,
    target: str | int | None = "predicted",
) -> Explanation:
    """The map, target and class probabilities of one uint8 face."""
    image = as_face_batch(image)[:1]
    layer_name = layer_name or list(target_layers(model))[-1]
    classes = resolve_targets(model, image, target)
    cam = compute_cams(model, image, method, layer_name, classes, batch_size=32)[0]
    return Explanation(image[0], cam, int(classes[0]), predict_proba(model, image)[0], method, layer_name)


def overlay(image: np.ndarray, cam: np.ndarray, opacity: float = 0.5, colormap: int = cv2.COLORMAP_JET) -> np.ndarray:
    """RGB uint8 picture of a map over a uint8 grayscale face; ``opacity`` is the weight of the map (0 = face only)."""
    if not 0.0 <= opacity <= 1.0:
        raise ValueError(f"opacity must lie in [0, 1], got {opacity}")
    rgb = np.repeat((np.asarray(image, dtype=np.float32) / 255.0)[..., None], 3, axis=2)
    if cam.shape != rgb.shape[:2]:
        cam = cv2.resize(cam, rgb.shape[1::-1], interpolation=cv2.INTER_LINEAR)
    return show_cam_on_image(rgb, np.clip(cam, 0, 1), use_rgb=True, colormap=colormap, image_weight=1.0 - opacity)


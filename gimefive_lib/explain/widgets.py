"""ipywidgets explorers for maps and activations; every callback is a plain method that returns its figure."""

from __future__ import annotations

import io
from dataclasses import dataclass

import cv2
import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np
from IPython.display import Image, display
from torch import nn

from gimefive_lib.data.detection import face_crop, make_detector
from gimefive_lib.data.preprocess import FACE_SIZE, resize_face, to_gray
from gimefive_lib.explain.activations import block_activations, plot_channel_grid, top_channels
from gimefive_lib.explain.cams import (
    METHOD_LABELS,
    METHOD_NAMES,
    SLOW_METHODS,
    as_face_batch,
    compute_cams,
    explain_face,
    target_layers,
)
from gimefive_lib.explain.figures import plot_cam_grid, plot_explanation
from gimefive_lib.labels import EMOTIONS
from gimefive_lib.models.prediction import predict_labels

MAX_CHOICES = 200  # faces offered in the image chooser


@dataclass
class Face:
    """A face to explore: a display name, the uint8 ``(H, W)`` image and its label when known."""

    name: str
    image: np.ndarray
    label: int | None = None


def faces_for_chooser(images: np.ndarray, labels: np.ndarray | None = None, limit: int = MAX_CHOICES) -> list[Face]:
    """The first ``limit`` faces of a dataset, named by index and true label."""
    images = as_face_batch(images)[:limit]
    faces = []
    for i, image in enumerate(images):
        label = None if labels is None else int(labels[i])
        faces.append(Face(f"#{i}" + ("" if label is None else f" ({EMOTIONS[label]})"), image, label))
    return faces


def face_from_bytes(data: bytes, name: str = "upload", size: int = FACE_SIZE) -> tuple[np.ndarray, str]:
    """Decode an uploaded image and crop its largest face (BlazeFace, else Haar; framed like the training faces by
    :func:`~gimefive_lib.data.detection.face_crop`); returns ``(face, note)``.

    Without a detected face the whole image is used (and the note says so); undecodable bytes raise ValueError.
    """
    decoded = cv2.imdecode(np.frombuffer(bytes(data), dtype=np.uint8), cv2.IMREAD_COLOR)
    if decoded is None:
        raise ValueError(f"{name}: not an image OpenCV can decode (expected PNG, JPEG, BMP ...)")
    rgb = cv2.cvtColor(decoded, cv2.COLOR_BGR2RGB)
    detector = make_detector()
    boxes = detector.detect(rgb)
    if boxes:
        return face_crop(rgb, detector, boxes[0], size), f"{name}: face found at {boxes[0]}"
    return resize_face(to_gray(rgb), size), f"{name}: no face detected, using the whole image"


def uploaded_files(value) -> list[tuple[str, bytes]]:
    """``(name, bytes)`` of a FileUpload value (ipywidgets 8: a tuple of dicts with ``name`` and ``content``)."""
    return [(item["name"], bytes(item["content"])) for item in value]


def static_copy(figure, dpi: int = 80) -> Image:
    """A PNG of a matplotlib figure, for the page that shows a widget's view without a kernel."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight")
    return Image(data=buffer.getvalue(), format="png")


def display_with_static_copy(widget: widgets.Widget, figure) -> None:
    """Display a live widget, then a static PNG of its current view: JupyterLab shows both, and GitHub or nbviewer,
    which cannot run the widget without a kernel, still show the view."""
    display(widget)
    display(static_copy(figure))


def _show(output: widgets.Output, figure) -> None:
    """Replace the output's content with ``figure`` and close it (so it is not drawn twice)."""
    output.clear_output(wait=True)
    with output:
        display(figure)
    plt.close(figure)


class CamExplorer:
    """Choose a face (dataset or upload), target class, layer, method and opacity; see the map and probabilities.

    ``view`` switches between one face and a grid of ``grid_size`` faces starting at the chosen one.
    """

    def __init__(
        self, model: nn.Module, images: np.ndarray, labels: np.ndarray | None = None,
        methods: tuple[str, ...] = METHOD_NAMES, grid_size: int = 16,
    ) -> None:
        self.model = model.eval()
        self.faces = faces_for_chooser(images, labels)
        self.grid_size = grid_size
        layers = list(target_layers(model))
        self.image = widgets.Dropdown(options=self._image_options(), value=0, description="face")
        self.upload = widgets.FileUpload(accept="image/*", multiple=False, description="upload")
        self.target = widgets.Dropdown(options=[("predicted", "predicted"), *[(e, e) for e in EMOTIONS]],
                                       value="predicted", description="explain")
        self.layer = widgets.Dropdown(options=layers, value=layers[-1], description="layer")
        self.method = widgets.Dropdown(options=[(METHOD_LABELS[m], m) for m in methods], value=methods[0],
                                       description="method")
        self.opacity = widgets.FloatSlider(value=0.5, min=0.0, max=1.0, step=0.05, description="opacity")
        self.view = widgets.ToggleButtons(options=["single", "grid"], value="single", description="view")
        self.status = widgets.HTML()
        self.output = widgets.Output()
        for control in (self.image, self.target, self.layer, self.method, self.opacity, self.view):
            control.observe(self.update, names="value")
        self.upload.observe(self.on_upload, names="value")
        self.update()

    def _image_options(self) -> list[tuple[str, int]]:
        return [(face.name, i) for i, face in enumerate(self.faces)]

    @property
    def widget(self) -> widgets.Widget:
        """The explorer's controls and output, ready to display."""
        controls = widgets.VBox([self.image, self.upload, self.target, self.layer, self.method, self.opacity,
                                 self.view, self.status])
        return widgets.HBox([controls, self.output])

    def single_figure(self):
        """The chosen face, its map and the class probabilities (matplotlib figure)."""
        face = self.faces[self.image.value]
        explanation = explain_face(self.model, face.image, self.method.value, self.layer.value, self.target.value)
        return plot_explanation(explanation, self.opacity.value)

    def grid_figure(self):
        """The chosen method's maps over ``grid_size`` faces from the chosen one on (matplotlib figure)."""
        start = self.image.value
        chosen = self.faces[start : start + self.grid_size]
        images = np.stack([f.image for f in chosen])
        predicted = predict_labels(self.model, images)
        cams = compute_cams(self.model, images, self.method.value, self.layer.value, self.target.value)
        titles = [f"{EMOTIONS[p]}" + ("" if f.label is None else f" / {EMOTIONS[f.label]}")
                  for f, p in zip(chosen, predicted, strict=True)]
        label = f"{METHOD_LABELS[self.method.value]} @ {self.layer.value} (predicted / true)"
        return plot_cam_grid(images, cams, titles, self.opacity.value, title=label)

    def update(self, change=None):
        """Redraw for the current choices; returns the figure (already closed)."""
        slow = self.method.value in SLOW_METHODS
        self.status.value = "<i>Score-CAM / Ablation-CAM: one forward pass per channel, seconds per face</i>" if slow \
            else ""
        figure = self.grid_figure() if self.view.value == "grid" else self.single_figure()
        _show(self.output, figure)
        self.last_figure = figure
        return figure

    def show(self) -> None:
        """Display the explorer, with a static copy of its first view for readers without a kernel."""
        display_with_static_copy(self.widget, self.last_figure)

    def add_face(self, name: str, data: bytes) -> Face:
        """Decode uploaded bytes, add the face to the chooser and select it."""
        image, note = face_from_bytes(data, name)
        self.faces.append(Face(name, image))
        self.status.value = note
        self.image.options = self._image_options()
        self.image.value = len(self.faces) - 1
        return self.faces[-1]

    def on_upload(self, change) -> None:
        """FileUpload callback: add every uploaded file; a file that is not an image is reported, nothing is lost."""
        for name, data in uploaded_files(change["new"]):
            try:
                self.add_face(name, data)
            except ValueError as error:
                self.status.value = f"<b>{error}</b>"


class ActivationExplorer:
    """Choose a face, a block and either the top-k channels by mean activation or one channel; see the feature maps."""

    def __init__(self, model: nn.Module, images: np.ndarray, labels: np.ndarray | None = None) -> None:
        self.model = model.eval()
        self.faces = faces_for_chooser(images, labels)
        layers = list(target_layers(model))
        self.image = widgets.Dropdown(options=[(f.name, i) for i, f in enumerate(self.faces)], value=0,
                                      description="face")
        self.layer = widgets.Dropdown(options=layers, value=layers[0], description="layer")
        self.mode = widgets.ToggleButtons(options=["top-k", "channel"], value="top-k", description="show")
        self.k = widgets.IntSlider(value=16, min=1, max=64, description="k")
        self.channel = widgets.IntSlider(value=0, min=0, max=0, description="channel")
        self.output = widgets.Output()
        self._drawing = False
        for control in (self.image, self.layer, self.mode, self.k, self.channel):
            control.observe(self.update, names="value")
        self.update()

    @property
    def widget(self) -> widgets.Widget:
        """The explorer's controls and output, ready to display."""
        return widgets.HBox([widgets.VBox([self.image, self.layer, self.mode, self.k, self.channel]), self.output])

    def activation(self) -> np.ndarray:
        """Feature maps ``(C, h, w)`` of the chosen face at the chosen block."""
        face = self.faces[self.image.value]
        return block_activations(self.model, face.image, [self.layer.value])[self.layer.value]

    def figure(self):
        """The chosen channels' feature maps (matplotlib figure)."""
        activation = self.activation()
        self.channel.max = len(activation) - 1
        if self.mode.value == "top-k":
            channels, what = top_channels(activation, self.k.value), f"top {self.k.value} channels by mean"
        else:
            channels, what = [self.channel.value], f"channel {self.channel.value}"
        title = f"{self.faces[self.image.value].name}: {self.layer.value} {activation.shape[1]}x{activation.shape[2]}, "
        return plot_channel_grid(activation, channels, title + what)

    def update(self, change=None):
        """Redraw for the current choices; returns the figure (already closed), None while already drawing."""
        if self._drawing:  # the channel slider's range follows the layer; its clamping must not redraw twice
            return None
        self._drawing = True
        try:
            figure = self.figure()
        finally:
            self._drawing = False
        _show(self.output, figure)
        self.last_figure = figure
        return figure

    def show(self) -> None:
        """Display the explorer, with a static copy of its first view for readers without a kernel."""
        display_with_static_copy(self.widget, self.last_figure)

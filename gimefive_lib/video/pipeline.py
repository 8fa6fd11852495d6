"""``FramePipeline``: detect the faces of a frame, classify them in one batch, explain them with Grad-CAM, smooth."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
import torch
from torch import nn

from gimefive_lib.data.boxes import match_boxes
from gimefive_lib.data.detection import Box, FaceDetector, crop_face, face_square, iou, make_detector
from gimefive_lib.data.preprocess import FACE_SIZE, faces_to_tensor
from gimefive_lib.devices import autocast_dtype, model_device
from gimefive_lib.labels import EMOTIONS
from gimefive_lib.models.fused import InferenceTrunk
from gimefive_lib.video.background_scan import BackgroundScan
from gimefive_lib.video.face_cam import last_block_cams, split_gimefive
from gimefive_lib.video.mesh import MediaPipeLandmarker, assign_to_boxes
from gimefive_lib.video.tracking import IoUTracker, Track


@dataclass
class FaceResult:
    """One face of a frame: box, track id, this frame's and the smoothed probabilities, Grad-CAM, landmarks."""

    box: Box
    track_id: int
    probabilities: np.ndarray
    smoothed: np.ndarray
    cam: np.ndarray | None = None
    landmarks: np.ndarray | None = None

    @property
    def label(self) -> int:
        """The shown class: argmax of the smoothed probabilities."""
        return int(np.argmax(self.smoothed))

    @property
    def emotion(self) -> str:
        """Name of the shown class."""
        return EMOTIONS[self.label]

    @property
    def confidence(self) -> float:
        """Smoothed probability of the shown class."""
        return float(self.smoothed[self.label])


@dataclass
class FrameResult:
    """Everything the pipeline found in one frame, with the seconds each stage took."""

    index: int
    time_s: float
    faces: list[FaceResult]
    timings: dict[str, float] = field(default_factory=dict)


@dataclass
class LocatedFaces:
    """A frame's face boxes (aligned-face squares), the track each was assigned to, and the seconds it took."""

    boxes: list[Box]
    tracks: list[Track]
    timings: dict[str, float]


# Frames between whole-frame searches for new faces (a lost face is searched for at once): the camera widget's 10,
# about a second at its frame rate; the ``video`` command's 30, a second of 30-fps video, where a full search (about
# 80 ms of BlazeFace views) every 10th frame cost a third of the time per frame (bench/video_fps.py).
FULL_SCAN_EVERY = 10
VIDEO_FULL_SCAN_EVERY = 30


class FramePipeline:
    """Faces of video frames -> smoothed GiMeFive probabilities, Grad-CAM of the last block and landmarks.

    Crops are made exactly as in training (grayscale, 64x64, ImageNet normalisation); all faces of a frame
    go through the model in one batch and the conv layers run once, from a fused channels_last copy (Grad-CAM
    of the last block, read before its max-pool, back-propagates only through the head). With
    ``reduced_precision`` (the default) that copy holds bf16 weights on a CPU with AVX512-BF16 or AMX (fp16 or
    bf16 on CUDA; elsewhere fp32), and so does a copy of the classifier: on 2 cores the conv layers take 3.5
    against 6.2 ms for one face, the classifier 0.5 against 1.0 ms and Grad-CAM's pass through it 1.8 against
    2.8 ms (four faces: 0.7 against 2.4 and 2.5 against 6.2 ms). The probabilities move by about 0.01; Grad-CAM
    still reads fp32 activations and gradients at the tap, its maps within 0.01. Build a new pipeline after
    changing the model's weights. ``smoothing`` is the EMA weight of the past per
    tracked face; ``landmarks`` attaches landmarks to the faces: the frame's own (synthetic clips) or else
    MediaPipe's face mesh. The detector defaults to BlazeFace without its mirror scan
    (``make_detector(mirror=False)``, Haar without mediapipe): the mirror finds about one face in two hundred
    more in a still frame but makes a full scan 60 ms slower, and a real-time pipeline scans again within a
    second, each scan a new chance to find the face. Each box becomes the square that frames the face like
    RAF-DB's aligned training faces (``face_square``), grown by
    ``margin`` (a fraction of its side), and that square is the face's box in the results, the drawing and the CSV.
    The whole frame is searched for faces every ``full_scan_every`` frames; in between, the detector's
    ``detect_near`` looks only around the faces it follows, so a new face appears within ``full_scan_every``
    frames (1 = search the whole frame every time), and at once when a followed face is not found again.
    """

    def __init__(
        self,
        model: nn.Module,
        detector: FaceDetector | None = None,
        *,
        cam: bool = True,
        smoothing: float = 0.6,
        landmarks: bool = False,
        margin: float = 0.0,
        max_faces: int = 8,
        full_scan_every: int = FULL_SCAN_EVERY,
        reduced_precision: bool = True,
    ) -> None:
        self.model = model.eval()
        self.device = model_device(model)
        dtype = autocast_dtype(self.device) if reduced_precision else None
        trunk, self.head = split_gimefive(model, dtype)
        self.trunk = InferenceTrunk(trunk, dtype)
        self.detector = detector or make_detector(mirror=False)
        self.cam = cam
        self.margin = margin
        self.max_faces = max_faces
        self.full_scan_every = max(1, full_scan_every)
        self._since_full_scan = 0
        self._suspects: list[Box] = []  # faces the last frame's full scan found where the near search lost some
        self.tracker = IoUTracker(smoothing=smoothing)
        self.landmarks = landmarks
        self._landmarker: MediaPipeLandmarker | None = None
        self.background: BackgroundScan | None = None

    def reset(self) -> None:
        """Forget the tracked faces (call between videos)."""
        self.tracker.reset()
        self._since_full_scan = 0
        self._suspects = []
        if self.background is not None:
            self.background.cancel()

    def scan_in_background(self, detector: FaceDetector) -> None:
        """Run the scheduled full scans on ``detector`` (a second instance of the pipeline's kind) in a worker
        thread, for a live camera: the frame a scan is due in is tracked as usual, and the new faces the scan finds
        join the first frame after it ends (:class:`~gimefive_lib.video.background_scan.BackgroundScan`). Scans that
        a lost face or an empty frame asks for still run at once. Results then depend on timing, so videos and
        benchmarks keep the scans in turn."""
        self.background = BackgroundScan(detector)

    def _detect(self, image: np.ndarray) -> list[Box]:
        """A full scan every ``full_scan_every`` frames (or when no face is followed or one is lost), else a search
        near where the faces are predicted to be (:attr:`Track.predicted`). A face lost again where the scan its
        loss sent had found it is not searched for at once a second time: a false face that full scans find but the
        near search does not (a face-like patch of the background) otherwise sent a full scan on every frame (8 in
        a row on the first frames of a real-face clip). A new face that such a scan found elsewhere still gets one
        (a camera's faces that move by half their size between frames were otherwise missed in every other
        frame)."""
        known = [track.predicted for track in self.tracker.tracks if track.missing == 0]
        detect_near = getattr(self.detector, "detect_near", None)
        due = self._since_full_scan + 1 >= self.full_scan_every
        if detect_near is None or not known or (due and self.background is None):
            self._since_full_scan, self._suspects = 0, []
            return self.detector.detect(image)
        if due and self.background.submit(image):
            self._since_full_scan = -1  # counts from this frame, like a scan in turn
        found = detect_near(image, known)
        taken = match_boxes(known, found, self.tracker.min_iou)
        lost = [box for i, box in enumerate(known) if i not in taken]
        if any(all(iou(box, suspect) <= 0.3 for suspect in self._suspects) for box in lost):
            faces = self.detector.detect(image)  # lost (it moved fast, or left): search the frame now
            self._since_full_scan = 0
            self._suspects = [face for face in faces if any(iou(face, box) > 0.3 for box in lost)]
            return faces
        self._since_full_scan += 1
        self._suspects = []
        if self.background is not None:
            found = found + self.background.new_faces(found, self.tracker.min_iou)
        return found

    def process(
        self, image: np.ndarray, index: int = 0, time_s: float = 0.0, landmarks: list[np.ndarray] | None = None
    ) -> FrameResult:
        """Analyse one RGB (or gray) frame; ``landmarks`` are known point sets of its faces (synthetic clips)."""
        return self.describe(image, self.locate(image), index, time_s, landmarks)

    def locate(self, image: np.ndarray) -> LocatedFaces:
        """Find the frame's faces and assign them to their tracks: the first half of :meth:`process`. Frames must
        be located in order; the next frame can be located while this one is described (only the tracks' boxes
        change here), which :func:`gimefive_lib.video.lookahead.located_frames` does in a second thread."""
        started = time.perf_counter()
        found = self._detect(image)[: self.max_faces]
        height, width = image.shape[:2]
        boxes = [face_square(self.detector, box, width, height) for box in found]
        tracks = self.tracker.assign(boxes)
        return LocatedFaces(boxes, tracks, {"detect": time.perf_counter() - started})

    def describe(
        self, image: np.ndarray, located: LocatedFaces, index: int = 0, time_s: float = 0.0,
        landmarks: list[np.ndarray] | None = None,
    ) -> FrameResult:
        """Classify the located faces in one batch, smooth them per track, add Grad-CAM and landmarks: the second
        half of :meth:`process`. Frames must be described in the order they were located."""
        timings = dict(located.timings)
        boxes, tracks = located.boxes, located.tracks
        if not boxes:
            return FrameResult(index, time_s, [], timings)

        started = time.perf_counter()
        crops = np.stack([crop_face(image, box, FACE_SIZE, self.margin) for box in boxes])
        with torch.no_grad():
            features = self.trunk(faces_to_tensor(crops, self.device))
            probabilities = torch.softmax(self.head(features), dim=1).cpu().numpy()
        self.tracker.observe(tracks, probabilities)
        smoothed = [track.smoothed.copy() for track in tracks]
        timings["classify"] = time.perf_counter() - started

        cams: list[np.ndarray | None] = [None] * len(boxes)
        if self.cam:
            started = time.perf_counter()
            labels = [int(np.argmax(s)) for s in smoothed]
            cams = list(last_block_cams(self.head, features, labels, FACE_SIZE))
            timings["cam"] = time.perf_counter() - started

        started = time.perf_counter()
        points = self._landmarks(image, boxes, landmarks)
        timings["landmarks"] = time.perf_counter() - started
        faces = [
            FaceResult(box, track.track_id, probabilities[i], smoothed[i], cams[i], points[i])
            for i, (box, track) in enumerate(zip(boxes, tracks, strict=True))
        ]
        return FrameResult(index, time_s, faces, timings)

    def _landmarks(self, image: np.ndarray, boxes: list[Box], known: list[np.ndarray] | None) -> list:
        """None per box when landmarks are off, else the frame's known landmarks or the face mesh's."""
        if not self.landmarks:
            return [None] * len(boxes)
        if known is not None:
            return assign_to_boxes(list(known), boxes)
        if self._landmarker is None:
            self._landmarker = MediaPipeLandmarker()
        return self._landmarker.locate(image, boxes)

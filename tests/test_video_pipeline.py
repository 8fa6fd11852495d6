"""The frame pipeline: one batch per frame, Grad-CAM equal to the library's on the whole model, tracking, drawing."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest
import torch
from pytorch_grad_cam import GradCAM
from pytorch_grad_cam.utils.model_targets import ClassifierOutputTarget

from gimefive_lib.data.boxes import match_boxes
from gimefive_lib.data.detection import Box, HaarFaceDetector, ScaledHaarDetector, crop_face, iou, make_detector
from gimefive_lib.data.preprocess import faces_to_tensor
from gimefive_lib.devices import autocast_dtype
from gimefive_lib.models import build_model, last_conv_block
from gimefive_lib.video.background_scan import BackgroundScan
from gimefive_lib.video.draw import draw_results
from gimefive_lib.video.face_cam import last_block_cams, split_gimefive
from gimefive_lib.video.frames import astronaut_clip, synthetic_clip
from gimefive_lib.video.pipeline import FaceResult, FramePipeline, FrameResult
from gimefive_lib.video.tracking import IoUTracker


@pytest.fixture(scope="module")
def model() -> torch.nn.Module:
    """An untrained GiMeFive (the tests must not depend on training)."""
    torch.manual_seed(0)
    return build_model("gimefive").eval()


@pytest.fixture(scope="module")
def astronaut_frame() -> np.ndarray:
    """A 640x480 frame with one real face."""
    return astronaut_clip(1).images[0]


@pytest.fixture(scope="module")
def two_faces():
    """The first frame of the synthetic clip: two faces with exact landmarks."""
    return next(iter(synthetic_clip(2)))


def test_head_cam_equals_gradcam_of_the_whole_model(model):
    faces = np.random.default_rng(0).integers(0, 256, (6, 64, 64), dtype=np.uint8)
    x, labels = faces_to_tensor(faces), [0, 1, 2, 3, 4, 5]
    trunk, head = split_gimefive(model)
    with torch.no_grad():
        features = trunk(x)
        np.testing.assert_allclose(head(features).numpy(), model(x).numpy(), atol=1e-5)
    ours = last_block_cams(head, features, labels)
    rectified = last_conv_block(model)[-2]  # the last block's ReLU, before its max-pool (as the paper's conv5)
    with GradCAM(model=model, target_layers=[rectified]) as cam:
        reference = cam(input_tensor=x, targets=[ClassifierOutputTarget(k) for k in labels])
    assert ours.shape == (6, 64, 64)
    assert (ours.std(axis=(1, 2)) > 0.05).sum() >= 3  # mostly real maps, not all-zero ones
    np.testing.assert_allclose(ours, reference, atol=1e-5)


def test_a_bf16_head_is_a_copy_that_answers_in_fp32_like_the_fp32_head(model):
    faces = np.random.default_rng(1).integers(0, 256, (4, 64, 64), dtype=np.uint8)
    trunk, exact = split_gimefive(model)
    _, quick = split_gimefive(model, torch.bfloat16)
    with torch.no_grad():
        features = trunk(faces_to_tensor(faces))
        logits, reference = quick(features), exact(features)
    assert logits.dtype == torch.float32 and quick.classifier[0].weight.dtype == torch.bfloat16
    assert model.classifier[0].weight.dtype == torch.float32  # the model keeps its own fp32 layers
    scale = reference.abs().max().item()
    assert (logits - reference).abs().max().item() < 0.02 * scale
    labels = [0, 1, 2, 3]
    pairs = zip(last_block_cams(quick, features, labels), last_block_cams(exact, features, labels), strict=True)
    shaped = [(ours, theirs) for ours, theirs in pairs if theirs.std() > 0.05]  # untrained: some maps near-flat
    assert len(shaped) >= 2
    assert all(np.corrcoef(ours.ravel(), theirs.ravel())[0, 1] > 0.95 for ours, theirs in shaped)


def test_splitting_leaves_the_model_s_mode_alone_and_the_bf16_copy_infers():
    training = build_model("gimefive").train()
    _, shared = split_gimefive(training)
    _, copied = split_gimefive(training, torch.bfloat16)
    assert training.classifier.training and shared.classifier is training.classifier
    assert not copied.classifier.training  # dropout off in the copy, which only infers


def test_cam_leaves_the_model_as_it_was(model, astronaut_frame):
    model.zero_grad(set_to_none=True)
    FramePipeline(model).process(astronaut_frame)
    assert all(p.requires_grad and p.grad is None for p in model.parameters())


def test_astronaut_face_is_found_classified_and_explained(model, astronaut_frame):
    result = FramePipeline(model).process(astronaut_frame, index=3, time_s=0.25)
    assert (result.index, result.time_s) == (3, 0.25)
    assert len(result.faces) == 1
    face = result.faces[0]
    assert 200 < face.box.x + face.box.w / 2 < 440 and face.box.w > 60
    assert face.probabilities.shape == (6,) and face.probabilities.sum() == pytest.approx(1.0, abs=1e-5)
    assert face.cam.shape == (64, 64) and face.cam.min() >= 0.0 and face.cam.max() <= 1.0
    assert set(result.timings) == {"detect", "classify", "cam", "landmarks"}


def test_all_faces_in_one_batch_match_each_face_alone(model, two_faces):
    result = FramePipeline(model, smoothing=0.0, reduced_precision=False).process(two_faces.image)
    assert len(result.faces) == 2
    for face in result.faces:
        x = faces_to_tensor(crop_face(two_faces.image, face.box))  # the training preprocessing, one face
        with torch.no_grad():
            alone = torch.softmax(model(x), dim=1)[0].numpy()
        np.testing.assert_allclose(face.probabilities, alone, atol=1e-5)


def test_reduced_precision_follows_the_cpu_and_keeps_the_answers(model, two_faces):
    fast = FramePipeline(model, smoothing=0.0)
    exact = FramePipeline(model, smoothing=0.0, reduced_precision=False)
    assert fast.trunk.dtype == autocast_dtype(torch.device("cpu"))  # bf16 where the CPU has it, else None
    assert exact.trunk.dtype is None
    assert fast.head.dtype == fast.trunk.dtype and exact.head.dtype is None
    pairs = list(zip(fast.process(two_faces.image).faces, exact.process(two_faces.image).faces, strict=True))
    assert len(pairs) == 2
    for quick, full in pairs:
        assert quick.box == full.box
        np.testing.assert_allclose(quick.probabilities, full.probabilities, atol=0.02)
        assert np.abs(quick.cam - full.cam).mean() < 0.08  # an untrained model: near-flat maps, each rescaled to 0-1
        assert np.corrcoef(quick.cam.ravel(), full.cam.ravel())[0, 1] > 0.95


def test_frame_without_faces_gives_no_faces_and_a_note(model):
    blank = np.full((480, 640, 3), 128, np.uint8)
    result = FramePipeline(model).process(blank)
    assert result.faces == []
    drawn = draw_results(blank, result)
    assert drawn.shape == blank.shape and (drawn != blank).any()  # "no face found" is written


def test_no_cam_option_skips_grad_cam(model, astronaut_frame):
    result = FramePipeline(model, cam=False).process(astronaut_frame)
    assert result.faces[0].cam is None and "cam" not in result.timings


def test_known_landmarks_are_matched_to_their_faces(model, two_faces):
    faces = FramePipeline(model, landmarks=True, cam=False).process(
        two_faces.image, landmarks=two_faces.landmarks
    ).faces
    assert len(faces) == 2
    for face in faces:
        centre = face.landmarks.mean(axis=0)
        assert face.landmarks.shape == (68, 2)
        assert face.box.x < centre[0] < face.box.x + face.box.w and face.box.y < centre[1] < face.box.y + face.box.h


def test_pipeline_needs_a_gimefive():
    with pytest.raises(ValueError, match="GiMeFive"):
        FramePipeline(build_model("resnet18"))


def test_tracker_keeps_ids_and_smooths_probabilities():
    tracker = IoUTracker(smoothing=0.5, max_missing=1)
    first, second = np.eye(6)[[0]], np.eye(6)[[1]]
    (a,) = tracker.update([Box(100, 100, 80, 80)], first)
    (b,) = tracker.update([Box(104, 102, 80, 80)], second)  # moved a little: same face
    assert a.track_id == b.track_id == 0
    np.testing.assert_allclose(b.smoothed, 0.5 * first[0] + 0.5 * second[0])
    (c,) = tracker.update([Box(400, 100, 80, 80)], first)  # elsewhere: a new face
    assert c.track_id == 1
    tracker.update([], np.empty((0, 6)))
    assert [t.track_id for t in tracker.tracks] == [1]  # face 0 unseen for 2 frames > max_missing


def test_boxes_are_assigned_before_their_probabilities_are_observed():
    tracker = IoUTracker(smoothing=0.5)
    (a,) = tracker.assign([Box(100, 100, 80, 80)])
    assert a.smoothed is None  # a new face has no average until its probabilities come
    (b,) = tracker.assign([Box(110, 100, 80, 80)])  # the next frame assigned before this one is classified
    assert b is a and a.box == Box(110, 100, 80, 80) and a.motion == (10, 0) and a.smoothed is None
    tracker.observe([a], np.eye(6)[[2]])
    tracker.observe([b], np.eye(6)[[4]])
    np.testing.assert_allclose(a.smoothed, 0.5 * np.eye(6)[2] + 0.5 * np.eye(6)[4])


def test_a_face_that_speeds_up_to_more_than_half_its_size_a_frame_keeps_its_track():
    tracker = IoUTracker(smoothing=0.5)
    probabilities = np.eye(6)[[0]]
    xs = [100, 120, 170, 220, 270]  # 20 px, then 50 px a frame, for a face of 80 px
    ids = [tracker.update([Box(x, 100, 80, 80)], probabilities)[0].track_id for x in xs]
    assert iou(Box(120, 100, 80, 80), Box(170, 100, 80, 80)) < 0.3  # by its last box alone it would be lost
    assert ids == [0, 0, 0, 0, 0]
    assert tracker.tracks[0].predicted == Box(320, 100, 80, 80)  # where the pipeline searches next


def test_boxes_are_matched_one_to_one_the_most_overlapping_first():
    boxes = [Box(0, 0, 10, 10), Box(2, 0, 10, 10)]
    assert match_boxes(boxes, [Box(2, 0, 10, 10)], 0.3) == {1: 0}
    assert match_boxes(boxes, [Box(1, 0, 10, 10), Box(100, 0, 10, 10)], 0.3) in ({0: 0}, {1: 0})
    assert match_boxes(boxes, [Box(50, 50, 10, 10)], 0.3) == {}


def test_iou():
    assert iou(Box(0, 0, 10, 10), Box(0, 0, 10, 10)) == 1.0
    assert iou(Box(0, 0, 10, 10), Box(5, 0, 10, 10)) == pytest.approx(50 / 150)
    assert iou(Box(0, 0, 10, 10), Box(20, 20, 5, 5)) == 0.0


def test_downscaled_haar_boxes_are_in_frame_coordinates(astronaut_frame):
    full = HaarFaceDetector(min_neighbors=10, min_size=64).detect(astronaut_frame)  # the paper's settings
    (half,) = ScaledHaarDetector(scale=0.5).detect(astronaut_frame)
    assert max(iou(box, half) for box in full) > 0.7


def test_mediapipe_detector_finds_the_astronaut(astronaut_frame):
    (haar,) = ScaledHaarDetector().detect(astronaut_frame)
    found = make_detector("mediapipe").detect(astronaut_frame)
    assert len(found) == 1 and iou(found[0], haar) > 0.3
    with pytest.raises(ValueError, match="unknown face detector"):
        make_detector("dlib")


def test_the_real_time_pipeline_skips_the_mirror_scan_that_still_images_get(model):
    """A full scan of the mirrored frame costs 60 ms; the pipeline scans again within a second instead."""
    pytest.importorskip("mediapipe")
    assert make_detector().mirror and not make_detector(mirror=False).mirror
    assert not FramePipeline(model, cam=False).detector.mirror


def test_face_mesh_landmarks_for_a_real_face(model, astronaut_frame):
    (face,) = FramePipeline(model, landmarks=True, cam=False).process(astronaut_frame).faces
    assert face.landmarks.shape == (468, 2)
    centre = face.landmarks.mean(axis=0)
    assert face.box.x < centre[0] < face.box.x + face.box.w


def test_drawing_changes_only_a_copy_and_marks_the_box():
    image = np.zeros((120, 200, 3), np.uint8)
    cam = np.zeros((64, 64), np.float32)
    cam[:32] = 1.0
    face = FaceResult(Box(20, 30, 60, 60), 0, np.full(6, 1 / 6), np.eye(6)[2], cam, np.array([[50.0, 60.0]]))
    drawn = draw_results(image, FrameResult(0, 0.0, [face]))
    assert not image.any()
    inside = drawn[32:88, 22:78]
    assert inside[:20, :, 0].mean() > inside[-20:, :, 0].mean()  # jet colours: the hot half is red,
    assert inside[:20, :, 2].mean() < inside[-20:, :, 2].mean()  # the cold half blue
    assert (drawn[60, 50] == 255).all()  # the landmark
    assert drawn[:, 85:].any()  # probability bars right of the box


def test_search_near_known_faces_finds_them_again_and_nothing_else(astronaut_frame):
    detector = ScaledHaarDetector()
    (full,) = detector.detect(astronaut_frame)
    (again,) = detector.detect_near(astronaut_frame, [full])
    assert iou(full, again) > 0.7
    assert detector.detect_near(np.full_like(astronaut_frame, 128), [full]) == []


def test_a_new_face_is_found_at_the_next_full_scan(model):
    frames = synthetic_clip(6).images.copy()
    frames[:2, :, 320:] = 120  # the right face enters at frame 2
    pipeline = FramePipeline(model, cam=False, full_scan_every=3)
    counts = [len(pipeline.process(frame, i).faces) for i, frame in enumerate(frames)]
    assert counts == [1, 1, 1, 2, 2, 2]  # full scans at frames 0 and 3; in between only near known faces


def test_a_face_that_jumps_is_found_again_in_the_same_frame(model):
    frames = synthetic_clip(4).images.copy()
    frames[:2, :, 320:] = 120  # only the left face in frames 0-1
    frames[2:, :, :320] = 120  # only the right face from frame 2: the followed face is lost, a new one is there
    pipeline = FramePipeline(model, cam=False, full_scan_every=10)
    results = [pipeline.process(frame, i) for i, frame in enumerate(frames)]
    assert [len(r.faces) for r in results] == [1, 1, 1, 1]  # found at once, not at the next full scan
    assert results[2].faces[0].box.x >= 320 - results[2].faces[0].box.w // 2


class _FalseFaceDetector:
    """Full scans find a face and a false one beside it; the search near known faces finds only the face."""

    face, false_face = Box(100, 100, 120, 120), Box(400, 100, 120, 120)

    def __init__(self) -> None:
        self.full_scans = 0

    def detect(self, image: np.ndarray) -> list[Box]:
        self.full_scans += 1
        return [self.face, self.false_face]

    def detect_near(self, image: np.ndarray, known: list[Box]) -> list[Box]:
        return [box for box in known if box == self.face]


def test_a_false_face_the_near_search_loses_sends_one_full_scan_not_one_per_frame(model):
    detector = _FalseFaceDetector()
    pipeline = FramePipeline(model, detector, cam=False, full_scan_every=10)
    frame = np.full((480, 640, 3), 128, np.uint8)
    counts = [len(pipeline.process(frame, i).faces) for i in range(8)]
    assert detector.full_scans == 2  # frame 0 (the first) and frame 1 (the false face lost), then none till frame 10
    assert counts == [2, 2, 1, 1, 1, 1, 1, 1]


class _NewFaceDetector:
    """Full scans find face A, then face B elsewhere (A left), then B where it moved; near searches find nothing
    (both faces move too fast for them)."""

    scans = [[Box(40, 40, 120, 120)], [Box(400, 200, 120, 120)], [Box(470, 250, 120, 120)]]

    def __init__(self) -> None:
        self.full_scans = 0

    def detect(self, image: np.ndarray) -> list[Box]:
        self.full_scans += 1
        return self.scans[min(self.full_scans, len(self.scans)) - 1]

    def detect_near(self, image: np.ndarray, known: list[Box]) -> list[Box]:
        return []


def test_a_new_face_the_rescan_found_elsewhere_gets_a_rescan_when_it_is_lost(model):
    detector = _NewFaceDetector()
    pipeline = FramePipeline(model, detector, cam=False, full_scan_every=10)
    frame = np.full((480, 640, 3), 128, np.uint8)
    results = [pipeline.process(frame, i) for i in range(3)]
    assert detector.full_scans == 3  # frame 0, then A lost (B found), then B lost (found where it moved)
    assert [[face.box.x for face in r.faces] for r in results] == [[40], [400], [470]]


class _SlowScanDetector:
    """A face near which the near search finds it; a full scan (slow, released by ``go``) finds it and a new one."""

    face, new_face = Box(100, 100, 120, 120), Box(400, 100, 120, 120)

    def __init__(self, go: threading.Event | None = None) -> None:
        self.go = go
        self.full_scans = 0

    def detect(self, image: np.ndarray) -> list[Box]:
        self.full_scans += 1
        if self.go is not None:
            assert self.go.wait(10)
            return [self.face, self.new_face]
        return [self.face]

    def detect_near(self, image: np.ndarray, known: list[Box]) -> list[Box]:
        return [box for box in known if box in (self.face, self.new_face)]


def test_a_scan_in_the_background_never_holds_a_frame_and_its_new_faces_join_a_later_one(model):
    go = threading.Event()
    pipeline = FramePipeline(model, _SlowScanDetector(), cam=False, full_scan_every=3)
    background = _SlowScanDetector(go)
    pipeline.scan_in_background(background)
    frame = np.full((480, 640, 3), 128, np.uint8)
    counts = [len(pipeline.process(frame, i).faces) for i in range(5)]  # frame 0 scans in turn; frame 2's is due
    assert counts == [1, 1, 1, 1, 1] and pipeline.background.busy  # the scan waits; the frames did not
    go.set()
    deadline = time.monotonic() + 10
    while len(pipeline.process(frame, 5).faces) == 1 and time.monotonic() < deadline:
        time.sleep(0.01)
    boxes = [face.box for face in pipeline.process(frame, 6).faces]
    assert boxes == [_SlowScanDetector.face, _SlowScanDetector.new_face]  # followed from then on
    assert pipeline.detector.full_scans == 1  # the foreground scanned only the first frame
    pipeline.background.close()


def test_a_background_scan_reports_only_faces_nobody_follows_and_raises_its_errors():
    class Failing:
        def detect(self, image: np.ndarray) -> list[Box]:
            raise RuntimeError("scan broke")

    scan = BackgroundScan(_SlowScanDetector())
    frame = np.zeros((10, 10, 3), np.uint8)
    assert scan.submit(frame) and not scan.submit(frame)  # one at a time
    deadline = time.monotonic() + 10
    faces = scan.new_faces([])
    while not faces and time.monotonic() < deadline:
        faces = scan.new_faces([])
    assert faces == [_SlowScanDetector.face] and not scan.busy
    assert scan.submit(frame)
    while scan.busy and time.monotonic() < deadline:
        faces = scan.new_faces([Box(104, 100, 120, 120)])  # already followed: not new
    assert faces == []
    failing = BackgroundScan(Failing())
    failing.submit(frame)
    with pytest.raises(RuntimeError, match="scan broke"):
        while time.monotonic() < deadline:
            failing.new_faces([])
    scan.close()
    failing.close()

"""Face detection: BlazeFace by default, Haar by name and as the fallback, squared crops framed like aligned faces."""

from __future__ import annotations

import builtins
import sys

import cv2
import numpy as np
import pytest

from gimefive_lib.data.blazeface import MediaPipeFaceDetector, plausible_keypoints
from gimefive_lib.data.boxes import Box, centred_square, inside_share, iou, mean_box, padded_crop, square_box
from gimefive_lib.data.detection import (
    ALIGNED_EYES,
    HaarFaceDetector,
    ScaledHaarDetector,
    crop_face,
    eye_aligned_crop,
    face_crop,
    face_square,
    largest_face_crop,
    make_detector,
)
from gimefive_lib.data.scenes import ASTRONAUT_FACE, astronaut_faces, face_clip, face_scene, place_face


def test_square_box_is_square_padded_raised_and_inside_the_image():
    box = square_box(Box(100, 100, 40, 50), 0.1, 640, 480, lift=0.1)
    assert box.w == box.h == 60  # 50 * (1 + 2 * 0.1)
    assert (box.x + box.w / 2, box.y + box.h / 2) == (120, 120)  # centre 125 raised by 0.1 * 50
    edge = square_box(Box(600, 440, 60, 60), 0.2, 640, 480)
    assert edge.w == edge.h == 84 and edge.x + edge.w == 640 and edge.y + edge.h == 480
    assert square_box(Box(0, 0, 600, 600), 0.0, 640, 480) == Box(60, 0, 480, 480)  # as big as the image allows


def test_inside_share_is_the_part_of_a_box_inside_another():
    outer = Box(0, 0, 100, 100)
    assert inside_share(Box(10, 10, 20, 20), outer) == 1.0
    assert inside_share(Box(90, 0, 20, 10), outer) == 0.5
    assert inside_share(outer, Box(10, 10, 20, 20)) == 0.04
    assert inside_share(Box(200, 0, 10, 10), outer) == 0.0


def test_make_detector_defaults_to_blazeface_and_knows_haar():
    pytest.importorskip("mediapipe")
    assert isinstance(make_detector(), MediaPipeFaceDetector)
    assert make_detector("mediapipe-full").full_range
    assert isinstance(make_detector("haar"), ScaledHaarDetector)
    with pytest.raises(ValueError, match="unknown face detector"):
        make_detector("dlib")


def test_without_mediapipe_the_default_falls_back_to_haar_with_a_warning(monkeypatch):
    real_import = builtins.__import__

    def no_mediapipe(name, *args, **kwargs):
        if name == "mediapipe" or name.startswith("mediapipe."):
            raise ImportError("No module named 'mediapipe'")
        return real_import(name, *args, **kwargs)

    monkeypatch.delitem(sys.modules, "mediapipe", raising=False)
    monkeypatch.setattr(builtins, "__import__", no_mediapipe)
    with pytest.warns(RuntimeWarning, match="needs mediapipe.*Haar") as caught:
        detector = make_detector()
    assert isinstance(detector, ScaledHaarDetector) and len(caught) == 1
    assert len(str(caught[0].message).splitlines()) == 1


def test_blazeface_finds_real_faces_in_scenes_and_nothing_in_empty_ones():
    pytest.importorskip("mediapipe")
    detector = make_detector()
    rng = np.random.default_rng(0)
    faces = astronaut_faces(6, seed=0).images
    found = 0
    for k in range(3):
        frame, truth = face_scene(faces[2 * k : 2 * k + 2], rng, sizes=(110, 200))
        squares = [face_square(detector, box, 640, 480) for box in detector.detect(frame)]
        found += sum(any(iou(s, t) >= 0.5 for s in squares) for t in truth)
    assert found >= 5
    empty = [face_scene([], rng)[0] for _ in range(5)]
    assert sum(len(detector.detect(frame)) for frame in empty) == 0


def test_detect_near_follows_a_moving_face_with_one_call_each():
    pytest.importorskip("mediapipe")
    detector = make_detector()
    frames, truths = face_clip(astronaut_faces(1).images, 6, np.random.default_rng(1), sizes=(150, 150))
    (known,) = detector.detect(frames[0])
    for frame, (truth,) in zip(frames[1:], truths[1:], strict=True):
        (known,) = detector.detect_near(frame, [known])
        assert iou(face_square(detector, known, 640, 480), truth) >= 0.5


def test_detect_near_finds_a_face_that_moved_most_of_its_size_and_nothing_on_a_blank_frame():
    """Beyond the two close views, a third one three times the box finds a face that jumped (a camera sampled at
    10 frames/s), as long as BlazeFace is sure of it; where there is no face it finds none."""
    pytest.importorskip("mediapipe")
    detector = make_detector()
    frame, (truth,) = face_scene(astronaut_faces(1).images, np.random.default_rng(3), sizes=(150, 150))
    before = Box(truth.x - 110, truth.y + 60, truth.w, truth.h)  # where the face was a frame ago
    assert iou(before, truth) < 0.1
    (found,) = detector.detect_near(frame, [before])
    assert iou(face_square(detector, found, 640, 480), truth) >= 0.5
    assert detector.detect_near(np.full_like(frame, 128), [before]) == []


def test_largest_face_crop_is_aligned_by_blazeface_s_eyes_and_else_the_square_of_the_box():
    pytest.importorskip("mediapipe")
    detector = make_detector()
    frame, (truth,) = face_scene(astronaut_faces(1).images, np.random.default_rng(3), sizes=(160, 160))
    (box,) = detector.detect(frame)
    square = face_square(detector, box, 640, 480)
    assert square.w == square.h and iou(square, truth) >= 0.7
    crop = largest_face_crop(frame, detector, 64)
    assert crop.shape == (64, 64) and np.array_equal(crop, eye_aligned_crop(frame, *detector.eyes(frame, box), 64))
    haar = HaarFaceDetector()
    (box,) = haar.detect(frame)
    crop = largest_face_crop(frame, haar, 64)  # Haar gives no eyes
    assert np.array_equal(crop, crop_face(frame, face_square(haar, box, 640, 480), 64))


def test_face_crop_turns_a_tilted_face_upright_as_rafdb_s_alignment_does():
    pytest.importorskip("mediapipe")
    detector = make_detector()
    frame, (truth,) = face_scene(astronaut_faces(1).images, np.random.default_rng(3), sizes=(160, 160))
    (box,) = detector.detect(frame)
    upright = face_crop(frame, detector, box).astype(int)
    square = crop_face(frame, face_square(detector, box, 640, 480)).astype(int)
    centre = (truth.x + truth.w / 2, truth.y + truth.h / 2)
    for degrees in (-20, 12):
        turn = cv2.getRotationMatrix2D(centre, degrees, 1.0)
        tilted = cv2.warpAffine(frame, turn, (640, 480), borderMode=cv2.BORDER_REFLECT)
        (box,) = detector.detect(tilted)
        aligned_change = np.abs(face_crop(tilted, detector, box).astype(int) - upright).mean()
        square_change = np.abs(crop_face(tilted, face_square(detector, box, 640, 480)).astype(int) - square).mean()
        assert aligned_change < 10 and square_change > 2 * aligned_change, (degrees, aligned_change, square_change)


def test_keypoints_placed_like_a_face_pass_and_others_do_not():
    box = Box(100, 100, 100, 100)
    face = np.array([(130, 140), (170, 140), (150, 165), (150, 185), (105, 150), (195, 150)], float)
    assert plausible_keypoints(face, box)
    assert not plausible_keypoints(face[[0, 0, 2, 3, 4, 5]], box)  # both eyes at one point
    sideways = face.copy()
    sideways[1] = (130, 180)  # the eyes one above the other
    assert not plausible_keypoints(sideways, box)
    upside_down = face.copy()
    upside_down[3] = (150, 120)  # the mouth above the nose
    assert not plausible_keypoints(upside_down, box)


def test_mean_box_averages_centres_and_sides():
    assert mean_box(Box(100, 100, 100, 100), Box(120, 90, 140, 140)) == Box(110, 95, 120, 120)
    assert mean_box(Box(10, 20, 30, 40), Box(10, 20, 30, 40)) == Box(10, 20, 30, 40)


def test_centred_square_may_leave_the_frame_and_the_model_sees_black_there():
    assert centred_square(Box(600, 440, 40, 40), 2.0) == Box(580, 420, 80, 80)
    frame = np.full((480, 640, 3), 200, np.uint8)
    crop = padded_crop(frame, Box(600, 440, 80, 80))
    assert crop.shape == (80, 80, 3) and (crop[:40, :40] == 200).all() and (crop[40:] == 0).all()
    assert (crop[:, 40:] == 0).all()


@pytest.mark.parametrize("min_presence", [0.9, None], ids=["presence-first", "views-only"])
def test_faces_at_the_frame_edges_are_confirmed(min_presence):
    """Confirmation views are centred on the candidate: moved inside the frame, they put a face at the frame's
    edge near their own edge, where BlazeFace misses it (a face at the bottom of the four-face clip was lost).
    Checked with the face mesh's presence score first (the default) and with BlazeFace's own views alone."""
    pytest.importorskip("mediapipe")
    detector = MediaPipeFaceDetector(min_presence=min_presence)
    face = astronaut_faces(1).images[0]
    for box in (Box(250, 330, 150, 150), Box(0, 0, 140, 140), Box(500, 200, 140, 140)):
        frame = np.full((480, 640, 3), 90, np.uint8)
        place_face(frame, face, box, np.random.default_rng(0), rotation=0.0, lighting=0.0)
        squares = [face_square(detector, found, 640, 480) for found in detector.detect(frame)]
        assert any(iou(square, box) >= 0.5 for square in squares), box


def test_face_presence_tells_a_face_from_texture_and_rejects_bad_input():
    pytest.importorskip("mediapipe")
    from skimage import data as skdata

    from gimefive_lib.data.face_presence import FacePresence

    presence = FacePresence()
    photo = skdata.astronaut()
    face = padded_crop(photo, centred_square(ASTRONAUT_FACE, 1.5))
    assert presence(face) > 0.9
    assert presence(np.ascontiguousarray(photo[300:500, 300:500])) < 0.1  # her suit and the flag, no face
    assert presence(np.full((192, 192, 3), 128, np.uint8)) < 0.1
    with pytest.raises(ValueError, match="uint8 RGB"):
        presence(face[..., 0])


def test_a_candidate_the_face_mesh_calls_a_face_needs_no_confirming_views(monkeypatch):
    """With the presence score on (the default), a face is kept even when BlazeFace's multi-view confirmation
    would reject it; with it off, the confirmation alone decides."""
    pytest.importorskip("mediapipe")
    monkeypatch.setattr(MediaPipeFaceDetector, "_confirm", lambda self, rgb, box: None)
    frame, (truth,) = face_scene(astronaut_faces(1).images, np.random.default_rng(3), sizes=(160, 160))
    with_presence = MediaPipeFaceDetector()
    squares = [face_square(with_presence, box, 640, 480) for box in with_presence.detect(frame)]
    assert len(squares) == 1 and iou(squares[0], truth) >= 0.5
    assert MediaPipeFaceDetector(min_presence=None).detect(frame) == []


def test_confirming_views_stop_once_too_few_are_left_to_pass(monkeypatch):
    """Six views, at least four with a face's keypoints: after three misses the candidate is rejected without the
    last three model calls; a face seen in every view takes all six and is kept."""
    pytest.importorskip("mediapipe")
    detector = MediaPipeFaceDetector()
    box = Box(200, 150, 120, 120)
    scales: list[float] = []

    def missing(rgb, candidate, scale, threshold):
        scales.append(scale)

    monkeypatch.setattr(detector, "_around", missing)
    assert detector._confirm(np.zeros((480, 640, 3), np.uint8), box) is None
    assert scales == list(detector.verify_scales[:3])

    eyes_nose_mouth = np.array([(240, 190), (280, 190), (260, 215), (260, 245), (205, 195), (315, 195)], float)

    def seen(rgb, candidate, scale, threshold):
        scales.append(scale)
        return 0.9, box, eyes_nose_mouth

    scales.clear()
    monkeypatch.setattr(detector, "_around", seen)
    assert detector._confirm(np.zeros((480, 640, 3), np.uint8), box) == box
    assert scales == list(detector.verify_scales)


def test_candidates_found_in_the_mirror_come_back_onto_the_face_with_their_eyes_on_the_right_sides():
    """The mirrored scan's candidates are mapped back onto the frame: the box and the keypoints land where the
    unmirrored scan puts them (within a tenth of the face), the subject's right eye still first."""
    pytest.importorskip("mediapipe")
    detector = MediaPipeFaceDetector()
    frame = np.full((480, 640, 3), 90, np.uint8)
    truth = Box(380, 150, 150, 150)  # off centre, so that a box not mapped back would land elsewhere
    place_face(frame, astronaut_faces(1).images[0], truth, np.random.default_rng(0), rotation=0.0, lighting=0.0)
    direct = max(detector._run(frame, Box(0, 0, 640, 480)), key=lambda hit: hit[0])
    mirrored = [hit for hit in detector._mirrored(frame) if iou(hit[1], direct[1]) >= 0.5]
    assert mirrored, "the mirrored scan lost the face"
    _, box, points = max(mirrored, key=lambda hit: iou(hit[1], direct[1]))
    assert iou(box, direct[1]) >= 0.7
    assert np.abs(points[:4] - direct[2][:4]).max() < 0.1 * truth.w  # eyes, nose tip, mouth
    assert points[0][0] < points[1][0]  # the subject's right eye is on the image's left, as BlazeFace gives it


def test_a_mirrored_candidate_needs_a_face_s_keypoints_and_the_face_mesh_at_both_framings():
    pytest.importorskip("mediapipe")
    detector = MediaPipeFaceDetector()
    frame = np.full((480, 640, 3), 90, np.uint8)
    truth = Box(250, 150, 150, 150)
    place_face(frame, astronaut_faces(1).images[0], truth, np.random.default_rng(0), rotation=0.0, lighting=0.0)
    score, box, points = max(detector._run(frame, Box(0, 0, 640, 480)), key=lambda hit: hit[0])
    placed = detector._present_mirrored(frame, box, points)
    assert placed is not None and iou(placed, box) >= 0.5
    assert detector._present_mirrored(frame, box, points[[0, 0, 2, 3, 4, 5]]) is None  # both eyes at one point
    texture = np.random.default_rng(1).integers(0, 256, (480, 640, 3), dtype=np.uint8)
    assert detector._present_mirrored(texture, box, points) is None  # a face's keypoints on noise


def test_an_eye_aligned_crop_puts_the_eyes_where_rafdb_s_aligned_faces_have_them():
    image = np.zeros((300, 400), np.uint8)
    right, left = np.array([150.0, 120.0]), np.array([230.0, 150.0])  # a tilted face: the left eye lower
    for x, y in (right, left):
        image[int(y) - 1 : int(y) + 2, int(x) - 1 : int(x) + 2] = 255
    crop = eye_aligned_crop(image, right, left, 64)
    assert crop.shape == (64, 64)
    for (fx, fy), half in zip(ALIGNED_EYES, (slice(0, 32), slice(32, 64)), strict=True):
        ys, xs = np.nonzero(crop[:, half] > 40)
        assert abs(xs.mean() + half.start - fx * 64) < 1.5 and abs(ys.mean() - fy * 64) < 1.5


def test_blazeface_gives_the_eyes_of_a_face_right_eye_on_the_image_left():
    pytest.importorskip("mediapipe")
    detector = make_detector()
    frame, (truth,) = face_scene(astronaut_faces(1).images, np.random.default_rng(3), sizes=(160, 160))
    (box,) = detector.detect(frame)
    right, left = detector.eyes(frame, box)
    assert right[0] < left[0] and all(truth.x < p[0] < truth.x + truth.w for p in (right, left))
    assert all(truth.y < p[1] < truth.y + truth.h / 2 for p in (right, left))  # in the upper half of the face
    assert detector.eyes(np.full_like(frame, 128), box) is None

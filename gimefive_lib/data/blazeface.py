"""MediaPipe's BlazeFace face detector (bundled with the mediapipe wheel, no download), its candidates confirmed
by the face mesh's face-presence score and by BlazeFace's own views, the frame and its mirror image scanned.

:func:`gimefive_lib.data.detection.make_detector` builds it by name (``mediapipe``, ``mediapipe-full``); the
reasons for each step, with the figures of ``bench/face_detection.py``, are in :class:`MediaPipeFaceDetector`.
"""

from __future__ import annotations

import cv2
import numpy as np

from gimefive_lib.data.boxes import Box, centred_square, inside_share, iou, mean_box, nms, padded_crop, tile_starts
from gimefive_lib.data.face_presence import FacePresence


def _masked(rgb: np.ndarray, box: Box, others: list[Box], fill: np.ndarray, grow: float = 1.2) -> np.ndarray:
    """``rgb`` with the squares ``grow`` times the ``others`` boxes (faces or candidates elsewhere) that stay clear
    of ``box`` filled with ``fill`` (the frame's mean colour): in the views that confirm ``box``, a face beside it
    would otherwise be merged with it by the model's box blending, or win over it (faces a few pixels apart were
    missed)."""
    height, width = rgb.shape[:2]
    hide = [centred_square(other, grow) for other in others]
    hide = [h for h in hide if iou(h, box) == 0.0]
    if not hide:
        return rgb
    out = rgb.copy()
    for h in hide:
        out[max(0, h.y) : min(height, h.y + h.h), max(0, h.x) : min(width, h.x + h.w)] = fill
    return out


def _upright(rgb: np.ndarray, box: Box, scale: float, tilt: float) -> np.ndarray:
    """The square ``scale`` times ``box`` centred on it, turned by ``tilt`` degrees (black beyond the frame)."""
    wide = padded_crop(rgb, centred_square(box, scale * 1.5))
    side = wide.shape[1]
    turned = cv2.warpAffine(wide, cv2.getRotationMatrix2D((side / 2, side / 2), tilt, 1.0), (side, side))
    margin = round(side / 6)
    return np.ascontiguousarray(turned[margin : side - margin, margin : side - margin])


def eye_tilt(points: np.ndarray) -> float:
    """Degrees by which the line from BlazeFace's right-eye keypoint to its left-eye one turns from level."""
    return float(np.degrees(np.arctan2(points[1][1] - points[0][1], points[1][0] - points[0][0])))


def plausible_keypoints(points: np.ndarray, box: Box) -> bool:
    """Whether BlazeFace's keypoints (eyes, nose tip, mouth, ...) are placed like an upright face's in ``box``: eyes
    a third to 0.6 of the box apart and within 25 degrees of level, the nose 0.15-0.95 eye distances below them
    and the mouth 0.25-0.8 below the nose (ranges of RAF-DB faces; false faces on texture mostly fall out)."""
    right, left, nose, mouth = points[0], points[1], points[2], points[3]
    eyes = float(np.hypot(*(left - right)))
    if eyes < 1e-6:
        return False
    tilt = abs(eye_tilt(points))
    below = (nose[1] - (left[1] + right[1]) / 2) / eyes
    mouth_below = (mouth[1] - nose[1]) / eyes
    return 0.33 <= eyes / box.w <= 0.6 and tilt <= 25 and 0.15 <= below <= 0.95 and 0.25 <= mouth_below <= 0.8


class MediaPipeFaceDetector:
    """MediaPipe's BlazeFace, bundled with the ``mediapipe`` wheel (no download): the short-range model (the
    default) or, with ``full_range=True``, the full-range one.

    The short-range model sees a 128 x 128 copy of its input and finds faces that fill about a third of it, so a
    640 x 480 frame is searched whole and in overlapping tiles of 320 and 213 px (faces from about 64 px up).
    Candidates scoring ``candidate`` or more are confirmed, strongest first. First by a second model: the face
    mesh's face-presence score (:class:`~gimefive_lib.data.face_presence.FacePresence`) of the square 1.5 (or
    1.8) times the candidate must reach ``min_presence`` (``None`` turns this off). A candidate it does not pass
    is seen again by BlazeFace in squares 1.5 to 3 times its size centred on it, black beyond the frame (a view
    moved inside the frame instead put faces at the frame's edge near its own, where the model often missed
    them), with the other candidates of the frame blanked out (:func:`_masked`: a face a few pixels away was
    otherwise blended into the box or won over it). A true face is seen well at a few neighbouring scales, not
    the same ones for every face, so its three best views must score ``min_confidence`` on average (``sure``
    when the mean over all views is under ``min_mean``), and ``min_plausible`` views must place the keypoints
    like a face's (:func:`plausible_keypoints`; ``small_plausible`` for boxes under ``small_face`` px, where
    texture mimics faces most). A face lying mostly inside a larger one (a part of it) is dropped.
    BlazeFace is not symmetric, so the frame's mirror image is scanned too (``mirror``, on by default). A
    candidate found there has no confirming views: it is kept only when its keypoints are plausible and the
    presence score passes at both framings (:meth:`_present_mirrored`); with the views it let through as many
    false faces as true ones. It makes a full scan about 60 ms slower (140 against 80 ms on 2 cores), so the
    real-time pipeline, which scans again within a second, goes without it.
    A confirmed face's box is the mean of the candidate's and the one BlazeFace places again in a view twice its
    size (:meth:`_placed_again`).
    On ``bench/face_detection.py``'s frames this finds 97.3 %, 97.9 %, 97.2 %, 97.5 %, 97.3 %, 97.3 %, 96.6 %,
    97.9 %, 98.2 % and 98.1 % of the faces of 64 px and more for seeds 0-9, with 0.5, 0, 1.0, 0.5, 1.0, 0.5, 1.0,
    0.5, 0.5 and 0.5 false faces per 100 empty frames, 97.5 % of all 4,074 faces (95 % interval 97.0-98.0 %)
    (2026-12-07; before the mean box 97.4 % pooled; without the mirror, before the mean box, 97.1 %, 97.6 %,
    96.0 %, 97.0 %, 96.0 %, 96.5 %, 95.8 %, 97.9 %, 97.4 % and 97.6 %, with the same false faces). The presence
    step was designed on seeds 0-4, the views' thresholds on seeds 0 and 1, the mirror's rule on seeds 2, 4, 5 and
    6, the mean box on seeds 4 and 6 (then checked on all ten); seeds 8 and 9 were otherwise looked at only to
    report them.
    :meth:`detect_near` only looks again around faces already known (one or two model calls per face), for
    tracking between full scans.

    Not thread-safe: use one per thread. Its box runs from the eyebrows to the chin, so the aligned-face square
    is 4 % larger and raised by a tenth of its height (measured on RAF-DB aligned faces pasted into frames).
    """

    crop_pad, crop_lift = 0.02, 0.10

    def __init__(
        self,
        min_confidence: float = 0.6,
        full_range: bool = False,
        *,
        candidate: float = 0.45,
        tiles: tuple[tuple[int, int], ...] = ((320, 160), (213, 110)),
        verify_scales: tuple[float, ...] = (1.5, 1.75, 2.0, 2.3, 2.6, 3.0),
        min_plausible: int = 4,
        small_face: int = 56,
        small_plausible: int = 5,
        min_mean: float = 0.4,
        sure: float = 0.62,
        min_presence: float | None = 0.9,
        mirror: bool = True,
    ) -> None:
        import mediapipe as mp  # optional and slow to import: loaded only when this detector is used

        self.full_range = full_range
        self.input_size = 192 if full_range else 128
        self.min_confidence, self.candidate = min_confidence, candidate
        self.tiles = () if full_range else tiles  # the full-range model sees small faces without tiles
        self.verify_scales = verify_scales
        self.min_plausible, self.small_face, self.small_plausible = min_plausible, small_face, small_plausible
        self.min_mean, self.sure = min_mean, sure
        self.detector = mp.solutions.face_detection.FaceDetection(
            min_detection_confidence=0.2, model_selection=1 if full_range else 0  # its blending wants the weak ones
        )
        self.min_presence, self.mirror = min_presence, mirror
        self.presence = FacePresence() if min_presence is not None else None

    def _run(self, rgb: np.ndarray, region: Box) -> list[tuple[float, Box, np.ndarray]]:
        """(score, box, 6 keypoints) in frame coordinates of the faces the model finds in ``region`` of a frame.

        The keypoints are BlazeFace's: right eye, left eye, nose tip, mouth centre, right and left ear (x, y).
        ``region`` may reach beyond the frame: the model then sees black there."""
        height, width = rgb.shape[:2]
        tile = padded_crop(rgb, region)
        h, w = tile.shape[:2]
        shrink = self.input_size / max(h, w)
        if shrink < 1.0:
            size = (max(1, round(w * shrink)), max(1, round(h * shrink)))
            tile = cv2.resize(tile, size, interpolation=cv2.INTER_AREA)
        found = []
        for detection in self.detector.process(np.ascontiguousarray(tile)).detections or []:
            location = detection.location_data
            r = location.relative_bounding_box
            x0, y0 = max(0, int(region.x + r.xmin * w)), max(0, int(region.y + r.ymin * h))
            x1 = min(region.x + w, width, int(region.x + (r.xmin + r.width) * w))
            y1 = min(region.y + h, height, int(region.y + (r.ymin + r.height) * h))
            points = np.array([(region.x + p.x * w, region.y + p.y * h) for p in location.relative_keypoints])
            if x1 - x0 > 1 and y1 - y0 > 1:
                found.append((float(detection.score[0]), Box(x0, y0, x1 - x0, y1 - y0), points.reshape(-1, 2)))
        return found

    def _around(
        self, rgb: np.ndarray, box: Box, scale: float, threshold: float, min_iou: float = 0.3
    ) -> tuple[float, Box, np.ndarray] | None:
        """The best face (score, box, keypoints) scoring ``threshold`` or more and overlapping ``box`` by ``min_iou``
        in the square ``scale`` times ``box`` centred on it (black beyond the frame: a view moved inside the frame
        puts a face near its edge, where the model misses many), or None."""
        hits = [hit for hit in self._run(rgb, centred_square(box, scale))
                if hit[0] >= threshold and iou(hit[1], box) >= min_iou]
        return max(hits, key=lambda hit: hit[0]) if hits else None

    @staticmethod
    def _rgb(image: np.ndarray) -> np.ndarray:
        return np.ascontiguousarray(cv2.cvtColor(image, cv2.COLOR_GRAY2RGB) if image.ndim == 2 else image[..., :3])

    def _regions(self, width: int, height: int) -> list[Box]:
        """The views a full scan runs the model on: the whole frame, then the overlapping tiles that fit in it."""
        regions = [Box(0, 0, width, height)]
        for tile, stride in self.tiles:
            if tile < max(width, height):
                regions += [Box(x, y, min(tile, width), min(tile, height))
                            for y in tile_starts(height, tile, stride) for x in tile_starts(width, tile, stride)]
        return regions

    def _mirrored(self, rgb: np.ndarray) -> list[tuple[float, Box, np.ndarray]]:
        """The candidates of every scan view of the frame mirrored left to right, mapped back onto the frame (the
        eyes and the ears keep their sides). BlazeFace is not symmetric: it finds some faces only in the mirror."""
        width = rgb.shape[1]
        flipped = np.ascontiguousarray(rgb[:, ::-1])
        hits = []
        for region in self._regions(width, rgb.shape[0]):
            mirror = Box(width - region.x - region.w, region.y, region.w, region.h)
            for score, box, points in self._run(flipped, mirror):
                back = points.copy()
                back[:, 0] = width - back[:, 0]
                back[[0, 1, 4, 5]] = back[[1, 0, 5, 4]]
                hits.append((score, Box(width - box.x - box.w, box.y, box.w, box.h), back))
        return hits

    def detect(self, image: np.ndarray) -> list[Box]:
        """All faces, largest first, clipped to the frame: whole frame and tiles (and their mirror images), then
        each candidate confirmed, the strongest first (one that overlaps a confirmed face, or nearly repeats a
        rejected one, is not tried). A candidate found only in the mirror must pass :meth:`_present_mirrored`."""
        rgb = self._rgb(image)
        height, width = rgb.shape[:2]
        found = [hit for region in self._regions(width, height) for hit in self._run(rgb, region)]
        strong = [box for _, box in nms([(score, box) for score, box, _ in found if score >= self.candidate])]
        fill = np.array(cv2.mean(rgb)[: rgb.shape[2]]).astype(rgb.dtype)  # the frame's mean colour, for _masked
        mirrored = self._mirrored(rgb) if self.mirror and self.presence is not None else []
        candidates = [(hit, False) for hit in found] + [(hit, True) for hit in mirrored]
        faces: list[Box] = []
        rejected: list[Box] = []
        for (score, box, points), in_mirror in sorted(candidates, key=lambda candidate: -candidate[0][0]):
            if score < self.candidate:
                break
            if any(iou(box, other) > 0.3 for other in faces) or any(iou(box, other) > 0.6 for other in rejected):
                continue
            view = _masked(rgb, box, strong, fill)
            if in_mirror:
                face = self._present_mirrored(view, box, points)
            else:
                face = self._present(view, box, points, strong) or self._confirm(view, box)
                if face is None:
                    rejected.append(box)
            if face is not None and all(iou(face, other) <= 0.3 for other in faces):
                faces.append(face)
        # A part of a large face (an eye and a cheek) can look like a small face to both models.
        faces = [face for face in faces
                 if not any(other.w > face.w and inside_share(face, other) > 0.5 for other in faces)]
        return sorted(faces, key=lambda b: b.w * b.h, reverse=True)

    def _presence_crops(self, rgb: np.ndarray, box: Box, scale: float, points: np.ndarray) -> list[np.ndarray]:
        """The square ``scale`` times ``box``, and the same turned upright when the eyes (BlazeFace's keypoints
        ``points``) tilt by more than 8 degrees."""
        tilt = eye_tilt(points)
        crops = [padded_crop(rgb, centred_square(box, scale))]
        if abs(tilt) > 8:
            crops.append(_upright(rgb, box, scale, tilt))
        return crops

    def _present(self, rgb: np.ndarray, box: Box, points: np.ndarray, others: list[Box]) -> Box | None:
        """The candidate's box, placed again by BlazeFace in one view twice its size, when the face mesh's
        presence score (:class:`FacePresence`) reaches ``min_presence`` on the square 1.5 times it (the face
        mesh's own framing) or 1.8 times it, as it is or turned upright by the eyes' tilt when that exceeds 8
        degrees; else None. The wider square is skipped when it takes in part of another candidate (``others``):
        a neighbouring face would then vouch for this one."""
        if self.presence is None:
            return None
        for scale in (1.5, 1.8):
            square = centred_square(box, scale)
            if scale > 1.5 and any(iou(square, other) > 0 for other in others if iou(other, box) < 0.3):
                break
            if any(self.presence(crop) >= self.min_presence for crop in self._presence_crops(rgb, box, scale, points)):
                return self._placed_again(rgb, box)
        return None

    def _present_mirrored(self, rgb: np.ndarray, box: Box, points: np.ndarray) -> Box | None:
        """A candidate found in the mirrored frame, placed again (as in :meth:`_present`) when its keypoints are
        plausible and the presence score reaches ``min_presence`` on both squares, 1.5 and 1.8 times it; else None.
        Stricter than :meth:`_present`, with no confirming views: mirroring doubles the candidates, and the views
        let through as many false faces as it found true ones."""
        if not plausible_keypoints(points, box):
            return None
        for scale in (1.5, 1.8):
            if all(self.presence(crop) < self.min_presence for crop in self._presence_crops(rgb, box, scale, points)):
                return None
        return self._placed_again(rgb, box)

    def _placed_again(self, rgb: np.ndarray, box: Box) -> Box:
        """The mean of ``box`` and the box BlazeFace finds in the square twice its size (where it places a face
        best), or ``box`` itself when it finds none there. Two placements average out each one's error: the view's
        box alone sometimes framed half a large face or a small face's surroundings (on the bench's seeds 0-9 the
        mean found 9 more of the 4,074 faces, none fewer on any seed, with the same false faces)."""
        again = self._around(rgb, box, 2.0, self.candidate)
        return box if again is None else mean_box(box, again[1])

    def _confirm(self, rgb: np.ndarray, box: Box) -> Box | None:
        """The candidate's box seen again in squares ``verify_scales`` times its size, or None: its three best
        views (0 where it is not found) must score ``min_confidence`` on average and ``min_plausible`` views have a
        face's keypoints (``small_plausible`` for boxes under ``small_face`` px, where texture mimics faces most).

        A true face is seen well at a few neighbouring scales that differ from face to face (the model misses
        some faces at 1.5x, others at 2.6x, near the frame's edge or beside another face), so the best views
        count rather than the mean of all; false faces on texture rarely have plausible keypoints in many views.
        The views stop as soon as too few are left to reach ``min_plausible`` or ``small_plausible``: the same
        answer, with about half the model calls for a texture candidate (a full scan of a busy background went
        from 112 to 70 calls)."""
        views: list[tuple[float, Box, np.ndarray] | None] = []
        plausible, at_least = 0, min(self.min_plausible, self.small_plausible)
        for done, scale in enumerate(self.verify_scales):
            if plausible + len(self.verify_scales) - done < at_least:
                return None
            view = self._around(rgb, box, scale, 0.0)
            views.append(view)
            plausible += view is not None and plausible_keypoints(view[2], view[1])
        seen = [view for view in views if view is not None]
        if not seen:
            return None
        scores = sorted((view[0] for view in seen), reverse=True) + [0.0] * (len(views) - len(seen))
        best = max(seen, key=lambda view: view[0])[1]
        needed = self.small_plausible if best.w < self.small_face else self.min_plausible
        best3, mean = float(np.mean(scores[:3])), float(np.mean(scores))
        if best3 < self.min_confidence or plausible < needed or (mean < self.min_mean and best3 < self.sure):
            return None
        return best

    def _jumped(self, rgb: np.ndarray, box: Box) -> tuple[float, Box, np.ndarray] | None:
        """A face that moved by most of its size since ``box`` (a camera sampled at 10 frames/s): seen in the
        square three times ``box``, overlapping it a little, scoring ``sure`` or more and with a face's keypoints
        (nothing else confirms it), or None."""
        hit = self._around(rgb, box, 3.0, self.sure, min_iou=0.05)
        return hit if hit is not None and plausible_keypoints(hit[2], hit[1]) else None

    def eyes(self, image: np.ndarray, box: Box) -> tuple[np.ndarray, np.ndarray] | None:
        """BlazeFace's right-eye and left-eye keypoints (x, y) of the face in ``box``, seen in the square twice its
        size (one model call), or None when it finds no face there; for
        :func:`~gimefive_lib.data.detection.eye_aligned_crop`."""
        hit = self._around(self._rgb(image), box, 2.0, 0.0)
        return None if hit is None else (hit[2][0], hit[2][1])

    def detect_near(self, image: np.ndarray, known: list[Box]) -> list[Box]:
        """The faces found again around ``known`` boxes (one model call each, a second one closer in when the
        first misses, a third one wider for a face that jumped: :meth:`_jumped`), largest first."""
        rgb = self._rgb(image)
        faces: list[Box] = []
        for box in known:
            again = (self._around(rgb, box, 2.0, self.candidate) or self._around(rgb, box, 1.5, self.candidate)
                     or self._jumped(rgb, box))
            if again is not None and all(iou(again[1], other) <= 0.3 for other in faces):
                faces.append(again[1])
        return sorted(faces, key=lambda b: b.w * b.h, reverse=True)

"""The realistic synthetic style: photo-like aligned face crops from a 2.5-D head moved by FACS action units.

The 68 iBUG landmarks (identity and AU motions shared with the cartoon style) drive a height field (skull, eye
sockets, nose, cheeks, lips, folds and AU wrinkles) and a reflectance map (skin, brows, eyes, lips, teeth, hair),
lit with Lambertian and specular light in the frontal crop, framed like RAF-DB's aligned crops, turned in 3-D
(yaw, pitch, roll), then blurred, noised and JPEG-compressed like a photo.
"""

from __future__ import annotations

from gimefive_lib.data.synthetic.realistic.framing import (
    HeadPose,
    Look,
    random_head_pose,
    random_look,
    random_realistic_identity,
)
from gimefive_lib.data.synthetic.realistic.render import render_realistic_face

__all__ = ["HeadPose", "Look", "random_head_pose", "random_look", "random_realistic_identity", "render_realistic_face"]

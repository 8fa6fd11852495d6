"""Is this crop a face? The face-presence score of MediaPipe's face-mesh landmark model (bundled, offline).

MediaPipe's face mesh runs its landmark model on the square 1.5 times a BlazeFace box and, besides the 468
landmarks, reads a face flag from it: the probability that the crop holds a face, which the face mesh uses to
drop lost faces. :class:`FacePresence` runs that model alone (``face_landmark.tflite`` from the mediapipe wheel,
through MediaPipe's own calculators, no download) and returns the flag. It is a second, independently trained
opinion on BlazeFace's candidates: :class:`~gimefive_lib.data.blazeface.MediaPipeFaceDetector` accepts a
candidate it scores high (see ``bench/face_detection.py``).
"""

from __future__ import annotations

import os

import numpy as np

LANDMARK_MODEL = "mediapipe/modules/face_landmark/face_landmark.tflite"
INPUT_SIZE = 192  # the landmark model's input, as in MediaPipe's FaceLandmarkCpu graph

# The landmark model's first output tensor holds the landmarks, the second the face flag (a logit).
_GRAPH = f"""
input_stream: "image"
output_stream: "presence"
node {{
  calculator: "ImageToTensorCalculator"
  input_stream: "IMAGE:image"
  output_stream: "TENSORS:input_tensors"
  options: {{ [mediapipe.ImageToTensorCalculatorOptions.ext] {{
    output_tensor_width: {INPUT_SIZE} output_tensor_height: {INPUT_SIZE}
    output_tensor_float_range {{ min: 0.0 max: 1.0 }} }} }}
}}
node {{
  calculator: "InferenceCalculator"
  input_stream: "TENSORS:input_tensors"
  output_stream: "TENSORS:output_tensors"
  options: {{ [mediapipe.InferenceCalculatorOptions.ext] {{
    model_path: "{LANDMARK_MODEL}" delegate {{ xnnpack {{}} }} }} }}
}}
node {{
  calculator: "SplitTensorVectorCalculator"
  input_stream: "output_tensors"
  output_stream: "landmark_tensors"
  output_stream: "face_flag_tensor"
  options: {{ [mediapipe.SplitVectorCalculatorOptions.ext] {{
    ranges: {{ begin: 0 end: 1 }} ranges: {{ begin: 1 end: 2 }} }} }}
}}
node {{
  calculator: "TensorsToFloatsCalculator"
  input_stream: "TENSORS:face_flag_tensor"
  output_stream: "FLOAT:presence"
  options: {{ [mediapipe.TensorsToFloatsCalculatorOptions.ext] {{ activation: SIGMOID }} }}
}}
"""


class FacePresence:
    """The face mesh's face-presence probability (0-1) of an RGB crop; one graph, reused for every call.

    Give it the square 1.5 times a face box, face upright, as the face mesh does. About 2 ms a crop on one core.
    Not thread-safe: use one per thread.
    """

    def __init__(self) -> None:
        import mediapipe as mp  # optional and slow to import: loaded only when presence is scored
        from google.protobuf import text_format
        from mediapipe.framework import calculator_pb2
        from mediapipe.python import packet_creator, packet_getter
        from mediapipe.python._framework_bindings import calculator_graph, resource_util

        # Model paths are relative to the folder that holds the mediapipe package, as in mediapipe's solutions.
        resource_util.set_resource_dir(os.path.dirname(os.path.dirname(mp.__file__)))
        config = text_format.Parse(_GRAPH, calculator_pb2.CalculatorGraphConfig())
        self._graph = calculator_graph.CalculatorGraph(graph_config=config)
        self._scores: list[float] = []
        self._graph.observe_output_stream("presence", lambda _, packet: self._scores.append(
            packet_getter.get_float(packet)))
        self._graph.start_run()
        self._image_frame = lambda rgb: packet_creator.create_image_frame(image_format=mp.ImageFormat.SRGB, data=rgb)
        self._timestamp = 0

    def __call__(self, rgb: np.ndarray) -> float:
        """The probability that the uint8 RGB crop ``rgb`` (H, W, 3) shows a face."""
        if rgb.dtype != np.uint8 or rgb.ndim != 3 or rgb.shape[2] != 3 or min(rgb.shape[:2]) < 1:
            raise ValueError(f"expected a non-empty uint8 RGB image (H, W, 3), got {rgb.dtype} {rgb.shape}")
        self._scores.clear()
        self._timestamp += 1
        packet = self._image_frame(np.ascontiguousarray(rgb)).at(self._timestamp)
        self._graph.add_packet_to_input_stream("image", packet)
        self._graph.wait_until_idle()
        return self._scores[0]

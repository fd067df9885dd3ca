"""Between the stages and the faces: one analyser for every stream of frames.

stream.py  Analyser.feed(frame, time) -> FrameResult, finish() -> Analysis (files, webcam, classes)
clip.py    judge_track: a whole stream's track judged as a clip (movements named, judged, told)
files.py   analyse_clip / read_track: a video file through the analyser (turned upright if needed)
classes.py analyse_class: a class clip, every dancer (numbered from the left) through her own analyser
"""

from technique.analyser.clip import (
    Analysis, AnalysisConfig, FrameConfig, SegmentResult, camera_view, judge_segments, judge_track,
    missing_body_parts, name_the_clip, not_recognised, with_caveat,
)
from technique.analyser.classes import ClassResult, DancerResult, analyse_class
from technique.analyser.files import analyse_clip, read_track
from technique.analyser.stream import Analyser, FrameResult, KeyValue

__all__ = [
    "Analyser", "Analysis", "AnalysisConfig", "ClassResult", "DancerResult", "FrameConfig", "FrameResult",
    "KeyValue", "SegmentResult", "analyse_class", "analyse_clip", "camera_view", "judge_segments", "judge_track",
    "missing_body_parts", "name_the_clip",
    "not_recognised", "read_track", "with_caveat",
]

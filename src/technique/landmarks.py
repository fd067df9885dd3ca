"""BlazePose landmark indices and the skeleton, as plain data (no mediapipe import)."""

from __future__ import annotations

NAMES = (
    "nose", "left_eye_inner", "left_eye", "left_eye_outer", "right_eye_inner", "right_eye",
    "right_eye_outer", "left_ear", "right_ear", "mouth_left", "mouth_right",
    "left_shoulder", "right_shoulder", "left_elbow", "right_elbow", "left_wrist", "right_wrist",
    "left_pinky", "right_pinky", "left_index", "right_index", "left_thumb", "right_thumb",
    "left_hip", "right_hip", "left_knee", "right_knee", "left_ankle", "right_ankle",
    "left_heel", "right_heel", "left_foot_index", "right_foot_index",
)
INDEX = {name: i for i, name in enumerate(NAMES)}
COUNT = len(NAMES)

NOSE = 0
LEFT_EAR, RIGHT_EAR = 7, 8
LEFT_SHOULDER, RIGHT_SHOULDER = 11, 12
LEFT_ELBOW, RIGHT_ELBOW = 13, 14
LEFT_WRIST, RIGHT_WRIST = 15, 16
LEFT_HIP, RIGHT_HIP = 23, 24
LEFT_KNEE, RIGHT_KNEE = 25, 26
LEFT_ANKLE, RIGHT_ANKLE = 27, 28
LEFT_HEEL, RIGHT_HEEL = 29, 30
LEFT_TOE, RIGHT_TOE = 31, 32  # "foot_index": the tip of the foot

# Per side: the joints a leg is made of, used by the left/right swap guard.
LEG = {
    "left": (LEFT_HIP, LEFT_KNEE, LEFT_ANKLE, LEFT_HEEL, LEFT_TOE),
    "right": (RIGHT_HIP, RIGHT_KNEE, RIGHT_ANKLE, RIGHT_HEEL, RIGHT_TOE),
}

# Index permutation that exchanges every left landmark with its right twin.
MIRROR = tuple(
    INDEX[n.replace("left", "\0").replace("right", "left").replace("\0", "right")] for n in NAMES
)

# Bones drawn on the annotated video.
SKELETON = (
    (LEFT_SHOULDER, RIGHT_SHOULDER), (LEFT_HIP, RIGHT_HIP),
    (LEFT_SHOULDER, LEFT_HIP), (RIGHT_SHOULDER, RIGHT_HIP),
    (LEFT_SHOULDER, LEFT_ELBOW), (LEFT_ELBOW, LEFT_WRIST),
    (RIGHT_SHOULDER, RIGHT_ELBOW), (RIGHT_ELBOW, RIGHT_WRIST),
    (LEFT_HIP, LEFT_KNEE), (LEFT_KNEE, LEFT_ANKLE), (LEFT_ANKLE, LEFT_HEEL),
    (LEFT_HEEL, LEFT_TOE), (LEFT_ANKLE, LEFT_TOE),
    (RIGHT_HIP, RIGHT_KNEE), (RIGHT_KNEE, RIGHT_ANKLE), (RIGHT_ANKLE, RIGHT_HEEL),
    (RIGHT_HEEL, RIGHT_TOE), (RIGHT_ANKLE, RIGHT_TOE),
)

# Body parts a teacher would name when they are out of view.
BODY_PARTS = {
    "head": (NOSE, LEFT_EAR, RIGHT_EAR),
    "shoulders": (LEFT_SHOULDER, RIGHT_SHOULDER),
    "hips": (LEFT_HIP, RIGHT_HIP),
    "knees": (LEFT_KNEE, RIGHT_KNEE),
    "ankles": (LEFT_ANKLE, RIGHT_ANKLE),
    "feet": (LEFT_HEEL, RIGHT_HEEL, LEFT_TOE, RIGHT_TOE),
}

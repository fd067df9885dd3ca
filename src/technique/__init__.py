"""technique: a ballet technique coach.

Frames -> pose landmarks -> joint angles -> comparison with reference positions -> corrections.
Heavy dependencies (mediapipe, cv2, av) are imported lazily inside the stages that need them,
so ``technique --help`` and the pure-maths tests stay fast.
"""

__version__ = "0.1.0"

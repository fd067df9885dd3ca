"""Frames in (files, webcam), poses out: the only place that touches codecs and mediapipe."""

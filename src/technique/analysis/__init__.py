"""Poses to numbers: cleaned landmarks, joint angles and body measures, movement in time."""

"""The one writer of a clip's outputs, for the command line, batch and the dashboard alike.

A clip's folder holds report.json, frames.csv, optionally worst.jpg (the annotated still of the worst
moment) and annotated.mp4. ``publish_outputs`` writes them in a private staging folder and swaps the
folder in whole (safe_write.publish_folder), so a full disk or a crash never leaves half a report
where an earlier one was; ``write_outputs`` writes them into a folder the caller owns (a temp folder).
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable

import numpy as np

from technique.safe_write import make_folders, publish_folder, staged_folder, write_bytes, write_text

REPORT, FRAMES, STILL, VIDEO = "report.json", "frames.csv", "worst.jpg", "annotated.mp4"


@dataclass(frozen=True)
class Outputs:
    """Which outputs to write besides report.json and frames.csv (always written)."""

    video: bool = True  # annotated.mp4
    still: bool = False  # worst.jpg
    blur_faces: bool = False  # in the video and the still


def shown_as(analysis, name: str | os.PathLike):
    """The analysis with the clip named as its reader knows it (a batch folder's relative path, an
    upload's own name) instead of the file that was read (an absolute path, a temp file)."""
    return replace(analysis, info=replace(analysis.info, source=os.fspath(name)))


def write_outputs(analysis, source: str | os.PathLike, folder: str | os.PathLike, what: Outputs = Outputs(),
                  root: str | os.PathLike | None = None) -> dict[str, Path]:
    """report.json, frames.csv and, as asked, worst.jpg and annotated.mp4 in `folder`; returns their
    paths by kind ("report", "frames", "still", "video"). `root` is the output folder no link may be
    planted below (default: `folder` itself). The clip is read again from `source` for the pictures."""
    from technique.outputs.report import frames_table, prepare_folder, report_dict, write_annotated_video

    root = root if root is not None else folder
    folder = prepare_folder(folder, root)
    paths = {"report": folder / REPORT, "frames": folder / FRAMES}
    write_text(paths["report"], json.dumps(report_dict(analysis), indent=2, ensure_ascii=False), root)
    write_text(paths["frames"], frames_table(analysis), root)
    if what.video:
        paths["video"] = write_annotated_video(analysis, source, folder / VIDEO, what.blur_faces, root)
    if what.still:
        still = write_still(analysis, source, folder / STILL, what.blur_faces, root)
        if still is not None:
            paths["still"] = still
    return paths


def publish_outputs(analysis, source: str | os.PathLike, final: str | os.PathLike, root: str | os.PathLike,
                    what: Outputs = Outputs(), staging: str | os.PathLike | None = None,
                    before_publish: Callable[[], None] | None = None) -> dict[str, Path]:
    """write_outputs into a private folder (inside `staging`, default `root`), then swapped in whole as
    `final` (inside `root`, made from safe_write.folder_name so it can never leave it); returns the
    published paths. A failure leaves the clip's earlier outputs as they were and no partial files.
    `before_publish` runs when everything is written, just before the swap (a batch worker whose batch
    is gone stops there)."""
    from technique.outputs.report import prepare_folder

    root, final = prepare_folder(root), Path(final)
    staging = make_folders(root, staging) if staging is not None else root
    staged = staged_folder(staging, final.name)
    try:
        paths = write_outputs(analysis, source, staged, what, root)
        if before_publish is not None:
            before_publish()
        make_folders(root, final.parent)
        published = publish_folder(staged, final, root)
    finally:
        shutil.rmtree(staged, ignore_errors=True)  # still there only if something failed
    return {key: published / path.name for key, path in paths.items()}


# --------------------------------------------------------------------------- the still


def still_frame(analysis, fallback: bool = True) -> int | None:
    """The frame a still shows: the clip's worst moment. Without `fallback`, None when nothing needs
    correcting (the review page then says so); with it (worst.jpg, so every scored clip has a picture
    in a batch's summary) the judgement's lowest-scoring frame, else the middle of the frames where
    the dancer was found, else None."""
    from technique.outputs.report import worst_moment

    j = analysis.judgement
    if not fallback:
        return worst_moment(j)
    if j is not None and j.worst_frame is not None:
        return int(j.worst_frame)
    seen = np.flatnonzero(analysis.track.detected)
    return int(seen[len(seen) // 2]) if len(seen) else None


def frames_at(source: str | os.PathLike, indices, turn: int = 0) -> dict[int, np.ndarray]:
    """The clip's frames (BGR) at these indices (None ignored), read in one pass, turned as analysed."""
    from technique.capture.video import VideoReader

    wanted = {int(i) for i in indices if i is not None}
    found: dict[int, np.ndarray] = {}
    if not wanted:
        return found
    with VideoReader(source, turn=turn) as reader:
        for frame in reader:
            if frame.index in wanted:
                found[frame.index] = frame.image
            if frame.index >= max(wanted):
                break
    return found


def still_image(analysis, images: dict[int, np.ndarray], index: int | None,
                blur_faces: bool = False) -> np.ndarray | None:
    """Frame `index` of `images` (BGR) annotated as in the video, on a copy; None without that frame."""
    from technique.outputs.report import annotate_frame

    if index is None or index not in images:
        return None
    return annotate_frame(images[index].copy(), analysis, index, blur_faces)


def write_still(analysis, source: str | os.PathLike, path: Path, blur_faces: bool = False,
                root: str | os.PathLike | None = None) -> Path | None:
    """worst.jpg: the annotated frame of still_frame(analysis) as a JPEG, written atomically; None
    when there is no frame to show."""
    import cv2

    index = still_frame(analysis)
    image = still_image(analysis, frames_at(source, [index], analysis.info.turn), index, blur_faces)
    if image is None:
        return None
    ok, data = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, 90])
    if not ok:
        return None
    return write_bytes(path, data.tobytes(), root)

"""A batch's unit of work: ``score_one(ClipJob) -> ClipResult``, one clip analysed and its folder published.

A pure, picklable top-level function (plain values in, plain values out) so that the same job runs in
a local worker process or on a Dask cluster; one bad clip gives an "error" result, never an exception.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Callable

from technique.errors import OutputError, TechniqueError
from technique.outputs.judged import JudgedCriterion
from technique.safe_write import printable

CLIPS, PARTIAL = "clips", ".partial"  # OUT/clips/<key>: published clips; OUT/.partial: work in progress


@dataclass(frozen=True)
class ClipJob:
    """One clip to score: everything a worker needs, as plain picklable values."""

    source: str  # absolute path of the clip (the same on every machine of a cluster: shared storage)
    path: str  # path relative to the batch folder, '/'-separated: what reports and the summary show
    key: str  # name of the clip's report folder under OUT/clips
    clip_hash: str | None  # sha256 of the bytes; None if the file could not be read
    out: str  # the batch output folder (absolute)
    movement: str | None = None
    video: bool = True
    blur_faces: bool = False
    # The coordinator's reference positions, sent with the job so that every worker of a cluster
    # judges against the same ones (a machine's own references folder must not change a verdict).
    references: tuple = ()
    dancers: str | None = None  # a class clip's dancers to judge ("all", "2", "1,3"); None: the one found


@dataclass(frozen=True)
class ClipResult:
    """What the coordinator needs from a finished clip (the full report is in its folder)."""

    path: str
    clip_hash: str | None
    key: str
    status: str  # "ok" or "error"
    reason: str = ""  # why the clip could not be scored
    movement: str | None = None
    movement_title: str | None = None
    score: float | None = None
    view: str | None = None
    working_leg: str | None = None
    frames: int = 0
    criteria: tuple[JudgedCriterion, ...] = ()
    warnings: tuple[str, ...] = ()
    files: tuple[str, ...] = ()  # files in the clip's report folder
    transient: bool = False  # an error that may pass on another try (output, crash), not the clip's fault
    seconds: float = 0.0  # time the worker spent (not part of the summary: it varies run to run)
    # a class clip (--dancer): each dancer's own result (her report folder is hers: `key`), numbered from the
    # left of the picture, of how many the roll call found; the clip's own result then has no folder
    dancer: int = 0
    class_size: int = 0
    dancers: tuple["ClipResult", ...] = ()

    @property
    def retryable(self) -> bool:
        """A resumed run tries these again; a bad file would only fail the same way."""
        return self.status == "error" and self.transient

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> "ClipResult":
        data = dict(data)
        data["criteria"] = tuple(JudgedCriterion(**c) for c in data.get("criteria", ()))
        data["warnings"] = tuple(data.get("warnings", ()))
        data["files"] = tuple(data.get("files", ()))
        data["dancers"] = tuple(cls.from_json(d) for d in data.get("dancers", ()))
        return cls(**data)


def score_one(job: ClipJob, progress: Callable[[int, int], None] | None = None,
              before_publish: Callable[[], None] | None = None) -> ClipResult:
    """Score one clip and publish its report folder; never raises for a bad clip.

    The folder is written under OUT/.partial and renamed into OUT/clips/<key> only when complete,
    so a crash or ``kill -9`` never leaves a half-written report where a resumed run would trust it.
    `before_publish` runs just before that rename (a local worker whose batch is gone stops there).
    """
    import time

    start = time.perf_counter()
    try:
        result = _score(job, progress, before_publish)
    except TechniqueError as exc:
        result = failure(job, exc)
    except OSError as exc:  # a share gone, a disk full: not the clip's fault, so tried again on --resume
        result = failed(job, f"file system error: {exc.strerror or exc}", transient=True)
    except Exception as exc:  # a programming error on one clip must not stop a school's batch
        result = failed(job, f"internal error: {type(exc).__name__}: {exc}", transient=True)
    return replace(result, seconds=round(time.perf_counter() - start, 3))


def failure(job: ClipJob, exc: TechniqueError) -> ClipResult:
    """The result of a clip (or a class's dancer) that raised: a report it couldn't write may pass on another
    try; anything else is the clip's own."""
    if isinstance(exc, OutputError):
        return failed(job, f"cannot write the report: {exc.reason}", transient=True)
    return failed(job, exc.reason)


def failed(job: ClipJob, reason: str, transient: bool = False) -> ClipResult:
    """The result of a clip that could not be scored, naming it by its path in the batch folder."""
    reason = reason.replace(job.source, job.path)  # decoder messages quote the absolute path
    return ClipResult(job.path, job.clip_hash, job.key, "error", reason, transient=transient)


def _score(job: ClipJob, progress, before_publish) -> ClipResult:
    from technique.analyser import AnalysisConfig, analyse_class, analyse_clip

    references = {r.name: r for r in job.references} or None  # None: the built-in ones
    # one part per clip: a batch already spreads clips over the cores (workers), a second pose
    # tracker per clip (or a second dancer of a class at a time) would only compete with them
    config = AnalysisConfig(read_in_parts=1)
    if job.dancers is None:
        analysis = analyse_clip(job.source, job.movement, config, references, progress)
        return _published(job, analysis, job.key, before_publish)
    found = analyse_class(job.source, job.movement, config, references, progress, job.dancers)
    dancers = []
    for dancer in found.dancers:
        key = f"{job.key}-dancer-{dancer.number}"
        try:
            if dancer.error is not None:
                raise dancer.error
            result = _published(job, dancer.analysis, key, before_publish)
        except TechniqueError as exc:
            result = replace(failure(job, exc), key=key)
        dancers.append(replace(result, dancer=dancer.number, class_size=found.count))
    scored = [d for d in dancers if d.status == "ok"]
    reason = "" if scored else "; ".join(d.reason for d in dancers)
    return ClipResult(job.path, job.clip_hash, job.key, "ok" if scored else "error", reason,
                      transient=not scored and any(d.transient for d in dancers), class_size=found.count,
                      dancers=tuple(dancers))


def _published(job: ClipJob, analysis, key: str, before_publish) -> ClipResult:
    """A clip's (or a class dancer's) report folder published under OUT/clips/<key>, and its result."""
    from technique.outputs.judged import judged_criteria
    from technique.outputs.report import report_dict
    from technique.outputs.writer import Outputs, publish_outputs, shown_as

    # Reports name the clip by its path in the batch folder: the same on every machine and every run.
    analysis = shown_as(analysis, job.path)
    out = Path(job.out)
    paths = publish_outputs(analysis, job.source, out / CLIPS / key, out,
                            Outputs(video=job.video, still=True, blur_faces=job.blur_faces),
                            staging=out / PARTIAL, before_publish=before_publish)
    files = tuple(sorted(p.name for p in paths.values()))
    report = report_dict(analysis)
    movement = report["movement"] or {}
    return ClipResult(job.path, job.clip_hash, key, "ok", "", movement.get("name"), movement.get("title"),
                      report["score"], report["view"], report["working_leg"], report["clip"]["frames"],
                      judged_criteria(report), tuple(report["warnings"]), files)


def result_is_whole(clips: Path, result: ClipResult) -> bool:
    """A finished clip's report folders (each dancer's in a class clip) are as its manifest line says."""
    if result.dancers:
        return all(report_is_whole(clips / d.key, d) for d in result.dancers if d.status == "ok")
    return report_is_whole(clips / result.key, result)


def report_is_whole(folder: Path, result: ClipResult) -> bool:
    """A finished clip's report folder is as its manifest line says: every file there and not empty, and
    report.json whole and about this clip (its path, movement and score). Otherwise it is scored again."""
    try:
        if not all((folder / name).is_file() and (folder / name).stat().st_size > 0 for name in result.files):
            return False
        report = json.loads((folder / "report.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if not isinstance(report, dict) or not isinstance(report.get("clip"), dict):
        return False
    # a name that isn't valid UTF-8 is written to the report as printable text: compare it so
    return (printable(report["clip"].get("path") or "") == printable(result.path) and report.get("score") == result.score
            and (report.get("movement") or {}).get("name") == result.movement)

"""What a batch shows on the terminal: progress bars while it runs, a line per clip at the end."""

from __future__ import annotations

import sys
from pathlib import Path

from technique.apps.batch.jobs import ClipResult
from technique.apps.batch.summary import Row


class Progress:
    """Progress bars on stderr: clips overall, and the clip each worker is on (on a terminal)."""

    def __init__(self, total: int, stream=None):
        from tqdm import tqdm

        self._tqdm = tqdm
        self.stream = stream or sys.stderr
        self.interactive = hasattr(self.stream, "isatty") and self.stream.isatty()
        # A bar is for a person watching: never written into a log file or a pipe.
        self.overall = tqdm(total=total, desc="clips", unit="clip", file=self.stream, position=0,
                            dynamic_ncols=True, mininterval=0.5, disable=not self.interactive)
        self._bars: dict[int, object] = {}

    def frames(self, worker: int, name: str, done: int | None, total: int | None) -> None:
        if not self.interactive:
            return
        bar = self._bars.get(worker)
        if done is None:
            if bar is not None:
                bar.set_description_str("(idle)")
            return
        label = Path(name).name[:28]
        if bar is None:
            bar = self._bars[worker] = self._tqdm(total=total, desc=label, unit="frame", file=self.stream,
                                                 position=len(self._bars) + 1, leave=False, dynamic_ncols=True)
        if bar.desc != label:
            bar.reset(total=total)
            bar.set_description_str(label)
        bar.update(done - bar.n)

    def finished(self, result: ClipResult) -> None:
        self.overall.set_postfix_str(f"{mark(result)} {Path(result.path).name[:30]}", refresh=False)
        self.overall.update(1)

    def close(self) -> None:
        for bar in self._bars.values():
            bar.close()
        self.overall.close()


def mark(result: ClipResult) -> str:
    """✓ only for a clip scored against a movement (a class clip: one of its dancers' at least); ? for one
    scored but not recognised; ✗ for a failure."""
    if result.status != "ok":
        return "✗"
    return "✓" if result.movement or any(d.movement for d in result.dancers) else "?"


def summary_text(rows: list[Row], out: Path, history_note: str) -> str:
    """The end of a batch on screen: a line per clip, failures with their reason, where the files are.
    The counts say what this run did: clips done by an earlier run (--resume) are counted apart."""
    scored = [r for r in rows if r.status == "ok"]
    failed = [r for r in rows if r.status == "error"]
    skipped = [r for r in rows if r.status == "skipped"]
    width = min(50, max((len(r.path) for r in rows), default=10))
    lines = []
    for r in scored:
        res = r.result
        score = "  -" if res.score is None else f"{res.score:3.0f}"
        lines.append(f"{mark(res)} {r.path:<{width}} {score}  {res.movement_title or 'not recognised'}"
                     + (f"  ({r.student})" if r.student else ""))
    for r in failed:
        lines.append(f"✗ {r.path:<{width}} {r.reason}")
    for r in skipped:
        lines.append(f"· {r.path:<{width}} skipped: {r.reason}")
    now_scored = sum(not r.already_done for r in scored)
    now_failed = sum(not r.already_done for r in failed)
    earlier = sum(r.already_done for r in scored + failed)
    lines.append(f"{now_scored} scored, {now_failed} failed" + (f", {earlier} already done" if earlier else "")
                 + f", {len(skipped)} skipped. " + history_note)
    lines.append(f"Summary: {out / 'summary.html'}  {out / 'summary.csv'}")
    return "\n".join(lines)

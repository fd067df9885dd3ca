"""Batch scoring: every clip under a folder, in parallel, resumable, one bad file never stops the rest.

``score_one(ClipJob) -> ClipResult`` is the whole per-clip job: a pure, picklable top-level function
that analyses one clip with its own pose estimator and publishes the clip's report folder atomically.
The same function runs in local worker processes (``--engine local``) or on a Dask cluster
(``--engine dask``). The coordinating process discovers clips, hashes them, hands out jobs, appends
each finished result to ``manifest.jsonl`` (the resume record, keyed by content hash), saves results
to the history database and writes the summary table (CSV + HTML).

Output folder::

    OUT/clips/<name>-<hash12>/   report.json, frames.csv, worst.jpg, annotated.mp4 (as `technique score`);
                                 with --dancer, one folder per dancer of a class: <name>-<hash12>-dancer-<N>/
    OUT/manifest.jsonl           one line per finished clip (appended and fsynced): what --resume trusts
    OUT/summary.csv              one row per clip: status, reason, movement, score, one column per criterion
    OUT/summary_criteria.csv     one row per clip and criterion: value, unit, verdict, score
    OUT/summary.html             the same, readable, with failures and their reasons
    OUT/.partial/                work in progress (removed at the start of every run)
    OUT/.lock                    held (flock) by the one batch writing to OUT; holds its pid while it runs

Rooms: jobs (ClipJob, ClipResult, score_one), discovery (clips, students, folder names), manifest
(resume record and lock), workers (local and Dask engines), plan (what to score, the summary's rows),
recording (manifest lines and history as clips finish), summary (CSV, HTML), screen (progress, the
closing lines), run (the command).
"""

from technique.apps.batch.discovery import Found, discover, folder_key, not_a_video, student_of
from technique.apps.batch.jobs import ClipJob, ClipResult, score_one
from technique.apps.batch.manifest import Manifest, OutputBusy, lock_output, unlock_output
from technique.apps.batch.run import run_batch
from technique.apps.batch.screen import summary_text
from technique.apps.batch.summary import Row, criteria_csv, csv_cell, summary_csv, summary_html

__all__ = ["ClipJob", "ClipResult", "Found", "Manifest", "OutputBusy", "Row", "criteria_csv", "csv_cell", "discover",
           "folder_key", "lock_output", "not_a_video", "run_batch", "score_one", "student_of", "summary_csv",
           "summary_html", "summary_text", "unlock_output"]

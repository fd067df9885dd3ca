"""`technique app` as a program: a busy port is named with a non-zero exit, and Streamlit's own
messages reach the terminal (only MediaPipe's native logs are hidden). Real subprocesses, each with
a timeout."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import wait_until_healthy


def technique_app(port: int, tmp_path: Path, **popen) -> subprocess.Popen:
    env = dict(os.environ, TECHNIQUE_DB=str(tmp_path / "history.sqlite3"), PYTHONUNBUFFERED="1")
    return subprocess.Popen([sys.executable, "-m", "technique", "app", "--port", str(port)], cwd=tmp_path, env=env,
                            start_new_session=True, **popen)


def test_a_busy_port_is_named_and_the_exit_code_is_not_zero(tmp_path):
    with socket.socket() as other:  # another program already listening on the port
        other.bind(("127.0.0.1", 0))
        other.listen()
        port = other.getsockname()[1]
        process = technique_app(port, tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            out, err = process.communicate(timeout=60)
        finally:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
    assert process.returncode == 1
    assert f"port {port} is already in use on localhost" in err and "--port" in err


STREAMLIT_ERROR = "2026-11-26 09:15:39.564 Uncaught app execution\nTraceback (most recent call last):\n"
NATIVE_LINES = [  # as MediaPipe 0.10.21 writes them when the live coach starts
    "INFO: Created TensorFlow Lite XNNPACK delegate for CPU.\n",
    "WARNING: All log messages before absl::InitializeLog() is called are written to STDERR\n",
    "W0000 00:00:1795686224.506282    4819 inference_feedback_manager.cc:114] Feedback manager requires a "
    "model with a single signature inference. Disabling support for feedback tensors.\n",
    "I0000 00:00:1795686224.5 4819 gl_context.cc:357] GL version: 3.2\n",
]


@pytest.mark.parametrize("line, hidden", [
    *[(line, True) for line in NATIVE_LINES],
    ("E0000 00:00:1795686224.506282    4819 calculator_graph.cc:887] INVALID_ARGUMENT: bad frame\n", False),
    ("2026-11-26 09:15:37.676 Uvicorn server started on localhost:55921\n", False),
    ("OSError: [Errno 98] Address already in use\n", False),
    ("  Stopping...\n", False),
])
def test_only_mediapipes_info_and_warning_lines_are_hidden(line, hidden):
    from technique.apps.dashboard.server import NATIVE_LOG

    assert bool(NATIVE_LOG.match(line)) == hidden


def children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


@pytest.mark.skipif(not Path("/proc/self/fd").exists(), reason="reads /proc to see where stderr goes")
def test_streamlits_messages_reach_the_terminal_and_sigterm_stops_both(tmp_path):
    """technique app, as run from a terminal: the server's stderr passes through it, without
    MediaPipe's native log lines; SIGTERM stops both."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    log = open(tmp_path / "stderr.log", "wb")
    process = technique_app(port, tmp_path, stdout=subprocess.DEVNULL, stderr=log)
    try:
        wait_until_healthy(process, f"http://localhost:{port}", tmp_path / "stderr.log")
        (server,) = children(process.pid)
        # the CLI sends its own fd 2 to /dev/null (MediaPipe's native logs); the server's must not be
        assert os.readlink(f"/proc/{process.pid}/fd/2") == "/dev/null"
        assert os.readlink(f"/proc/{server}/fd/2") != "/dev/null"
        with open(f"/proc/{server}/fd/2", "w") as server_stderr:  # as the server itself would write
            server_stderr.write(STREAMLIT_ERROR + "".join(NATIVE_LINES))
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0
        said = (tmp_path / "stderr.log").read_text(errors="replace")
        assert STREAMLIT_ERROR in said  # Streamlit's own errors reach the terminal...
        assert not any(line.strip() in said for line in NATIVE_LINES)  # ...MediaPipe's chatter doesn't
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
        log.close()

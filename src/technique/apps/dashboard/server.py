"""Launching the dashboard: `technique app` runs `streamlit run` on the app script with the privacy
settings on the command line (usage statistics off, bound to one address, an upload cap), passes the
server's messages through without MediaPipe's native chatter, and stops it cleanly."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
from pathlib import Path

MAX_UPLOAD_MB = 200  # also in .streamlit/config.toml; launch() passes it on the command line


def streamlit_command(port: int, address: str, script: Path | None = None) -> list[str]:
    """The `streamlit run` command line: usage statistics off, bound to `address`, upload cap."""
    script = script or Path(__file__).parent.with_name("dashboard_app.py")
    return [
        sys.executable, "-m", "streamlit", "run", str(script),
        "--server.port", str(port), "--server.address", address,
        "--server.headless", "true",  # no e-mail prompt; the URL is printed instead of a browser opening
        "--browser.gatherUsageStats", "false",
        "--server.maxUploadSize", str(MAX_UPLOAD_MB),
        "--server.fileWatcherType", "none",
        "--client.toolbarMode", "minimal",
    ]


def port_problem(address: str, port: int) -> str | None:
    """Why the dashboard can't listen on address:port (busy, or an address not on this computer),
    or None. Binds the way Streamlit's server does, then lets go at once."""
    import errno
    import socket

    try:
        addresses = socket.getaddrinfo(address, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as exc:
        return f"cannot serve on {address!r}: {exc.strerror}"
    for family, kind, proto, _, sockaddr in addresses:
        with socket.socket(family, kind, proto) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind(sockaddr)
            except OSError as exc:
                if exc.errno == errno.EADDRINUSE:
                    return (f"port {port} is already in use on {address} (is the dashboard already open?): "
                            f"stop the other program, or choose another port with --port")
                if family == socket.AF_INET6 and exc.errno == errno.EADDRNOTAVAIL:
                    continue  # no IPv6 on this computer: the IPv4 address is enough
                return f"cannot serve on {address}:{port}: {exc.strerror or exc}"
    return None


# MediaPipe's native start-up chatter (absl info/warning lines, TFLite's delegate notice): the
# server's only output that is hidden. Errors (E, F) and everything Streamlit says pass through.
NATIVE_LOG = re.compile(
    r"^(?:[IW]\d{4} [\d:.]+ +\d+ [\w.]+:\d+\] "
    r"|INFO: Created TensorFlow Lite XNNPACK delegate"
    r"|WARNING: All log messages before absl::InitializeLog\(\) is called are written to STDERR)")


def pass_server_messages(source, sink) -> None:
    """Copy the server's stderr to ours line by line, leaving out MediaPipe's native log lines.

    The CLI sends its own file descriptor 2 to /dev/null to hide those logs; a server inheriting it
    would hide Streamlit's errors too (a busy port, a crash), so its stderr comes through here.
    """
    for raw in iter(source.readline, b""):
        line = raw.decode("utf-8", "replace")
        if NATIVE_LOG.match(line):
            continue
        try:
            sink.write(line)
            sink.flush()
        except (OSError, ValueError):  # our stderr closed: keep draining so the server never blocks
            pass
    source.close()


def launch(args) -> int:
    """Run the dashboard until interrupted (args: port, address, db). Returns an exit code:
    0 when stopped with Ctrl+C or SIGTERM, 1 when it can't start or stops by itself."""
    problem = port_problem(args.address, args.port)
    if problem:
        print(f"technique: {problem}", file=sys.stderr)
        return 1
    env = dict(os.environ)
    env.setdefault("GLOG_minloglevel", "2")  # MediaPipe's native logs only; Streamlit's errors still show
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    if getattr(args, "db", None):
        env["TECHNIQUE_DB"] = str(Path(args.db).expanduser().resolve())
    print(f"technique dashboard: http://{args.address}:{args.port}  (Ctrl+C to stop)", file=sys.stderr)
    server = subprocess.Popen(streamlit_command(args.port, args.address), env=env, stderr=subprocess.PIPE)
    messages = threading.Thread(target=pass_server_messages, args=(server.stderr, sys.stderr),
                                name="technique-server-stderr", daemon=True)
    messages.start()

    def stop(signum, frame):  # a service manager's SIGTERM stops the server too
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        code = server.wait()
    except KeyboardInterrupt:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        return 0
    finally:
        signal.signal(signal.SIGTERM, previous)
        messages.join(timeout=5)  # the server's last words (its stderr closes as it exits)
    if code:
        print(f"technique: the dashboard stopped with exit code {code} (Streamlit's message is above)",
              file=sys.stderr)
        return 1
    return 0

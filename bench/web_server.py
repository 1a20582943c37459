"""``wellbeing serve`` as the benchmark runs it: started, watched, killed and restarted.

Part of ``bench/web.py``.
"""

from __future__ import annotations

import os
import signal
import subprocess
import socket
import sys
import time
from pathlib import Path

from bench.http_pupil import Browser, Unanswered

WELLBEING = str(Path(sys.executable).with_name("wellbeing"))
HOST = "127.0.0.1"


class Server:
    """``wellbeing serve`` in its own process group, killed and restarted on demand."""

    def __init__(self, env: dict, port: int, workers: int, folder: Path, threads: int = 4) -> None:
        self.env, self.port, self.workers, self.folder = env, port, workers, folder
        self.threads = threads
        self.process: subprocess.Popen | None = None
        self.starts = 0

    @property
    def base(self) -> str:
        return f"http://{HOST}:{self.port}"

    def start(self, timeout: float = 120) -> float:
        """Start and wait until /healthz answers 200; returns the seconds that took."""
        began = time.monotonic()
        self.starts += 1
        with open(self.folder / "server.log", "a") as err, \
                open(self.folder / "access.log", "a") as out:
            self.process = subprocess.Popen(
                [WELLBEING, "serve", "--host", HOST, "--port", str(self.port),
                 "--workers", str(self.workers), "--threads", str(self.threads)],
                env=self.env, stdout=out, stderr=err, start_new_session=True)
        while time.monotonic() - began < timeout:
            if self.process.poll() is not None:
                raise RuntimeError("server exited; see " + str(self.folder / "server.log"))
            try:
                status, _, _ = Browser(self.base, timeout=5).request("GET", "/healthz")
                if status == 200:
                    return time.monotonic() - began
            except Unanswered:
                pass
            time.sleep(0.05)
        raise RuntimeError("server did not become healthy in time")

    def kill(self) -> None:
        """SIGKILL the master and every worker at once, as a crash or the OOM killer would."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.kill()

    def worker_rss_mb(self) -> list[float]:
        """Resident memory of each worker process (MiB), from /proc."""
        sizes = []
        for status in Path("/proc").glob("[0-9]*/status"):
            try:
                text = status.read_text()
            except OSError:
                continue
            fields = dict(line.split(":\t", 1) for line in text.splitlines() if ":\t" in line)
            if fields.get("PPid", "").strip() == str(self.process.pid):
                sizes.append(int(fields["VmRSS"].split()[0]) / 1024)
        return sorted(sizes)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]

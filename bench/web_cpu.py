"""Where the CPU of a load run goes: server workers, database, Redis, the benchmark's clients.

Part of ``bench/web.py``. The client shares the machine's cores with the
server, so saves/s alone cannot say whether the server or the load generator
ran out of CPU. This samples ``/proc/<pid>/stat`` of every process a few
times a second and adds up the CPU seconds each process used while the load
ran, grouped by what the process is; divided by the number of page saves it
gives the CPU cost of one page save (the save, the next page shown, and the
client's share), which does not depend on how loaded the machine was.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

_TICKS = os.sysconf("SC_CLK_TCK")


def _processes() -> dict[int, tuple[str, int, int, float, int]]:
    """``pid -> (command, parent pid, process group, CPU seconds so far, start time)``."""
    found = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        name = text[text.index("(") + 1:text.rindex(")")]
        fields = text[text.rindex(")") + 2:].split()
        # fields[0] is the state; ppid is 1, pgrp 2, utime 11, stime 12, starttime 19
        # (proc(5)'s numbering minus 3)
        cpu = (int(fields[11]) + int(fields[12])) / _TICKS
        found[int(stat.parent.name)] = (name, int(fields[1]), int(fields[2]), cpu,
                                        int(fields[19]))
    return found


class CpuSampler:
    """Samples every process until :meth:`stop`; :meth:`split` groups the CPU seconds used.

    ``server_group``: a callable giving the server's process group (it changes
    when the server is restarted); ``client_root``: the benchmark's own pid,
    whose descendants that are not the server are the clients.
    """

    def __init__(self, server_group, client_root: int, interval: float = 0.25) -> None:
        self.server_group, self.client_root, self.interval = server_group, client_root, interval
        # keyed by (pid, start time): a process is the same one while its command name
        # changes (kernel workers rename themselves), and a reused pid is another one
        self.first: dict[tuple[int, int], float] = {}
        self.last: dict[tuple[int, int], tuple[str, float]] = {}
        self.parents: dict[int, int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> "CpuSampler":
        self._sample()
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()
        self._sample()

    def __enter__(self) -> "CpuSampler":
        return self.start()

    def __exit__(self, *_exc) -> None:
        self.stop()

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self._sample()

    def _sample(self) -> None:
        group, starting = self.server_group(), not self.last
        for pid, (name, parent, pgrp, cpu, started) in _processes().items():
            key = (pid, started)
            self.parents[pid] = parent
            self.first.setdefault(key, cpu if starting else 0.0)
            kind = "server" if pgrp == group else self._kind(pid, name)
            self.last[key] = (kind, cpu)

    def _kind(self, pid: int, name: str) -> str:
        if name.startswith("postgres"):
            return "database"
        if name.startswith("redis"):
            return "redis"
        seen = set()
        while pid and pid not in seen:
            seen.add(pid)
            if pid == self.client_root:
                return "client"
            pid = self.parents.get(pid, 0)
        return "other"

    def split(self) -> dict[str, float]:
        """CPU seconds used during the sampling, by kind of process (the sampler excluded)."""
        totals: dict[str, float] = {}
        for key, (kind, cpu) in self.last.items():
            if key[0] == os.getpid():
                kind = "client (bench process)"
            totals[kind] = totals.get(kind, 0.0) + max(0.0, cpu - self.first.get(key, 0.0))
        return {kind: round(seconds, 1) for kind, seconds in sorted(totals.items())}

"""The load driver of ``bench/web.py``: many clients at once, in several processes.

One client process cannot keep hundreds of pupils busy (they share one
GIL), so the clients are spread over ``fork``-ed processes, each running
threads; results come back through a queue. Two kinds of client: the bare
endpoint's (the reference the ratio is taken against) and virtual pupils
(:class:`bench.http_pupil.SurveyPupil`).
"""

from __future__ import annotations

import multiprocessing
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from bench.http_pupil import Browser, SurveyPupil, Unanswered, Unexpected

#: A small static file served by the same app and workers: the bare endpoint.
BARE_PATH = "/static/survey.css"


def _bare_client(base: str, stop_at: float, counts: list) -> None:
    browser, done = Browser(base, timeout=10), 0
    while time.monotonic() < stop_at:
        try:
            status, _, _ = browser.request("GET", BARE_PATH)
        except Unanswered:
            continue
        if status == 200:
            done += 1
    browser.close()
    counts.append(done)


def bare_process(base: str, clients: int, seconds: float, queue) -> None:
    counts: list[int] = []
    stop_at = time.monotonic() + seconds
    threads = [threading.Thread(target=_bare_client, args=(base, stop_at, counts))
               for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    queue.put(sum(counts))


def pupil_process(base: str, codes: list[tuple[int, str, float]], deadline_in: float,
                  think: float, queue) -> None:
    """Take the survey with each ``(seed, code, seconds before starting)`` at once."""
    began = time.monotonic()
    deadline = began + deadline_in

    def one(item):
        seed, code, delay = item
        pupil = SurveyPupil(base, code, seed=seed, think=think, deadline=deadline,
                            max_retries=100_000)
        time.sleep(max(0.0, began + delay - time.monotonic()))
        try:
            return pupil.take_survey(), None
        except (Unanswered, Unexpected) as error:
            return pupil.record, f"{type(error).__name__}: {error}"

    with ThreadPoolExecutor(max_workers=len(codes)) as pool:
        queue.put(list(pool.map(one, codes)))


def run_clients(target, args_per_process: list[tuple]) -> list:
    """Run ``target`` in several client processes (the client needs more than one core's GIL)."""
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    processes = [context.Process(target=target, args=(*args, queue)) for args in args_per_process]
    for process in processes:
        process.start()
    results = [queue.get() for _ in processes]
    for process in processes:
        process.join(timeout=60)
    return results


def split(items: list, parts: int) -> list[list]:
    return [items[index::parts] for index in range(parts) if items[index::parts]]


def steady_window(records, share: float = 0.8) -> tuple[float, float, float] | None:
    """``(from, to, pupils)``: the time in which the middle ``share`` of the saves were
    acknowledged, and the mean number of pupils taking the survey in it.

    Leaves out the start (pupils entering codes, few saves yet) and the end
    (pupils who have finished no longer load the server), which make rates
    taken over the whole run understate the load the server carried. A pupil
    takes the survey from their first acknowledged save to their last.
    """
    times = sorted(at for record in records for at in record.saved_at)
    if len(times) < 10:
        return None
    edge = (1 - share) / 2
    begin, end = times[int(edge * len(times))], times[int((1 - edge) * len(times)) - 1]
    if end <= begin:
        return None
    busy = sum(max(0.0, min(end, r.saved_at[-1]) - max(begin, r.saved_at[0]))
               for r in records if r.saved_at)
    return begin, end, busy / (end - begin)


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]

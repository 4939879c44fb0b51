"""One client from many threads; the GIL is released; Ctrl-C interrupts."""

from __future__ import annotations

import _thread
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

import tm_py


def test_shared_by_many_threads(env: tuple[tm_py.Simulator, tm_py.Client]) -> None:
    sim, c = env

    def work(i: int) -> str:
        c.create_tracking("usps", f"TMDELIV{i:04d}")
        return c.get_tracking("usps", f"TMDELIV{i:04d}").tracking_number

    with ThreadPoolExecutor(8) as pool:
        numbers = list(pool.map(work, range(64)))
    assert len(set(numbers)) == 64
    assert sim.tracking_count() == 64


def test_blocking_calls_release_the_gil() -> None:
    c = tm_py.Client.mock()
    sim = c.simulator
    assert sim is not None
    sim.add_fault("latency", endpoint="trackings.getuserinfo", min_ms=300, max_ms=300)

    start = time.monotonic()
    c.user_info()
    c.user_info()
    serial = time.monotonic() - start

    threads = [threading.Thread(target=c.user_info) for _ in range(2)]
    start = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    parallel = time.monotonic() - start
    # Two threads overlap only if the first released the GIL while waiting.
    assert parallel < serial * 0.8, (parallel, serial)

    # Pure-Python work keeps running during a blocking call.
    ticks = 0
    stop = threading.Event()

    def spin() -> None:
        nonlocal ticks
        while not stop.is_set():
            ticks += 1

    spinner = threading.Thread(target=spin)
    spinner.start()
    c.user_info()
    stop.set()
    spinner.join()
    assert ticks > 1000


def test_ctrl_c_interrupts_a_blocking_call() -> None:
    c = tm_py.Client.mock()
    sim = c.simulator
    assert sim is not None
    sim.add_fault("latency", endpoint="trackings.getuserinfo", min_ms=5000, max_ms=5000)
    timer = threading.Timer(0.2, _thread.interrupt_main)
    start = time.monotonic()
    timer.start()
    with pytest.raises(KeyboardInterrupt):
        c.user_info()
    assert time.monotonic() - start < 2.0
    timer.join()

"""Fork safety: a forked child (gunicorn --preload, multiprocessing's fork
start method, Celery prefork) gets its own runtime and connection pool.

Each child runs in a subprocess-like fork and must exit on its own; the
generous timeout only detects a hang (the bug this guards against was a child
blocked forever), it is not a speed assertion."""

from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys
import textwrap

import pytest

import tm_py

if not hasattr(os, "fork"):
    pytest.skip("needs os.fork", allow_module_level=True)

HANG = 60.0  # seconds; only to turn a hang into a failure


def run_in_child(body: str) -> subprocess.CompletedProcess[str]:
    """Runs `body` in a fresh interpreter that warms tm_py up, forks, and
    reports the child's exit status; the parent also keeps working."""
    script = textwrap.dedent(
        """
        import os, sys
        import tm_py
        """
    ) + textwrap.dedent(body)
    return subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=HANG
    )


def test_fork_after_use_of_a_mock_client() -> None:
    r = run_in_child(
        """
        c = tm_py.Client.mock()
        c.create_tracking("usps", "TMDELIV0001")
        pid = os.fork()
        if pid == 0:
            try:
                assert c.get_tracking("usps", "TMDELIV0001").tracking_number == "TMDELIV0001"
                fresh = tm_py.Client.mock()
                assert fresh.user_info().email
                os._exit(0)
            except BaseException as e:
                print("child failed:", repr(e), file=sys.stderr)
                os._exit(1)
        _, status = os.waitpid(pid, 0)
        assert os.WEXITSTATUS(status) == 0, status
        assert c.user_info().email  # the parent still works
        print("ok")
        """
    )
    assert r.returncode == 0 and "ok" in r.stdout, r.stderr


def test_fork_after_mock_server_and_http_calls() -> None:
    r = run_in_child(
        """
        server = tm_py.MockServer()
        c = server.client()
        c.create_tracking("usps", "TMDELIV0001")          # pool has a live connection
        pid = os.fork()
        if pid == 0:
            try:
                # the inherited client, over a fresh pool (the parent serves)
                assert c.get_tracking("usps", "TMDELIV0001").status == "delivered"
                # a new client made in the child
                assert tm_py.Client("mock-key", base_url=server.url).user_info().email
                # an asyncio client in the child
                import asyncio
                async def main():
                    return await server.async_client().user_info()
                assert asyncio.run(main()).email
                assert not server.running          # the parent's server, not ours
                server.close()                     # forgets it, never waits on it
                os._exit(0)
            except BaseException as e:
                print("child failed:", repr(e), file=sys.stderr)
                os._exit(1)
        _, status = os.waitpid(pid, 0)
        assert os.WEXITSTATUS(status) == 0, status
        assert c.user_info().email and server.running
        server.close()
        print("ok")
        """
    )
    assert r.returncode == 0 and "ok" in r.stdout, r.stderr


def test_gunicorn_preload_like_workers() -> None:
    # Like `gunicorn --preload -w 3`: the master imports the app (which makes
    # a client and calls it once), then forks workers that serve requests.
    r = run_in_child(
        """
        server = tm_py.MockServer()
        app_client = tm_py.Client("mock-key", base_url=server.url, max_retries=0)
        app_client.create_tracking("usps", "TMDELIV0001")  # warm-up at import time

        def handle_request(n):
            return app_client.get_tracking("usps", "TMDELIV0001").tracking_number

        workers = []
        for w in range(3):
            pid = os.fork()
            if pid == 0:
                try:
                    for n in range(5):
                        assert handle_request(n) == "TMDELIV0001"
                    os._exit(0)
                except BaseException as e:
                    print("worker failed:", repr(e), file=sys.stderr)
                    os._exit(1)
            workers.append(pid)
        codes = [os.WEXITSTATUS(os.waitpid(p, 0)[1]) for p in workers]
        assert codes == [0, 0, 0], codes
        server.close()
        print("ok")
        """
    )
    assert r.returncode == 0 and "ok" in r.stdout, r.stderr


def fetch(number: str) -> tm_py.Tracking:
    return _pool_client.get_tracking("usps", number)


_pool_client: tm_py.Client


# Python 3.12+ warns that forking a multi-threaded process may deadlock; this
# test exists to show that tm_py's own threads do not.
@pytest.mark.filterwarnings("ignore:This process .* is multi-threaded:DeprecationWarning")
def test_multiprocessing_fork_pool_returns_trackings() -> None:
    global _pool_client
    server = tm_py.MockServer()
    try:
        _pool_client = server.client()
        numbers = [f"TMDELIV{i:04d}" for i in range(8)]
        _pool_client.create_trackings([("usps", n) for n in numbers])
        ctx = multiprocessing.get_context("fork")
        with ctx.Pool(2) as pool:
            result = pool.map_async(fetch, numbers)
            got = result.get(timeout=HANG)
        assert [t.tracking_number for t in got] == numbers
        assert all(isinstance(t, tm_py.Tracking) for t in got)
        assert got[0] == _pool_client.get_tracking("usps", numbers[0])
    finally:
        server.close()

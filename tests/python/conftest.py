"""Shared fixtures: the same tests run in-process (`Client.mock()`) and over
HTTP (`MockServer`)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

import tm_py


@pytest.fixture(scope="session")
def server() -> Iterator[tm_py.MockServer]:
    with tm_py.MockServer(seed=7) as s:
        yield s


@pytest.fixture(params=["mock", "http"])
def env(request: pytest.FixtureRequest, server: tm_py.MockServer) -> Iterator[tuple[tm_py.Simulator, tm_py.Client]]:
    """A fresh simulator state and a blocking client of it."""
    if request.param == "mock":
        client = tm_py.Client.mock(max_retries=0)
        sim = client.simulator
        assert sim is not None
        yield sim, client
        client.close()
    else:
        server.reset()
        with server.client(max_retries=0) as client:
            yield server, client


@pytest.fixture(params=["mock", "http"])
def aenv(request: pytest.FixtureRequest, server: tm_py.MockServer) -> Iterator[tuple[tm_py.Simulator, tm_py.AsyncClient]]:
    """A fresh simulator state and an asyncio client of it."""
    if request.param == "mock":
        client = tm_py.AsyncClient.mock(max_retries=0)
        sim = client.simulator
        assert sim is not None
        yield sim, client
    else:
        server.reset()
        yield server, server.async_client(max_retries=0)

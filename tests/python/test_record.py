"""`Client(..., record=path)`: every exchange written to a JSON-lines cassette, the key never."""

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest

import tm_py

SECRET = "py-record-secret-7c1e"


def _lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def test_client_records_every_exchange_without_the_key(tmp_path: Path) -> None:
    cassette = tmp_path / "calls.jsonl"
    with tm_py.MockServer(seed=3) as server:
        client = tm_py.Client(SECRET, base_url=server.url, record=cassette)
        client.create_tracking("dhl-germany", "00340434161234567890", title="recorded")
        with pytest.raises(tm_py.TrackingMoreError):
            client.get_tracking("ups", "1Z97X17XYW06605211")
        client.close()
    text = cassette.read_text()
    assert SECRET not in text
    lines = _lines(cassette)
    assert [(x["request"]["method"], x["request"]["path"]) for x in lines] == [
        ("POST", "/trackings/post"),
        ("GET", "/trackings/ups/1Z97X17XYW06605211"),
    ]
    first = lines[0]
    assert first["request"]["body"]["title"] == "recorded"
    assert first["response"]["body"]["meta"]["code"] == 200
    assert lines[1]["response"]["body"]["meta"]["code"] == 4031


def test_async_client_records_and_bad_paths_raise(tmp_path: Path) -> None:
    cassette = str(tmp_path / "async.jsonl")

    async def main(url: str) -> None:
        client = tm_py.AsyncClient(SECRET, base_url=url, record=cassette)
        await client.user_info()

    with tm_py.MockServer() as server:
        asyncio.run(main(server.url))
        with pytest.raises(OSError, match="cannot create the cassette"):
            tm_py.Client(SECRET, base_url=server.url, record=tmp_path / "missing" / "x.jsonl")
    assert [x["request"]["path"] for x in _lines(Path(cassette))] == ["/trackings/getuserinfo"]

"""The DevTools pipe reader: JSON messages ending in NUL, however the bytes arrive."""

from __future__ import annotations

import json
import time

from sozialraum.report.pdf import _nul_messages


def _source(data: bytes, size: int):
    pieces = [data[i : i + size] for i in range(0, len(data), size)]
    return lambda: pieces.pop(0) if pieces else b""


def test_messages_split_and_joined_in_any_pieces():
    msgs = [{"id": 1}, {"id": 2, "result": {"data": "x" * 5000}}, {"method": "Page.loadEventFired"}]
    data = b"".join(json.dumps(m).encode() + b"\0" for m in msgs)
    for size in (1, 7, 64, 4096, len(data)):
        read = _nul_messages(_source(data, size))
        assert [read() for _ in msgs] == msgs
        assert read() is None  # the browser closed the pipe


def test_a_large_message_in_pipe_sized_pieces_is_read_in_linear_time():
    """A 20 MB print in 1 KB pieces: the end is searched in the new bytes only."""
    big = {"id": 9, "result": {"data": "A" * 20_000_000}}
    data = json.dumps(big).encode() + b"\0"
    read = _nul_messages(_source(data, 1 << 10))
    t0 = time.perf_counter()
    got = read()
    assert got["result"]["data"] == big["result"]["data"]
    # searching the whole buffer after each of the 19,500 pieces scans ~200 GB (many seconds)
    assert time.perf_counter() - t0 < 1.5

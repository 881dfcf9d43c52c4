"""Switchable faults for the replay server, and the payloads some of them need."""
from __future__ import annotations

import re
import struct
import threading
import zlib
from dataclasses import dataclass, field

FAULT_KINDS = {"503", "429", "slow", "404", "redirect", "redirect_offhost", "redirect_private", "reset", "truncate",
               "oversize", "gzip_bomb", "broken_layout"}
DEFAULT_PARAMS = {
    "503": {"retry_after": 1},
    "429": {"retry_after": 1},
    "slow": {"delay": 5},
    "redirect_offhost": {"location": "http://169.254.169.254/latest/meta-data/"},
    "redirect_private": {"location": "http://10.0.0.1/view/x"},
    "oversize": {"size_mb": 12, "declare_length": True},
    "gzip_bomb": {},
}


@dataclass
class Fault:
    pattern: re.Pattern
    kind: str
    remaining: int | None  # None: every matching request
    params: dict = field(default_factory=dict)


class FaultTable:
    """Ordered faults; the first one whose pattern matches and that has uses left applies to a request."""

    def __init__(self) -> None:
        self._faults: list[Fault] = []
        self._lock = threading.Lock()

    def add(self, pattern: str, kind: str, times: int | None = None, **params) -> Fault:
        if kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {kind!r}; expected one of {sorted(FAULT_KINDS)}")
        fault = Fault(re.compile(pattern), kind, times, {**DEFAULT_PARAMS.get(kind, {}), **params})
        with self._lock:
            self._faults.append(fault)
        return fault

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()

    def take(self, path_with_query: str) -> Fault | None:
        """The fault for this request, counting one use of it."""
        with self._lock:
            for fault in self._faults:
                if fault.remaining == 0 or not fault.pattern.search(path_with_query):
                    continue
                if fault.remaining is not None:
                    fault.remaining -= 1
                return fault
        return None


# --- gzip bomb: ~1 GiB of spaces in about 1 MB of gzip, built once --------------------------------
BOMB_BLOCK = 1 << 20
BOMB_BLOCKS = 1024
_bomb: bytes | None = None
_bomb_lock = threading.Lock()


def gzip_bomb() -> bytes:
    """A single gzip member inflating to 1 GiB + a few bytes of HTML.

    Each 1 MiB block is compressed after a full flush, so its deflate bytes are the same every time and the
    stream is built by repetition in well under a second instead of deflating a whole gigabyte.
    """
    global _bomb
    with _bomb_lock:
        if _bomb is None:
            prefix = b"<!doctype html><html><body>"
            block = b" " * BOMB_BLOCK
            comp = zlib.compressobj(9, zlib.DEFLATED, -15)
            first = comp.compress(prefix) + comp.flush(zlib.Z_FULL_FLUSH)
            repeated = comp.compress(block) + comp.flush(zlib.Z_FULL_FLUSH)
            tail = comp.flush(zlib.Z_FINISH)
            # crc32 of prefix + 1024 blocks, by doubling the block run (no pass over a gigabyte)
            run_crc, run_len = zlib.crc32(block), BOMB_BLOCK
            while run_len < BOMB_BLOCK * BOMB_BLOCKS:
                run_crc, run_len = _crc32_combine(run_crc, run_crc, run_len), run_len * 2
            crc = _crc32_combine(zlib.crc32(prefix), run_crc, run_len)
            size = len(prefix) + BOMB_BLOCK * BOMB_BLOCKS
            header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"
            _bomb = header + first + repeated * BOMB_BLOCKS + tail + struct.pack("<II", crc, size & 0xFFFFFFFF)
    return _bomb


def _gf2_times(mat: list[int], vec: int) -> int:
    s = 0
    i = 0
    while vec:
        if vec & 1:
            s ^= mat[i]
        vec >>= 1
        i += 1
    return s


def _gf2_square(mat: list[int]) -> list[int]:
    return [_gf2_times(mat, mat[n]) for n in range(32)]


def _crc32_combine(crc1: int, crc2: int, len2: int) -> int:
    odd = [0xEDB88320] + [1 << n for n in range(31)]
    even = _gf2_square(odd)
    odd = _gf2_square(even)
    while True:
        even = _gf2_square(odd)
        if len2 & 1:
            crc1 = _gf2_times(even, crc1)
        len2 >>= 1
        if not len2:
            break
        odd = _gf2_square(even)
        if len2 & 1:
            crc1 = _gf2_times(odd, crc1)
        len2 >>= 1
        if not len2:
            break
    return crc1 ^ crc2

"""Bitstring Status List (W3C): a GZIP-compressed bitstring, base64url multibase ('u') encoded.

Bit 0 is the most significant bit of the first byte.
"""

from __future__ import annotations

import base64
import gzip
from collections.abc import Iterable

STATUS_LIST_BITS = 131072  # the W3C minimum size: 16 KiB, for herd privacy


def bitstring(indexes: Iterable[int], *, size: int = STATUS_LIST_BITS) -> bytes:
    """The raw bitstring with the bits at `indexes` set."""
    bits = bytearray(size // 8)
    for index in indexes:
        if not 0 <= index < size:
            raise ValueError(f"index out of range: {index}")
        bits[index // 8] |= 0x80 >> (index % 8)
    return bytes(bits)


def encode(indexes: Iterable[int], *, size: int = STATUS_LIST_BITS) -> str:
    """The `encodedList` with the bits at `indexes` set."""
    compressed = gzip.compress(bitstring(indexes, size=size), mtime=0)
    return "u" + base64.urlsafe_b64encode(compressed).decode("ascii").rstrip("=")


def decode(encoded_list: str) -> bytes:
    """The raw bitstring of an `encodedList`; ValueError if it is not one."""
    if not isinstance(encoded_list, str) or not encoded_list.startswith("u"):
        raise ValueError("encodedList must be base64url multibase ('u')")
    data = encoded_list[1:]
    try:
        return gzip.decompress(base64.urlsafe_b64decode(data + "=" * (-len(data) % 4)))
    except (OSError, ValueError, EOFError) as exc:
        raise ValueError(f"invalid encodedList: {exc}") from exc


def bit(bitstring: bytes, index: int) -> bool:
    if not 0 <= index < len(bitstring) * 8:
        raise ValueError(f"index out of range: {index}")
    return bool(bitstring[index // 8] & (0x80 >> (index % 8)))

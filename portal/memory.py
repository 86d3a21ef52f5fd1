"""Giving memory back after a heavy request (issue 18).

A request that builds a lot at once (a sort by price over the whole catalog prices every product) leaves the worker's
C heap full of free pages: glibc keeps them for later allocations and returns only those at the top of the heap, so
the worker's resident size stays at its high-water mark for its whole life. After a request that took longer than
MALLOC_TRIM_AFTER_SECONDS (1 s; 0 turns it off) the worker asks glibc to return what is free (malloc_trim(0), a few
milliseconds, after the answer was sent). Nothing happens where the C library has no malloc_trim (musl, macOS)."""
import ctypes
import ctypes.util
import threading
import time

from django.conf import settings

_started = threading.local()
_trim = None


def _malloc_trim():
    global _trim
    if _trim is None:
        try:
            _trim = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim
            _trim.argtypes, _trim.restype = [ctypes.c_size_t], ctypes.c_int
        except (OSError, AttributeError):
            _trim = False
    return _trim


def request_started(**kwargs) -> None:
    _started.at = time.monotonic()


def request_finished(**kwargs) -> bool:
    """Returns whether memory was handed back (for tests)."""
    started = getattr(_started, "at", None)
    _started.at = None
    after = getattr(settings, "MALLOC_TRIM_AFTER_SECONDS", 1.0)
    if started is None or not after or time.monotonic() - started < after:
        return False
    trim = _malloc_trim()
    if not trim:
        return False
    trim(0)
    return True

"""How the process holds memory: the cyclic collector around start-up, and two glibc allocator
settings for a process that runs an embedding model (no-ops elsewhere).

Model runs allocate big short-lived buffers (activations). By default glibc raises its mmap
threshold as such buffers are freed, then serves the next ones from its heaps and keeps those
pages for good; and freed heap pages stay with the process until trimmed.
"""

import contextlib
import ctypes
import gc

M_MMAP_THRESHOLD = -3  # mallopt's parameter number (malloc.h)
BIG_BUFFER_BYTES = 256 * 1024


def map_big_buffers() -> None:
    """Give buffers of 256 KiB and more their own mappings, returned to the system when freed.
    Without it, one batch of long texts (indexing the bank) kept ~250 MB for the process's life."""
    with contextlib.suppress(OSError, AttributeError):  # not glibc: nothing to do
        ctypes.CDLL(None).mallopt(M_MMAP_THRESHOLD, BIG_BUFFER_BYTES)


def return_freed_memory() -> None:
    """Hand the heaps' free pages back to the system, e.g. after loading the model (its 90 MB
    file is parsed into buffers freed once the weights are copied out) or indexing the bank."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None).malloc_trim(0)  # the C library the interpreter runs on


def pause_collection() -> None:
    """Start-up builds a few hundred thousand objects that live as long as the process (modules,
    classes, SQLAlchemy and pydantic schemas); the cyclic collector would walk them again and
    again while they are made, about a tenth of the time to ready, and free none of them."""
    gc.disable()


def settle_after_start() -> None:
    """Once serving, if start-up paused the collector: set what start-up made aside
    (`gc.freeze`, a constant-time move) so later full collections don't walk it either, and
    collect as usual from now on. Not collected first: that pauses everything for a fifth of a
    second to free a few thousand objects."""
    if gc.isenabled():
        return
    gc.freeze()
    gc.enable()

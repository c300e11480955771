"""The garbage collector rests while a Lambda's handler module is imported.

Importing the application creates tens of thousands of long-lived objects (modules,
classes, pydantic and pynamodb models) and frees almost none, so the cyclic collector
running meanwhile only scans them again and again: about a fifth of the import on
CPython 3.11 (``make bench``). Importing this module pauses it, first thing in a handler
module; the handler module calls ``loaded()`` last, which moves everything imported out
of the collector's way for good (``gc.freeze``: later collections skip it too) and
resumes it.
"""

from __future__ import annotations

import gc

gc.disable()


def loaded() -> None:
    gc.freeze()
    gc.enable()

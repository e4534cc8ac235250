"""The garbage collector, told what lives for as long as the process.

A process of this service holds some hundred thousand objects that live as long as it does
(modules, models, compiled templates, URL patterns). Python's collector walks all of them at
each full collection (about 85 ms at a council's size, every few dozen requests on a busy
dashboard) and many of them at younger ones. After the 1st, 10th, 100th and 1,000th request,
by when the pages' templates and URL patterns have been loaded, what is alive is frozen
(``gc.freeze``, after a collection, so nothing left behind is kept): the collector leaves those
objects alone from then on and walks only what later requests make.
"""

import gc
import itertools

from django.core.signals import request_finished

FREEZE_AFTER = frozenset({1, 10, 100, 1000})
_requests = itertools.count(1)


def _freeze_now_and_then(**kwargs) -> None:
    done = next(_requests)
    if done in FREEZE_AFTER:
        gc.collect()
        gc.freeze()
    if done >= max(FREEZE_AFTER):
        request_finished.disconnect(_freeze_now_and_then, dispatch_uid=__name__)


def connect() -> None:
    request_finished.connect(_freeze_now_and_then, dispatch_uid=__name__)

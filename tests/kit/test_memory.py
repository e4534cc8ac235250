"""After its first requests a process freezes what lives as long as it does (kit.memory), so
the garbage collector's full collections no longer walk it."""

import gc

from kit import memory


def test_the_first_request_freezes_what_is_alive(client, db, monkeypatch):
    monkeypatch.setattr(memory, "_requests", iter(range(1, 5000)))
    gc.unfreeze()
    memory.connect()
    assert gc.get_freeze_count() == 0
    client.get("/accounts/login/")
    assert gc.get_freeze_count() > 10_000  # modules, models, templates, URL patterns
    gc.unfreeze()
    client.get("/accounts/login/")  # the second request freezes nothing more
    assert gc.get_freeze_count() == 0

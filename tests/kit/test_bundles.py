"""Entries read together are kept together (kit.bundles): one cache read finds them, the
entries the bundle lacks are read by their own keys, and the bundle is written again only once
more than ``refresh_after`` of a read's entries were not in it."""

import pytest
from django.core.cache import cache

from kit import bundles


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def count_reads(monkeypatch) -> list:
    asked = []
    get, get_many = cache.get, cache.get_many
    monkeypatch.setattr(cache, "get", lambda key, *a, **k: asked.append([key]) or get(key, *a, **k))
    monkeypatch.setattr(
        cache, "get_many", lambda keys, *a, **k: asked.append(list(keys)) or get_many(keys, *a, **k)
    )
    return asked


def test_a_first_read_finds_nothing_and_keeps_what_is_made():
    read = bundles.read("b", ["x", "y"])
    assert read.found == {} and read.missing == ["x", "y"]
    read.keep({"x": 1, "y": 2})
    assert cache.get("x") == 1 and cache.get("y") == 2  # each under its own key
    assert cache.get("b") == {"x": 1, "y": 2}  # and together


def test_the_next_read_takes_them_all_from_the_bundle_in_one_read(monkeypatch):
    bundles.read("b", ["x", "y"]).keep({"x": 1, "y": 2})
    asked = count_reads(monkeypatch)
    read = bundles.read("b", ["x", "y"])
    assert read.found == {"x": 1, "y": 2} and read.missing == []
    assert asked == [["b"]]


def test_entries_the_bundle_lacks_are_read_by_their_own_keys(monkeypatch):
    bundles.read("b", ["x", "y"]).keep({"x": 1, "y": 2})
    cache.set("z", 3)  # kept by another read (another page, another process)
    asked = count_reads(monkeypatch)
    read = bundles.read("b", ["x", "z", "w"])
    assert read.found == {"x": 1, "z": 3} and read.missing == ["w"]
    assert asked[0] == ["b"] and sorted(asked[1]) == ["w", "z"]  # one read of the rest


def test_the_bundle_is_written_again_only_past_refresh_after():
    bundles.read("b", ["x", "y", "z"]).keep({"x": 1, "y": 2, "z": 3})
    read = bundles.read("b", ["x", "y", "z2"])  # z changed: z2 is its new key
    read.keep({"z2": 4}, refresh_after=1)
    assert cache.get("b") == {"x": 1, "y": 2, "z": 3}  # one outside it: not written
    assert cache.get("z2") == 4
    read = bundles.read("b", ["x2", "y", "z2"])
    assert read.found == {"y": 2, "z2": 4}
    read.keep({"x2": 5}, refresh_after=1)
    assert cache.get("b") == {"x2": 5, "y": 2, "z2": 4}  # two outside it: written, as read


def test_an_entry_made_again_under_the_same_key_counts_as_outside_the_bundle():
    bundles.read("b", ["x", "y"]).keep({"x": 1, "y": 2})
    read = bundles.read("b", ["x", "y"])
    read.keep({"x": 10})  # refresh_after=0: any entry outside the bundle writes it
    assert cache.get("b") == {"x": 10, "y": 2}
    assert bundles.read("b", ["x", "y"]).found == {"x": 10, "y": 2}

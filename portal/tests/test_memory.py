"""A worker gives its free memory back after a heavy request, and only then (portal/memory.py, issue 18)."""
import pytest

from portal import memory


@pytest.fixture
def clock(monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(memory.time, "monotonic", lambda: now[0])
    return now


def test_memory_is_handed_back_after_a_slow_request_only(clock, settings):
    settings.MALLOC_TRIM_AFTER_SECONDS = 1.0
    memory.request_started()
    clock[0] += 0.2
    assert memory.request_finished() is False  # a quick page: nothing to do
    memory.request_started()
    clock[0] += 3.0
    assert memory.request_finished() is (bool(memory._malloc_trim()))  # glibc here: handed back
    assert memory.request_finished() is False  # no request running


def test_it_can_be_turned_off_and_needs_no_glibc(clock, settings, monkeypatch):
    settings.MALLOC_TRIM_AFTER_SECONDS = 0
    memory.request_started()
    clock[0] += 10
    assert memory.request_finished() is False
    settings.MALLOC_TRIM_AFTER_SECONDS = 1.0
    monkeypatch.setattr(memory, "_trim", False)  # a C library without malloc_trim
    memory.request_started()
    clock[0] += 10
    assert memory.request_finished() is False


def test_a_page_is_served_with_the_signals_connected(client):
    assert client.get("/healthz/").status_code in (200, 503)
    assert memory._malloc_trim()  # this machine's glibc has it

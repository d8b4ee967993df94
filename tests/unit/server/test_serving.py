"""Connection caps count per owner, free a place on release, ignore what they never admitted, and hold
under concurrent connects."""

from __future__ import annotations

import threading

from server.serving import Cap


def test_a_cap_admits_up_to_its_limit_per_owner() -> None:
    cap = Cap(2)
    assert cap.admit("a", "1.2.3.4") and cap.admit("b", "1.2.3.4")
    assert not cap.admit("c", "1.2.3.4")
    assert cap.admit("c", "5.6.7.8"), "owners are counted apart"
    assert (cap.count("1.2.3.4"), cap.count("5.6.7.8")) == (2, 1)


def test_release_frees_a_place_once_and_ignores_strangers() -> None:
    cap = Cap(1)
    assert cap.admit("a", 7)
    cap.release("never-admitted")
    assert not cap.admit("b", 7)
    cap.release("a")
    cap.release("a")
    assert cap.count(7) == 0
    assert cap.admit("b", 7) and not cap.admit("c", 7)


def test_concurrent_admissions_never_exceed_the_limit() -> None:
    cap = Cap(10)
    admitted: list[bool] = []
    start = threading.Barrier(50)

    def connect(index: int) -> None:
        start.wait()
        admitted.append(cap.admit(f"sid-{index}", "one"))

    threads = [threading.Thread(target=connect, args=(i,)) for i in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert admitted.count(True) == 10 and cap.count("one") == 10

"""One computation per key at a time: shared by whoever asks while it runs."""

import threading
from concurrent.futures import Future, ThreadPoolExecutor

from emotionpix.recommend.single_flight import SingleFlight


def test_callers_of_a_running_key_share_its_computation():
    flight, release, started = SingleFlight(), threading.Event(), []

    def work():
        started.append(1)
        release.wait(5)
        return "answer"

    with ThreadPoolExecutor(2) as pool:
        first = flight.share("k", lambda: pool.submit(work))
        second = flight.share("k", lambda: pool.submit(work))
        other = flight.share("other", lambda: pool.submit(lambda: "other"))
        release.set()
        assert first is second
        assert (first.result(), other.result()) == ("answer", "other")
    assert started == [1]


def test_a_finished_computation_is_not_shared_again():
    flight = SingleFlight()
    done: Future[str] = Future()
    done.set_result("old")
    assert flight.share("k", lambda: done) is done
    fresh: Future[str] = Future()
    assert flight.share("k", lambda: fresh) is fresh


def test_the_first_caller_leads_and_the_others_wait_for_it():
    flight, order = SingleFlight(), []
    leading, release = threading.Event(), threading.Event()

    def lead():
        with flight.lead("k") as leads:
            leading.set()
            release.wait(5)
            order.append(("leader", leads))

    def follow():
        leading.wait(5)
        with flight.lead("k") as leads:
            order.append(("follower", leads))

    threads = [threading.Thread(target=lead), threading.Thread(target=follow)]
    for thread in threads:
        thread.start()
    leading.wait(5)
    release.set()
    for thread in threads:
        thread.join(5)
    assert order == [("leader", True), ("follower", False)]
    with flight.lead("k") as leads:  # nobody leads any more
        assert leads

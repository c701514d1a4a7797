"""The phase timer: off unless a benchmark records, and then each phase counted per engine (no time is asserted:
figures belong to the benchmarks)."""

from __future__ import annotations

from e2ekit._phases import PHASES, phase, recording_phases


def test_the_phase_timer_is_one_shared_do_nothing_context_manager_unless_a_benchmark_records() -> None:
    with phase("probes", "chromium"):
        pass

    assert phase("probes", "chromium") is phase("launch")


def test_a_recording_counts_each_phase_per_engine_and_only_inside_its_block() -> None:
    with recording_phases() as times:
        with phase("launch", "firefox"):
            pass
        for _ in range(3):
            with phase("probes", "firefox"):
                pass
        with phase("servers"):
            pass
    with phase("probes", "firefox"):
        pass

    assert times.counts == {("firefox", "launch"): 1, ("firefox", "probes"): 3, ("", "servers"): 1}
    assert set(times.seconds) == set(times.counts)
    assert all(seconds >= 0 for seconds in times.seconds.values())
    assert times.engines() == ["", "firefox"]
    assert [line.split()[0] for line in times.table().splitlines()] == ["engine", "(shared)", "firefox"]
    assert {"launch", "probes", "servers"} <= set(PHASES)

"""The debouncer, driven by a clock the test advances by hand (no sleeps), and the kernel clock it uses by default."""

from __future__ import annotations

import asyncio
import threading

from imaging_value.present.live import Debouncer, KernelClock


class ManualClock:
    """A clock that runs callbacks only when the test advances it."""

    def __init__(self) -> None:
        self.now = 0.0
        self.pending: list[list] = []  # [due, callback, cancelled]

    def call_later(self, delay, callback):
        entry = [self.now + delay, callback, False]
        self.pending.append(entry)
        clock = self

        class Handle:
            def cancel(self_inner):
                entry[2] = True
                if entry in clock.pending:
                    clock.pending.remove(entry)

        return Handle()

    def advance(self, seconds: float) -> None:
        self.now += seconds
        due = sorted((e for e in self.pending if e[0] <= self.now and not e[2]), key=lambda e: e[0])
        for entry in due:
            self.pending.remove(entry)
            entry[1]()


def counting():
    calls = []
    return calls, lambda: calls.append(len(calls) + 1)


def test_a_burst_of_triggers_runs_the_action_once_after_the_quiet_delay():
    clock = ManualClock()
    calls, action = counting()
    debouncer = Debouncer(0.15, action, clock)
    for _ in range(30):
        debouncer.trigger()
        clock.advance(0.1)  # each trigger comes before the previous one's delay is up
    assert calls == [] and debouncer.pending
    clock.advance(0.04)
    assert calls == []  # 0.14 s of quiet: not yet
    clock.advance(0.01)
    assert calls == [1] and not debouncer.pending
    clock.advance(10)
    assert calls == [1]  # nothing left over from the burst


def test_triggers_after_the_action_start_a_new_delay():
    clock = ManualClock()
    calls, action = counting()
    debouncer = Debouncer(0.2, action, clock)
    debouncer.trigger()
    clock.advance(0.2)
    debouncer.trigger()
    clock.advance(0.19)
    assert calls == [1]
    clock.advance(0.01)
    assert calls == [1, 2]


def test_cancel_drops_the_pending_action():
    clock = ManualClock()
    calls, action = counting()
    debouncer = Debouncer(0.15, action, clock)
    debouncer.trigger()
    debouncer.cancel()
    assert not debouncer.pending
    clock.advance(1)
    assert calls == []


def test_a_callback_already_due_does_not_act_after_cancel():
    """A timer thread may be about to call back when the action is cancelled: the stale call must do nothing."""
    clock = ManualClock()
    calls, action = counting()
    debouncer = Debouncer(0.15, action, clock)
    debouncer.trigger()
    stale = clock.pending[0][1]
    debouncer.cancel()
    stale()
    assert calls == []


def test_the_kernel_clock_uses_the_running_loop_inside_a_kernel():
    ran = []

    async def main():
        handle = KernelClock().call_later(0.0, lambda: ran.append(threading.current_thread()))
        assert isinstance(handle, asyncio.TimerHandle)
        await asyncio.sleep(0.01)

    asyncio.run(main())
    assert ran == [threading.main_thread()]


def test_the_kernel_clock_falls_back_to_a_timer_thread_outside_a_loop():
    done = threading.Event()
    handle = KernelClock().call_later(0.0, done.set)
    assert isinstance(handle, threading.Timer)
    assert done.wait(5)

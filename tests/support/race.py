"""Races: several actions at the same moment, made to meet where a race would hurt.

Every race test uses `race`. Starting threads behind a barrier is not enough to make a race happen every time: one
request may finish before the next one starts reading. So each racer also waits, at its first write to the database,
until every racer has reached its own first write: each has then made its checks before any of them writes, the
interleaving a busy server meets now and then. A correct rule takes a lock or claims a row before it checks, and
then the others cannot reach their writes while the first waits; the wait gives up after `patience` seconds and the
racers go on one after the other, as the lock has them. A racer that is an HTTP request is a test client's call, or
a request to a live server (`tests/browser`).
"""

import re
import threading

from sqlalchemy import event
from sqlalchemy.engine import Engine

FIRST_WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b", re.IGNORECASE)


def race(*actions, meet=FIRST_WRITE, patience=1.0, timeout=60):
    """Run each action in its own thread, all released at once; return their results in order.

    An action that raised gives its exception as its result. `meet`: the statements at which the racers wait for
    each other (a compiled pattern of SQL; None: only the start is shared).
    """
    start = threading.Barrier(len(actions))
    meeting = threading.Barrier(len(actions), timeout=patience)
    racers, met = set(), set()
    results = [None] * len(actions)

    def wait_for_the_others(conn, cursor, statement, parameters, context, executemany):
        me = threading.get_ident()
        if me in racers and me not in met and meet.search(statement):
            met.add(me)
            try:
                meeting.wait()
            except threading.BrokenBarrierError:
                pass  # the others are held up (a lock): go on alone

    def run(index, action):
        racers.add(threading.get_ident())
        start.wait()
        try:
            results[index] = action()
        except BaseException as error:  # noqa: BLE001  (the test asserts on it)
            results[index] = error
        finally:
            if threading.get_ident() not in met:  # finished without writing: the others need not wait for it
                met.add(threading.get_ident())
                meeting.abort()

    if meet is not None:
        event.listen(Engine, "before_cursor_execute", wait_for_the_others)
    threads = [threading.Thread(target=run, args=(n, action), name=f"racer-{n}") for n, action in enumerate(actions)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout)
            assert not thread.is_alive(), f"{thread.name} still runs after {timeout} s"
    finally:
        if meet is not None:
            event.remove(Engine, "before_cursor_execute", wait_for_the_others)
    return results

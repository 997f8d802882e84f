"""Run `async def` tests in a fresh event loop (no pytest-asyncio needed)."""

from __future__ import annotations

import asyncio
import inspect
import threading

import pytest

TEST_TIMEOUT = 30.0


def run_in_own_loop(coroutine) -> None:
    """Run ``coroutine`` to its end in a new event loop on a thread of its own: the
    browser tests' Playwright keeps a loop running on the main thread, and
    ``asyncio.run`` refuses to start beside it."""
    failure: list[BaseException] = []

    def target() -> None:
        try:
            asyncio.run(coroutine)
        except BaseException as error:  # noqa: BLE001 - raised again in the test's thread
            failure.append(error)

    thread = threading.Thread(target=target, name="async-test")
    thread.start()
    thread.join()
    if failure:
        raise failure[0]


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> bool | None:
    if not inspect.iscoroutinefunction(pyfuncitem.obj):
        return None
    names = pyfuncitem._fixtureinfo.argnames
    kwargs = {name: pyfuncitem.funcargs[name] for name in names}
    run_in_own_loop(asyncio.wait_for(pyfuncitem.obj(**kwargs), TEST_TIMEOUT))
    return True

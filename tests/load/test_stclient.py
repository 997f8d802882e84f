"""stclient against a real Streamlit server running sample_app.py.

Each test opens its own session(s), so session-state counters start at zero.
"""

from __future__ import annotations

import asyncio
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.load.stclient import FRAGMENT_SUCCESS, SUCCESS, StClient, connect

APP = Path(__file__).with_name("sample_app.py")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The sample app on a free port; its base URL."""
    port = _free_port()
    # A working directory of its own, so the project's .streamlit/config.toml stays out.
    workdir = tmp_path_factory.mktemp("stclient")
    log = (workdir / "server.log").open("wb")
    command = [sys.executable, "-m", "streamlit", "run", str(APP)]
    command += ["--server.headless", "true", "--server.port", str(port)]
    command += ["--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"]
    proc = subprocess.Popen(command, cwd=workdir, stdout=log, stderr=subprocess.STDOUT)
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"{base_url}/_stcore/health", timeout=1) as resp:
                    if resp.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"Streamlit did not come up:\n{(workdir / 'server.log').read_text()}")
            time.sleep(0.1)
        yield base_url
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


async def loaded(server: str, path: str = "/", query: str = "", **kwargs) -> StClient:
    client = await connect(server, path, query, **kwargs)
    assert await client.wait_idle() == SUCCESS
    return client


async def test_first_load_shows_home_page_and_its_widgets(server: str) -> None:
    async with await loaded(server) as client:
        assert client.texts()[:3] == ["Sample app", "Home page", "Full runs: 1"]
        assert "Fragment runs: 1" in client.texts()
        assert client.path == "/"
        assert client.session_id
        assert [p.page_name for p in client.pages] == ["Home", "Join"]

        radio = client.widget("radio", "Pick one")
        assert radio.options == ("A", "B", "C")
        assert radio.form_id == "vote"
        assert client.widget("form_submit_button", "Save").form_id == "vote"
        assert client.widget("button", "Plain button").form_id == ""
        assert client.widget("button", "Fragment button").fragment_id
        assert client.widget("button", "Plain button").fragment_id == ""
        component = client.widget("component", key="echo")
        assert component.label == "sample_echo"
        assert component.data == {"greeting": "hi"}

        assert [label for label, _ in client.timings] == ["load /"]
        assert client.bytes_received > 0
        assert client.message_types["new_session"] == 1
        assert client.exceptions == []


async def test_form_values_are_sent_only_with_the_submit(server: str) -> None:
    async with await loaded(server) as client:
        sent = client.messages_sent
        await client.set_value("Pick one", "B")
        assert client.messages_sent == sent  # a form holds its values until submitted

        await client.click("Plain button")
        await client.wait_idle()
        assert "Clicks: 1" in client.texts()
        assert not any(text.startswith("Saved") for text in client.texts())

        await client.click("Save")
        await client.wait_idle()
        assert "Saved: B" in client.texts()

        await client.set_value("Pick one", 2)  # by index
        await client.click("Save")
        await client.wait_idle()
        assert "Saved: C" in client.texts()
        # The committed radio value rides along with later reruns without resubmitting.
        await client.click("Plain button")
        await client.wait_idle()
        assert {"Saved: C", "Clicks: 2"} <= set(client.texts())


async def test_fragment_button_reruns_only_the_fragment(server: str) -> None:
    async with await loaded(server) as client:
        assert {"Full runs: 1", "Fragment runs: 1", "Fragment odd run"} <= set(client.texts())

        await client.click("Fragment button")
        assert await client.wait_idle() == FRAGMENT_SUCCESS
        texts = client.texts()
        assert {"Full runs: 1", "Fragment runs: 2", "Clicks: 0"} <= set(texts)
        assert "Fragment odd run" not in texts  # stale inside the fragment: removed
        assert "Home page" in texts  # outside the fragment: untouched

        await client.click("Fragment button")
        assert await client.wait_idle() == FRAGMENT_SUCCESS
        assert {"Fragment runs: 3", "Fragment odd run"} <= set(client.texts())

        await client.click("Plain button")
        assert await client.wait_idle() == SUCCESS
        assert {"Full runs: 2", "Fragment runs: 4", "Clicks: 1"} <= set(client.texts())


async def test_component_trigger_and_state(server: str) -> None:
    async with await loaded(server) as client:
        await client.trigger_component("echo", "changed", "hello")
        await client.wait_idle()
        assert "Component said: hello" in client.texts()

        await client.rerun()  # a trigger lasts one run
        await client.wait_idle()
        assert "Component said: None" in client.texts()

        await client.set_component_state("echo", "count", 3)
        await client.wait_idle()
        assert "Component state: 3" in client.texts()
        await client.rerun()  # state persists
        await client.wait_idle()
        assert "Component state: 3" in client.texts()


async def test_st_rerun_is_followed_to_the_final_run(server: str) -> None:
    async with await loaded(server) as client:
        await client.click("Bump and rerun")
        assert await client.wait_idle() == SUCCESS
        # Two runs for one click: the first ended early for st.rerun().
        assert {"Bumped: 1", "Full runs: 3"} <= set(client.texts())
        assert [label for label, _ in client.timings] == ["load /", "click Bump and rerun"]


async def test_rerun_requested_while_a_run_is_in_progress(server: str) -> None:
    async with await loaded(server) as client:
        await client.click("Slow button")  # sleeps 1.5 s in the script
        await asyncio.sleep(0.2)
        await client.click("Plain button")  # fast reruns stop the slow run
        assert await client.wait_idle(timeout=5) == SUCCESS
        texts = client.texts()
        assert "Clicks: 1" in texts
        assert "Slow done" not in texts
        # The server says the session is idle in a message of its own, which may come
        # just after the run's end.
        for _ in range(100):
            if not client.script_running:
                break
            await asyncio.sleep(0.05)
        assert not client.script_running
        assert [label for label, _ in client.timings][1:] == [
            "click Slow button",
            "click Plain button",
        ]


async def test_script_exceptions_are_surfaced_and_cleared(server: str) -> None:
    async with await loaded(server) as client:
        await client.click("Boom")
        await client.wait_idle()
        [error] = client.exceptions
        assert (error.type, error.message) == ("ValueError", "boom")
        assert "Bumped: 0" in client.texts()  # drawn before the error
        assert client.widgets("button", "Boom")

        await client.click("Plain button")
        await client.wait_idle()
        assert client.exceptions == []


async def test_join_page_with_query_string(server: str) -> None:
    async with await loaded(server, "/join", "code=ABC") as client:
        assert client.texts()[:3] == ["Sample app", "Join page", "Join code: ABC"]
        assert client.path == "/join"
        assert "Home page" not in client.texts()

        await client.click("Use code XYZ")  # st.query_params["code"] = "XYZ"
        await client.wait_idle()
        assert client.query == "code=XYZ"
        # The next rerun sends the new query string; a stale one would show ABC again.
        await client.click("Refresh")
        await client.wait_idle()
        assert "Join code: XYZ" in client.texts()


async def test_values_outside_a_form_rerun_at_once_and_persist(server: str) -> None:
    async with await loaded(server, "/join") as client:
        assert "Hello nobody, size M, tags none" in client.texts()
        assert client.widget("segmented_control", "Size").options == ("S", "M", "L")
        assert client.widget("pills", "Tags").options == ("red", "green", "blue")

        await client.set_value("Name", "Ada")
        await client.wait_idle()
        assert "Hello Ada, size M, tags none" in client.texts()
        await client.set_value("Size", "L")
        await client.wait_idle()
        await client.set_value("Tags", ["red", 2])  # labels or indices
        await client.wait_idle()
        assert "Hello Ada, size L, tags red, blue" in client.texts()

        await client.set_value("Tags", [])  # deselect all: not the same as "unset"
        # One at a time: the protocol has no request ids, so a run that started before
        # the second change would pass for its answer (see stclient's limits).
        await client.wait_idle()
        await client.set_value("Size", [])
        await client.wait_idle()
        assert "Hello Ada, size None, tags none" in client.texts()
        with pytest.raises(ValueError, match="not an option"):
            await client.set_value("Size", "XL")


async def test_unknown_page_falls_back_to_the_default_page(server: str) -> None:
    async with await loaded(server, "/nope") as client:
        assert client.page_not_found == "nope"
        assert client.path == "/"
        assert "Home page" in client.texts()


async def test_goto_switches_pages_and_keeps_main_script_elements(server: str) -> None:
    async with await loaded(server) as client:
        await client.goto("join", "code=Q")
        await client.wait_idle()
        texts = client.texts()
        assert texts[:3] == ["Sample app", "Join page", "Join code: Q"]
        assert "Home page" not in texts
        assert client.widgets("button", "Plain button") == []
        assert client.path == "/join"

        await client.goto("/")
        await client.wait_idle()
        assert client.texts()[:2] == ["Sample app", "Home page"]


async def test_message_cache_dereferences_cached_messages(server: str) -> None:
    async with await loaded(server, "/join", message_cache=True) as client:
        big = client.texts()[-1]
        assert len(big) == 15_000
        await client.click("Refresh")
        await client.wait_idle()
        assert client.cache_hits == 1  # the big code block came as a ref_hash
        assert client.message_types["ref_hash"] == 1
        assert client.texts()[-1] == big

    async with await loaded(server, "/join") as client:  # the default claims nothing
        await client.click("Refresh")
        await client.wait_idle()
        assert client.message_types["ref_hash"] == 0
        assert len(client.texts()[-1]) == 15_000


async def test_many_sessions_at_once(server: str) -> None:
    async def phone(choice: str) -> str:
        async with await loaded(server) as client:
            await client.set_value("Pick one", choice)
            await client.click("Save")
            await client.wait_idle()
            return next(t for t in client.texts() if t.startswith("Saved"))

    choices = ["A", "B", "C"] * 10
    assert await asyncio.gather(*map(phone, choices)) == [f"Saved: {c}" for c in choices]

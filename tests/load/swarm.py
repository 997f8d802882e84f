"""The room of tests/load/room.py with real Chromium phones, to check the protocol
phones against browsers on the same server and the same figures.

    uv run python -m tests.load.swarm --phones 30 --think 5
    uv run python -m tests.load.swarm --phones 30 --think 5 --compare

Each phone is a page of its own browser context in Debian's chromium, at a phone's
size: it opens the join address, picks a city, joins, and taps a tile of each
question when it shows, after a random think time. The presenter is one more page;
its count of answers is read from the page as it redraws by itself. The figures are
those of room.py (server CPU per idle phone, tap → confirmed, tap → the presenter
counts it, answers stored), so that ``--compare`` can run room.py with the same number
of phones and print both.

Real browsers cost the machine far more than the server does: with 30 of them on
two cores, the phones' own rendering is part of every latency here. The server's
CPU is read from its own process, so that figure is the browsers' cost to the server.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import random
import sys
import tempfile
import time
from pathlib import Path

from tests import serving
from tests.load import room

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-renderer-backgrounding",
    "--disable-background-timer-throttling",
    "--disable-backgrounding-occluded-windows",
]
PHONE = {"width": 390, "height": 844}
IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"
SAVED = "Your answer is saved"
TIMEOUT = 120_000  # ms: the longest one step of a phone may take on a loaded machine


async def join(context, base: str, code: str, number: int, stats: room.Stats):
    page = await context.new_page()
    page.set_default_timeout(TIMEOUT)
    await page.goto(f"{base}/join?code={code}")
    await page.wait_for_selector(IDLE)
    box = page.get_by_label("The city you speak for")
    await box.click()
    options = page.get_by_role("option")
    await options.first.wait_for()
    await options.nth(number % await options.count()).click()
    await page.get_by_label("Your name (optional)", exact=True).fill(f"P{number}")
    await page.get_by_role("button", name="Join", exact=True).click()
    await page.wait_for_url("**/join?p=*")
    await page.get_by_text("Speaking for", exact=False).wait_for()
    return page


async def answer(page, question: int, rng: random.Random, think: float, stats: room.Stats):
    """Wait for the question's tiles, think, tap one, wait for the confirmation."""
    tiles = page.locator(f"[class*='st-key-join_q{question}_'] button")
    await tiles.first.wait_for()
    if question in stats.opened_at:
        stats.seen_open.append(time.monotonic() - stats.opened_at[question])
    await asyncio.sleep(rng.uniform(0, think))
    tap = time.monotonic()
    await tiles.nth(rng.randrange(await tiles.count())).click()
    await page.get_by_text(SAVED).wait_for()
    confirmed = time.monotonic()
    stats.confirm.append(confirmed - tap)
    stats.taps.setdefault(question, []).append((tap, confirmed))


async def watch(page, stats: room.Stats, current: list[int | None], stop: asyncio.Event):
    """Note the presenter's count of answers whenever it changes."""
    last = None
    while not stop.is_set():
        text = await page.locator("body").inner_text()
        found = room.COUNTED.search(text)
        if found and current[0] is not None:
            count = int(found.group(1))
            if (current[0], count) != last:
                last = (current[0], count)
                stats.presenter.setdefault(current[0], []).append((time.monotonic(), count))
        await asyncio.sleep(0.1)


async def simulate(plan: room.Room, base: str, pid: int, *, phones: int, think: float, idle):
    from playwright.async_api import async_playwright

    stats = room.Stats()
    cpu = room.Cpu([pid])
    facilitator = room.Facilitator(plan)
    report: dict = {"phones": phones, "servers": 1, "think_s": think, "client": "chromium"}
    stop = asyncio.Event()
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            facilitator.activity("quiz")
            screen_context = await browser.new_context(viewport={"width": 1920, "height": 1080})
            screen = await screen_context.new_page()
            await screen.goto(f"{base}/presenter?{plan.presenter}")
            await screen.wait_for_selector(IDLE)
            current: list[int | None] = [None]
            watcher = asyncio.create_task(watch(screen, stats, current, stop))
            await asyncio.sleep(3)
            report["presenter_alone_core"] = await cpu.cores(idle)

            rng = random.Random(1)
            contexts = [
                await browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
                for _ in range(phones)
            ]
            began = time.monotonic()
            pages = []
            for start in range(0, phones, 5):  # five at a time: the browsers are heavy
                batch = contexts[start : start + 5]
                pages += await asyncio.gather(
                    *(join(c, base, plan.code, start + n, stats) for n, c in enumerate(batch))
                )
            report["joined"] = len(pages)
            report["join_seconds"] = time.monotonic() - began
            await asyncio.sleep(5)
            report["room_idle_core"] = await cpu.cores(idle)
            for question in plan.questions:
                current[0] = question
                stats.opened_at[question] = time.monotonic()
                facilitator.open(question)
                seeds = [random.Random(rng.random()) for _ in pages]
                results = await asyncio.gather(
                    *(
                        answer(p, question, s, think, stats)
                        for p, s in zip(pages, seeds, strict=True)
                    ),
                    return_exceptions=True,
                )
                for error in (r for r in results if isinstance(r, Exception)):
                    stats.error(f"question {question}: {type(error).__name__}: {error}")
                await room.until(
                    lambda q=question: any(
                        c >= len(stats.taps.get(q, [])) for _, c in stats.presenter.get(q, [])
                    ),
                    30,
                )
                facilitator.close(question)
                await asyncio.sleep(2)
        finally:
            stop.set()
            with contextlib.suppress(Exception):
                await watcher
            await browser.close()
    report["idle_phone_core"] = (report["room_idle_core"] - report["presenter_alone_core"]) / max(
        1, report["joined"]
    )
    report["rss_per_phone_mb"] = float("nan")
    report["open_to_phone_s"] = room.spread(stats.seen_open)
    report["tap_to_confirm_s"] = room.spread(stats.confirm)
    report["tap_to_presenter_s"] = room.spread(room.to_presenter(stats))
    report["confirmed"] = sum(len(t) for t in stats.taps.values())
    report["errors"] = stats.errors
    return report


def run(*, phones: int, think: float, questions: int = 3, idle: float = 10.0) -> dict:
    with tempfile.TemporaryDirectory(prefix="peerlearn-swarm-") as folder:
        url = f"sqlite:///{Path(folder) / 'swarm.db'}"
        plan = room.prepare(url, questions)
        port = serving.free_port()
        with serving.running_server(url, port, Path(folder) / "server.log") as process:
            report = room.run_in_own_loop(
                simulate(
                    plan,
                    f"http://127.0.0.1:{port}",
                    process.pid,
                    phones=phones,
                    think=think,
                    idle=idle,
                )
            )
        report.update(room.stored(url, plan))
        report["database"] = "sqlite"
        report["questions"] = len(plan.questions)
        return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--phones", type=int, default=30)
    parser.add_argument("--think", type=float, default=5.0)
    parser.add_argument("--questions", type=int, default=3)
    parser.add_argument("--idle", type=float, default=10.0)
    parser.add_argument(
        "--compare", action="store_true", help="then room.py with as many protocol phones"
    )
    args = parser.parse_args(argv)
    reports = {
        "chromium": run(
            phones=args.phones, think=args.think, questions=args.questions, idle=args.idle
        )
    }
    if args.compare:
        reports["protocol"] = room.run(
            phones=args.phones, think=args.think, questions=args.questions, idle=args.idle
        )
    for name, report in reports.items():
        print(f"--- {name} phones", file=sys.stderr)
        print(room.summary(report), file=sys.stderr)
    print(json.dumps(reports, indent=2))
    return 0 if not any(r["errors"] for r in reports.values()) else 1


if __name__ == "__main__":
    sys.exit(main())

"""Following a live session from a browser without script reruns while nothing moves.

A small component (Streamlit components v2) waits on the server's long-poll route
(peerlearn.live.changes) with the token the page was drawn for, and asks Streamlit for
a rerun only when the token moved: of the fragment it sits in, or of the page. It also
counts a question's countdown down in the browser, so the seconds tick with no rerun.

Where the route is missing (a plain ``streamlit run streamlit_app.py``, or AppTest) it
falls back to asking for a rerun every few seconds, so screens still follow.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime

import streamlit as st

from peerlearn.live import clock

_JS = """
export default function (component) {
  const { data, setTriggerValue, parentElement, key } = component;
  // The function runs again with every redraw: stop the wait the last one started.
  const all = (window.__peerlearnFollow ??= {});
  const mine = (all[key] ??= { last: 0 });
  if (mine.stop) mine.stop();
  let stopped = false;
  const abort = new AbortController();
  let timer = null;
  mine.stop = () => { stopped = true; abort.abort(); clearInterval(timer); };

  const box = parentElement.querySelector(".countdown");
  if (box) {
    box.className = "countdown " + (data.big ? "big" : "small");
    if (data.closes_in === null || data.closes_in === undefined) {
      box.textContent = "";
    } else {
      const end = Date.now() + data.closes_in * 1000;
      const show = () => {
        const left = Math.max(0, Math.ceil((end - Date.now()) / 1000));
        box.textContent = data.label.replace("{s}", left);
        if (left === 0) clearInterval(timer);
      };
      show();
      timer = setInterval(show, 250);
    }
  }

  const sleep = (ms) => new Promise((done) => setTimeout(done, ms));
  const url = new URL("live/changes", document.baseURI);
  url.searchParams.set("session", data.session);
  url.searchParams.set("view", data.view);
  if (data.city) url.searchParams.set("city", data.city);

  (async () => {
    let pause = 1000;
    let unanswered = 0;  // redraws asked for that never came
    while (!stopped) {
      let moved = null;
      try {
        // What this page shows is data.token: until it is redrawn, that is what it saw.
        url.searchParams.set("seen", data.token);
        const answer = await fetch(url, { signal: abort.signal, cache: "no-store" });
        if (answer.status === 404) {
          // No route on this server: poll by rerunning every few seconds.
          await sleep(data.fallback * 1000);
          moved = "poll";
        } else if (!answer.ok) {
          throw new Error(String(answer.status));
        } else {
          const body = await answer.json();
          if (body.token !== data.token) moved = body.token;
          pause = 1000;
        }
      } catch (error) {
        if (stopped) return;
        await sleep(pause);  // the server restarts, or the network drops: try again
        pause = Math.min(pause * 2, 8000);
        continue;
      }
      if (moved === null || stopped) continue;
      const wait = mine.last + data.gap - Date.now();  // at most one redraw per gap
      if (wait > 0) await sleep(wait);
      if (stopped) return;
      mine.last = Date.now();
      setTriggerValue("moved", moved + ":" + mine.last);
      // Every redraw calls this function again (data.drawn differs each time), which
      // stops this loop. Still running after the wait: the redraw never came. A server
      // that restarted does not know this fragment and drops the request; ask again,
      // then load the page afresh (its address says everything it shows).
      await sleep(data.retry * 1000 * (unanswered + 1));
      if (stopped) return;
      unanswered += 1;
      if (moved !== "poll" && unanswered > 1) {
        window.location.reload();
        return;
      }
    }
  })();
  return () => mine.stop();
}
"""

_CSS = """
.countdown { font-weight: 600; color: var(--st-text-color); }
.countdown.big { font-size: 2.2rem; }
.countdown.small { font-size: 1rem; }
"""

_follower = st.components.v2.component(
    "peerlearn.follow",
    html='<div class="countdown" role="timer" aria-live="off"></div>',
    css=_CSS,
    js=_JS,
)

# A screen redraws at most once a gap while answers stream in; a phone at once.
SCREEN_GAP_MS = 1000
PHONE_GAP_MS = 0
FALLBACK_SECONDS = 3.0
# A redraw asked for and not come after this long is asked for again (then twice as
# long, then the page is loaded afresh): generous, as a busy server may take seconds.
RETRY_SECONDS = 8.0


def _moved() -> None:
    """Nothing to do: the rerun the trigger asks for is the point."""


def follow(
    version: clock.Version | None,
    *,
    view: str,
    key: str,
    city_id: int | None = None,
    countdown: str = "{s} s left",
    big: bool = False,
) -> None:
    """Rerun this fragment (or the page, outside one) when the session moves.

    ``version`` is what the caller drew; while its question counts down, the
    component shows ``countdown`` ("{s}" becomes the seconds left).
    """
    moment = datetime.now(UTC)
    if version is None:
        return
    left = clock.seconds_left(version, moment) if version.closes_at else None
    if left is not None and left <= 0:
        left = None
    _follower(
        key=key,
        data={
            "session": version.session_id,
            "view": view,
            "city": city_id,
            "token": version.token(view, moment, city_id),
            "closes_in": left,
            "label": countdown,
            "gap": SCREEN_GAP_MS if view == "screen" else PHONE_GAP_MS,
            "fallback": FALLBACK_SECONDS,
            "retry": RETRY_SECONDS,
            # Differs on every redraw, so that the browser knows one happened.
            "drawn": time.monotonic_ns(),
            "big": big,
        },
        width="stretch",
        height="content",
        on_moved_change=_moved,
    )

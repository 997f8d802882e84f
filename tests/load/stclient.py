"""A headless client for Streamlit's own WebSocket protocol, for load tests.

One `StClient` is one browser tab: it opens `/_stcore/stream` the way the frontend does,
keeps the element tree the server sends, finds widgets in it, and sends interactions as
the frontend's WidgetStateManager would. Hundreds of them fit in one asyncio loop.

Written against Streamlit 1.67. The protocol is internal to Streamlit, so the frontend
behaviour mirrored here is cited by the name it has in Streamlit's sources
(frontend/lib/src/WidgetStateManager.ts, ClearStaleNodeVisitor.ts, ForwardMessageCache.ts,
App.tsx); the server side is streamlit/runtime/app_session.py.
"""

from __future__ import annotations

import asyncio
import http.cookies
import json
import time
import urllib.request
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import unquote, urlsplit
from zoneinfo import ZoneInfo

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ButtonGroup_pb2 import ButtonGroup
from streamlit.proto.ClientState_pb2 import ClientState, ContextInfo
from streamlit.proto.Exception_pb2 import Exception as ExceptionProto
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.asyncio.client import ClientConnection
from websockets.asyncio.client import connect as ws_connect
from websockets.exceptions import ConnectionClosed

SUCCESS = ForwardMsg.FINISHED_SUCCESSFULLY
FRAGMENT_SUCCESS = ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY
COMPILE_ERROR = ForwardMsg.FINISHED_WITH_COMPILE_ERROR
EARLY_FOR_RERUN = ForwardMsg.FINISHED_EARLY_FOR_RERUN
# A run ends with one of these; FINISHED_EARLY_FOR_RERUN means another run follows.
_FINAL = frozenset({SUCCESS, FRAGMENT_SUCCESS, COMPILE_ERROR})

# Where the readable text of an element lives (st.caption and st.write are markdown).
_TEXT_FIELDS: dict[str, tuple[str, ...]] = {
    "markdown": ("body",),
    "text": ("body",),
    "heading": ("body",),
    "alert": ("body",),
    "code": ("code_text",),
    "metric": ("label", "body"),
    "toast": ("body",),
    "exception": ("type", "message"),
}
# The id a components-v2 trigger is sent under: `_make_trigger_id(base, "events")` in
# streamlit/components/v2/bidi_component/main.py, `Me()` in the frontend bundle.
_COMPONENT_EVENTS_ID = "$$STREAMLIT_INTERNAL_KEY_{}__events"
# The frontend sends this instead when there is no XSRF cookie (getSessionTokens()).
_NO_XSRF_TOKEN = "PLACEHOLDER_AUTH_TOKEN"


class ProtocolError(RuntimeError):
    """The server sent something this client cannot follow."""


@dataclass
class Node:
    """One element or block of the tree, as the last delta at its path left it."""

    path: tuple[int, ...]
    kind: str  # Element oneof ("markdown", "button", ...) or Block oneof ("vertical", "form")
    proto: Any  # the element's own message (e.g. Button), or the whole Block
    is_block: bool
    run_id: str  # script_run_id of the run that last wrote (or wrote under) this node
    fragment_id: str  # Delta.fragment_id: the fragment that wrote it, "" outside fragments
    script_hash: str  # ForwardMsgMetadata.active_script_hash: the page (or main) script


@dataclass(frozen=True)
class Widget:
    """A view of a widget node with what callers usually need."""

    kind: str  # button, form_submit_button, radio, pills, segmented_control, component, ...
    id: str
    label: str  # for components: the component name
    options: tuple[str, ...]
    form_id: str
    fragment_id: str
    node: Node

    @property
    def key(self) -> str | None:
        """The author's `key=`, which element ids end with ("$$ID-<hash>-<key>")."""
        if not self.id.startswith("$$ID-") or self.id.endswith("-None"):
            return None
        return self.id.split("-", 2)[-1]

    @property
    def data(self) -> Any:
        """A components-v2 element's `data=` as Python sent it (JSON decoded)."""
        if self.node.kind != "bidi_component":
            return None
        proto = self.node.proto
        which = proto.WhichOneof("data")
        if which == "json":
            return json.loads(proto.json)
        if which == "mixed":  # dataframes stay {"__streamlit_arrow_ref__": ...} placeholders
            return json.loads(proto.mixed.json)
        if which == "bytes":
            return proto.bytes
        if which == "arrow_data":
            return proto.arrow_data.data
        return None


@dataclass
class _Cached:
    data: bytes
    run_count: int  # the client's run counter when the message was last used
    fragment_id: str


async def connect(
    base_url: str,
    path: str = "/",
    query: str = "",
    *,
    message_cache: bool = False,
    timeout: float = 10.0,
    locale: str = "en-US",
    timezone: str = "UTC",
) -> StClient:
    """Open a session as a browser loading `base_url + path + "?" + query` would.

    The first run is requested but not awaited: call `wait_idle()`.
    """
    client = StClient(base_url, message_cache=message_cache, locale=locale, timezone=timezone)
    await client.open(path, query, timeout=timeout)
    return client


class StClient:
    """One simulated browser tab. Use `connect()`; `async with` closes it."""

    def __init__(
        self,
        base_url: str,
        *,
        message_cache: bool = False,
        locale: str = "en-US",
        timezone: str = "UTC",
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.locale = locale
        self.timezone = timezone
        # Page state, as the frontend's URL and App state hold it.
        self.path = "/"
        self.query = ""  # without "?"; kept current from page_info_changed
        self.page_script_hash = ""
        self.main_script_hash = ""
        self.pages: list[Any] = []  # AppPage protos from the last `navigation` message
        self.page_not_found: str | None = None  # the page name the server did not know
        self.session_id = ""
        self.script_running = False
        self.last_status: int | None = None
        self.auto_reruns: dict[str, float] = {}  # fragment id -> interval; not fired here
        # Statistics for the load tool.
        self.timings: list[tuple[str, float]] = []  # (request label, seconds to its finish)
        self.bytes_received = 0
        self.messages_received = 0
        self.bytes_sent = 0
        self.messages_sent = 0
        self.message_types: Counter[str] = Counter()
        self.cache_hits = 0
        self.transients: dict[tuple[int, ...], list[Any]] = {}  # spinners etc., this run only

        self._nodes: dict[tuple[int, ...], Node] = {}
        # WidgetStateManager: committed values (sent with every rerun) and, per form, the
        # values a user changed that only go out with that form's submit.
        self._states: dict[str, WidgetState] = {}
        self._pending: dict[str, dict[str, WidgetState]] = {}
        self._run_id = ""
        self._run_serial = 0
        self._compile_error: ExceptionProto | None = None
        # Request bookkeeping. The protocol has no request ids, so a run answers every
        # request sent before its new_session arrived (see wait_idle).
        self._sent_seq = 0
        self._started_seq = 0
        self._done_seq = 0
        self._sent_at: dict[int, tuple[str, float]] = {}
        self._idle = asyncio.Event()
        self._idle.set()
        # ForwardMessageCache, only if asked for: the server replaces a cacheable message
        # by a ref_hash only when the rerun listed its hash, so without it none arrive.
        self._cache: dict[str, _Cached] | None = {} if message_cache else None
        self._cache_runs = 0
        self._max_cached_age = 2
        self._ws: ClientConnection | None = None
        self._reader: asyncio.Task[None] | None = None

    # -- connection -------------------------------------------------------------------

    async def open(self, path: str = "/", query: str = "", *, timeout: float = 10.0) -> None:
        url = urlsplit(self.base_url)
        # The browser pings /_stcore/health first; that response sets the XSRF cookie,
        # which the frontend passes back as the 2nd "subprotocol" (the server repurposes
        # Sec-WebSocket-Protocol: ["streamlit", xsrf token, session id to resume]). The
        # server needs it only to trust auth cookies; sending it keeps the load realistic.
        xsrf = await asyncio.to_thread(_fetch_xsrf_cookie, self.base_url, timeout)
        scheme = "wss" if url.scheme == "https" else "ws"
        self._ws = await ws_connect(
            f"{scheme}://{url.netloc}{url.path.rstrip('/')}/_stcore/stream",
            subprotocols=["streamlit", xsrf or _NO_XSRF_TOKEN],
            origin=f"{url.scheme}://{url.netloc}",  # same-origin, as from the app's page
            additional_headers={"Cookie": f"_streamlit_xsrf={xsrf}"} if xsrf else None,
            max_size=None,  # the server caps messages itself (server.maxMessageSize)
            proxy=None,
            open_timeout=timeout,
        )
        self._reader = asyncio.create_task(self._read(), name=f"stclient {self.base_url}")
        self.path = "/" + path.strip("/")
        self.query = query.removeprefix("?")
        # First load: no page hash yet, so the page is named by its URL path, like the
        # frontend's sendRerunBackMsg (extractPageNameFromPathName).
        await self._rerun(
            f"load {self.path}", page_script_hash="", page_name=unquote(path.strip("/"))
        )

    async def close(self) -> None:
        if self._ws is not None:
            await self._ws.close()
        if self._reader is not None:
            await asyncio.gather(self._reader, return_exceptions=True)

    async def __aenter__(self) -> StClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    async def wait_idle(self, timeout: float = 10.0) -> int | None:
        """Wait until the run answering the latest request has finished.

        Returns the run's ScriptFinishedStatus. A run ended by FINISHED_EARLY_FOR_RERUN
        (`st.rerun()`, or a rerun request arriving mid-run) is not the end: the run that
        follows is. Limit: if a server-started run's new_session is in flight when a
        request is sent, that run is taken as the answer.
        """
        try:
            await asyncio.wait_for(self._idle.wait(), timeout)
        except TimeoutError:
            raise TimeoutError(
                f"no script_finished within {timeout}s for {self._sent_at_labels()}"
            ) from None
        if self._reader is not None and self._reader.done():
            self._reader.result()  # a ProtocolError surfaces here
            if self._done_seq < self._sent_seq:
                code = self._ws.close_code if self._ws else None
                raise ConnectionError(f"connection closed (code {code}) before the run ended")
        return self.last_status

    # -- the tree ---------------------------------------------------------------------

    def nodes(self) -> list[Node]:
        """All nodes in document order (delta paths sort that way)."""
        return [self._nodes[path] for path in sorted(self._nodes)]

    def texts(self) -> list[str]:
        """Text of markdown/write/caption/text/headers/alerts/code/metrics/exceptions."""
        out = []
        for node in self.nodes():
            fields = _TEXT_FIELDS.get(node.kind)
            if fields:
                out.append(" ".join(getattr(node.proto, f) for f in fields))
        return out

    @property
    def text(self) -> str:
        return "\n".join(self.texts())

    @property
    def exceptions(self) -> list[ExceptionProto]:
        """Exceptions the app shows: `exception` elements and a compile error."""
        found = [node.proto for node in self.nodes() if node.kind == "exception"]
        return found + ([self._compile_error] if self._compile_error else [])

    def widgets(
        self,
        kind: str | Iterable[str] | None = None,
        label: str | None = None,
        *,
        key: str | None = None,
    ) -> list[Widget]:
        """Widgets in document order; `kind` matches the Widget kind or the proto name."""
        kinds = {kind} if isinstance(kind, str) else set(kind) if kind else None
        found = []
        for node in self.nodes():
            w = _as_widget(node)
            if w is None or (kinds and not kinds & {w.kind, node.kind}):
                continue
            if (label is None or w.label == label) and (key is None or key in (w.key, w.id)):
                found.append(w)
        return found

    def widget(
        self,
        kind: str | Iterable[str] | None = None,
        label: str | None = None,
        *,
        key: str | None = None,
    ) -> Widget:
        """The one widget that matches, or LookupError listing what is on the page."""
        found = self.widgets(kind, label, key=key)
        if len(found) != 1:
            shown = ", ".join(f"{w.kind}:{w.label or w.key or w.id}" for w in self.widgets())
            what = "No" if not found else f"{len(found)}"
            raise LookupError(f"{what} widget matches {kind=} {label=} {key=}; page has {shown}")
        return found[0]

    # -- interactions -----------------------------------------------------------------

    async def rerun(self) -> None:
        """What pressing "R" does: a full rerun with the current widget states."""
        await self._rerun("rerun")

    async def click(self, target: Widget | str) -> None:
        """Click a button, or a form submit button (which sends the form's values)."""
        w = self._resolve(target, ("button", "form_submit_button"))
        if w.form_id:  # submitForm(): the form's pending values become committed ones
            self._states.update(self._pending.pop(w.form_id, {}))
        trigger = WidgetState(id=w.id, trigger_value=True)
        # Triggers go out once and are not kept, so a later rerun does not click again.
        await self._rerun(f"click {w.label}", fragment_id=w.fragment_id, extra=[trigger])

    async def set_value(self, target: Widget | str, value: Any) -> None:
        """Set a widget's value as a user would; inside a form it waits for the submit.

        radio/selectbox: option label or index; multiselect/pills/segmented control: a
        list of labels or indices (or one); text_input/text_area: str; checkbox/toggle:
        bool; slider/number_input: number(s); select_slider: option label(s).
        """
        w = self._resolve(target, None)
        await self._commit(w, _encode(w, value), f"set {w.label}")

    async def set_component_state(self, target: Widget | str, name: str, value: Any) -> None:
        """JS `setStateValue(name, value)`: the whole state object goes out as json_value."""
        w = self._resolve(target, ("component",))
        old = self._pending.get(w.form_id, {}).get(w.id) or self._states.get(w.id)
        state = json.loads(old.json_value) if old and old.HasField("json_value") else {}
        state[name] = value
        await self._commit(w, WidgetState(id=w.id, json_value=json.dumps(state)), f"state {name}")

    async def trigger_component(self, target: Widget | str, name: str, value: Any = None) -> None:
        """JS `setTriggerValue(name, value)` of a components-v2 element.

        The frontend sends one trigger widget per component, `_COMPONENT_EVENTS_ID`, whose
        json_trigger_value is a JSON *list* of {"event", "value"} payloads (several
        setTriggerValue calls before a flush are batched); Python hands each event's value
        to the script only if the component was mounted with `on_<name>_change`.
        """
        w = self._resolve(target, ("component",))
        if w.form_id:  # the frontend drops these with a warning
            raise ValueError("setTriggerValue is ignored inside st.form")
        payload = json.dumps([{"event": name, "value": value}])
        trigger = WidgetState(id=_COMPONENT_EVENTS_ID.format(w.id), json_trigger_value=payload)
        label = f"trigger {w.key or w.id}.{name}"
        await self._rerun(label, fragment_id=w.fragment_id, extra=[trigger])

    async def goto(self, page: str, query: str = "") -> None:
        """Switch page as the navigation menu does (by url path or page title)."""
        target = next(
            (p for p in self.pages if page.strip("/") in (p.url_pathname, p.page_name)), None
        )
        if target is None:
            raise LookupError(f"no page {page!r} in {[p.url_pathname for p in self.pages]}")
        # onPageChange(): only the states of widgets drawn by the main script go along.
        keep = {w.id for w in self.widgets() if w.node.script_hash == self.main_script_hash}
        self._states = {wid: s for wid, s in self._states.items() if wid in keep}
        self.query = query.removeprefix("?")
        await self._rerun(f"goto {page}", page_script_hash=target.page_script_hash)

    # -- sending ----------------------------------------------------------------------

    def _resolve(self, target: Widget | str, kinds: tuple[str, ...] | None) -> Widget:
        if isinstance(target, Widget):
            return target
        by_label = self.widgets(kinds, target)
        return by_label[0] if len(by_label) == 1 else self.widget(kinds, key=target)

    async def _commit(self, w: Widget, state: WidgetState, label: str) -> None:
        if w.form_id:  # a form holds the value until one of its submit buttons is clicked
            self._pending.setdefault(w.form_id, {})[w.id] = state
            return
        self._states[w.id] = state
        if not getattr(w.node.proto, "ignore_rerun", False):  # on_change="ignore"
            await self._rerun(label, fragment_id=w.fragment_id)

    async def _rerun(
        self,
        label: str,
        *,
        fragment_id: str = "",
        extra: Iterable[WidgetState] = (),
        page_script_hash: str | None = None,
        page_name: str = "",
    ) -> None:
        state = ClientState(
            query_string=self.query,
            page_script_hash=self.page_script_hash
            if page_script_hash is None
            else page_script_hash,
            page_name=page_name,
            # A widget rendered by a fragment sends its fragment's id, so only that
            # fragment reruns (WidgetStateManager.scheduleFlush(fragmentId)).
            fragment_id=fragment_id,
            context_info=self._context_info(),
        )
        # The frontend always sends every widget state it holds, not only the change.
        state.widget_states.widgets.extend([*self._states.values(), *extra])
        if self._cache is not None:
            state.cached_message_hashes.extend(self._cache)
        self._sent_seq += 1
        self._sent_at[self._sent_seq] = (label, time.perf_counter())
        self._idle.clear()
        await self._send(BackMsg(rerun_script=state))

    async def _send(self, msg: BackMsg) -> None:
        if self._ws is None:
            raise ConnectionError("not connected")
        data = msg.SerializeToString()
        self.bytes_sent += len(data)
        self.messages_sent += 1
        await self._ws.send(data)

    def _context_info(self) -> ContextInfo:
        offset = datetime.now(ZoneInfo(self.timezone)).utcoffset()
        query = f"?{self.query}" if self.query else ""
        return ContextInfo(
            timezone=self.timezone,
            # JS Date.getTimezoneOffset(): minutes *behind* UTC.
            timezone_offset=-int(offset.total_seconds() // 60) if offset else 0,
            locale=self.locale,
            url=f"{self.base_url}{self.path}{query}",
            is_embedded=False,
            color_scheme="light",
        )

    def _sent_at_labels(self) -> list[str]:
        return [label for seq, (label, _) in self._sent_at.items() if seq > self._done_seq]

    # -- receiving --------------------------------------------------------------------

    async def _read(self) -> None:
        assert self._ws is not None
        try:
            async for data in self._ws:
                if isinstance(data, str):
                    raise ProtocolError("the server sent a text frame")
                self._on_frame(data)
        except ConnectionClosed:
            pass
        finally:
            self._idle.set()  # wake waiters; wait_idle tells a close from a finish

    def _on_frame(self, data: bytes) -> None:
        self.bytes_received += len(data)
        self.messages_received += 1
        msg = ForwardMsg.FromString(data)
        kind = msg.WhichOneof("type")
        self.message_types[kind or "none"] += 1
        if kind == "ref_hash":
            msg = self._dereference(msg)
            kind = msg.WhichOneof("type")
        elif self._cache is not None and msg.metadata.cacheable and msg.hash:
            # ForwardMessageCache.maybeCacheMessage(): keep the encoded message as sent.
            entry = self._cache.get(msg.hash)
            if entry:
                entry.run_count = self._cache_runs
            else:
                self._cache[msg.hash] = _Cached(data, self._cache_runs, msg.delta.fragment_id)

        if kind == "delta":
            self._on_delta(msg)
        elif kind == "new_session":
            self._on_new_session(msg)
        elif kind == "script_finished":
            self._on_script_finished(msg)
        elif kind == "navigation":
            nav = msg.navigation
            self.pages = list(nav.app_pages)
            self.page_script_hash = nav.page_script_hash
            shown = [p for p in nav.app_pages if p.page_script_hash == nav.page_script_hash]
            if shown:  # the frontend rewrites the URL to the page actually shown
                self.path = "/" if shown[0].is_default else "/" + shown[0].url_pathname
        elif kind == "page_info_changed":  # st.query_params changed: the URL follows
            self.query = msg.page_info_changed.query_string
        elif kind == "page_not_found":  # the server shows the default page instead
            # st.navigation apps send an empty name, so keep the path that was asked for.
            self.page_not_found = msg.page_not_found.page_name or self.path.strip("/")
            self.page_script_hash = self.main_script_hash
        elif kind == "session_status_changed":
            self.script_running = msg.session_status_changed.script_is_running
        elif kind == "session_event" and msg.session_event.HasField("script_compilation_exception"):
            self._compile_error = msg.session_event.script_compilation_exception
        elif kind == "auto_rerun":
            self.auto_reruns[msg.auto_rerun.fragment_id] = msg.auto_rerun.interval

    def _dereference(self, ref: ForwardMsg) -> ForwardMsg:
        entry = self._cache.get(ref.ref_hash) if self._cache is not None else None
        if entry is None:
            raise ProtocolError(f"reference to a message never cached: {ref.ref_hash}")
        self.cache_hits += 1
        entry.run_count = self._cache_runs
        msg = ForwardMsg.FromString(entry.data)
        msg.metadata.CopyFrom(ref.metadata)  # the reference carries the new delta path
        return msg

    def _on_new_session(self, msg: ForwardMsg) -> None:
        session = msg.new_session
        self._run_serial += 1
        self._run_id = msg.metadata.run.script_run_id or f"run-{self._run_serial}"
        self._started_seq = self._sent_seq  # this run answers every request sent so far
        self.transients.clear()
        if session.HasField("initialize") and session.initialize.session_id:
            self.session_id = session.initialize.session_id
        if msg.metadata.run.fragment_ids:  # a fragment run leaves the page as it is
            return
        self.main_script_hash = session.main_script_hash
        self._max_cached_age = session.config.max_cached_message_age
        self._compile_error = None
        if session.page_script_hash != self.page_script_hash:
            # clearAppState(): a new page keeps only what the main script drew.
            dropped = [
                path
                for path, node in self._nodes.items()
                if node.kind != "root" and node.script_hash != self.main_script_hash
            ]
            for path in dropped:
                self._drop(path)
            self._prune_widget_states()
        self.page_script_hash = session.page_script_hash

    def _on_delta(self, msg: ForwardMsg) -> None:
        path = tuple(msg.metadata.delta_path)
        delta = msg.delta
        which = delta.WhichOneof("type")
        if which == "new_transient":
            self.transients[path] = list(delta.new_transient.elements)
            return
        old = self._nodes.get(path)
        if which == "new_element":
            kind = delta.new_element.WhichOneof("type") or "empty"
            proto, is_block = getattr(delta.new_element, kind), False
            keep_children = False
        else:
            block = delta.add_block
            kind = block.WhichOneof("type") or "vertical"
            proto, is_block = block, True
            # addBlock(): a block re-sent with the same type keeps its children until
            # the stale pass at the end of the run decides about them.
            keep_children = old is not None and old.is_block and old.kind == kind
        if old is not None and old.is_block and not keep_children:
            self._drop(path)
        node = Node(
            path=path,
            kind=kind,
            proto=proto,
            is_block=is_block,
            run_id=self._run_id,
            fragment_id=delta.fragment_id,
            script_hash=msg.metadata.active_script_hash,
        )
        self._nodes[path] = node
        # setNodeAtPath() rebuilds the ancestors with the current run id, so a container
        # that something was written into counts as current.
        for depth in range(1, len(path)):
            parent = self._nodes.get(path[:depth])
            if parent is None:  # the root containers (main, sidebar, ...) are implicit
                self._nodes[path[:depth]] = Node(
                    path[:depth], "root", None, True, self._run_id, "", ""
                )
            else:
                parent.run_id = self._run_id
        w = _as_widget(node)
        if w is not None:
            self._sync_initial_state(w)

    def _drop(self, path: tuple[int, ...]) -> None:
        """Remove a node and everything under it."""
        for p in [p for p in self._nodes if p[: len(path)] == path]:
            del self._nodes[p]

    def _on_script_finished(self, msg: ForwardMsg) -> None:
        status = msg.script_finished
        self.last_status = status
        run = msg.metadata.run
        fragments = frozenset(run.fragment_ids)
        identified = msg.metadata.HasField("run")
        # handleScriptFinished(): stale nodes go only after a successful run, and a full
        # run only clears when it is the current one.
        current = bool(fragments) or run.script_run_id == self._run_id
        if status in (SUCCESS, FRAGMENT_SUCCESS) and identified and current:
            self._clear_stale(run.script_run_id, fragments)
            self._prune_widget_states()
        if status != EARLY_FOR_RERUN and self._cache is not None:
            self._age_cache(fragments)
        if status in _FINAL:
            now = time.perf_counter()
            while self._done_seq < self._started_seq:
                self._done_seq += 1
                label, sent_at = self._sent_at.pop(self._done_seq)
                self.timings.append((label, now - sent_at))
            if self._done_seq == self._sent_seq:
                self._idle.set()

    def _clear_stale(self, run_id: str, fragments: frozenset[str]) -> None:
        """ClearStaleNodeVisitor: drop what the finished run owned but did not write.

        A full run owns everything. A fragment run owns only what is inside the
        containers its fragments re-sent; everything else stays as it is.
        """
        children: dict[tuple[int, ...], list[tuple[int, ...]]] = {}
        for path in sorted(self._nodes):
            children.setdefault(path[:-1], []).append(path)
        keep: dict[tuple[int, ...], Node] = {}

        def visit(path: tuple[int, ...], fragment_block: str) -> None:
            node = self._nodes[path]
            current = node.run_id == run_id
            if node.is_block:
                if fragments:
                    if fragment_block and not current:
                        return
                    if current and node.fragment_id in fragments:
                        fragment_block = node.fragment_id
                elif not current:
                    return
                keep[path] = node
                for child in children.get(path, ()):
                    visit(child, fragment_block)
            elif (
                current
                or node.kind == "toast"
                or (fragments and not (node.fragment_id and fragment_block))
            ):
                keep[path] = node

        for root in children.get((), ()):
            visit(root, "")
        self._nodes = keep

    def _prune_widget_states(self) -> None:
        """removeInactive(): forget the states of widgets no longer on the page."""
        active = {w.id for w in self.widgets()}
        self._states = {wid: s for wid, s in self._states.items() if wid in active}
        for form_id, states in list(self._pending.items()):
            self._pending[form_id] = {wid: s for wid, s in states.items() if wid in active}

    def _sync_initial_state(self, w: Widget) -> None:
        """A mounted widget commits its value without a rerun (fromUi=false): the value
        the server forced with set_value, else its default. Values the user set stay."""
        forced = getattr(w.node.proto, "set_value", False)
        if w.id in self._states and not forced:
            return
        state = _initial_state(w)
        if state is not None:
            self._states[w.id] = state
        elif forced:
            self._states.pop(w.id, None)

    def _age_cache(self, fragments: frozenset[str]) -> None:
        """ForwardMessageCache.incrementRunCount(): expire messages unused for a while."""
        assert self._cache is not None
        self._cache_runs += 1
        for digest, entry in list(self._cache.items()):
            if fragments and entry.fragment_id not in fragments:
                continue  # a fragment run says nothing about messages outside it
            if self._cache_runs - entry.run_count > self._max_cached_age:
                del self._cache[digest]


# -- widget encoding ------------------------------------------------------------------


def _as_widget(node: Node) -> Widget | None:
    if node.is_block or not getattr(node.proto, "id", ""):
        return None
    proto, kind = node.proto, node.kind
    label = getattr(proto, "label", "")
    options: tuple[str, ...] = ()
    if kind == "button" and proto.is_form_submitter:
        kind = "form_submit_button"
    elif kind == "button_group":
        kind = "pills" if proto.style == ButtonGroup.PILLS else "segmented_control"
        options = tuple(_button_group_option(o) for o in proto.options)
    elif kind == "checkbox" and proto.type == proto.TOGGLE:
        kind = "toggle"
    elif kind == "slider" and proto.options:
        kind = "select_slider"
        options = tuple(proto.options)
    elif kind == "bidi_component":
        kind, label = "component", proto.component_name
    elif kind in ("radio", "selectbox", "multiselect"):
        options = tuple(proto.options)
    form_id = getattr(proto, "form_id", "")
    return Widget(kind, proto.id, label, options, form_id, node.fragment_id, node)


def _button_group_option(option: Any) -> str:
    # The wire value is the formatted option; Python split a leading icon off it.
    if option.HasField("content_icon") and option.content_icon:
        return f"{option.content_icon} {option.content}".strip()
    return option.content


def _option(w: Widget, value: Any) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        return w.options[value]
    if value not in w.options and not getattr(w.node.proto, "accept_new_options", False):
        raise ValueError(f"{value!r} is not an option of {w.label!r}: {list(w.options)}")
    return str(value)


def _encode(w: Widget, value: Any) -> WidgetState:
    """The WidgetState a user's change produces, in the value type Python registered."""
    state = WidgetState(id=w.id)
    values = value if isinstance(value, (list, tuple)) else [value]
    kind = w.node.kind
    if kind == "checkbox":
        state.bool_value = bool(value)
    elif kind in ("radio", "selectbox"):  # the formatted option, not its index (1.67)
        state.string_value = _option(w, value)
    elif kind in ("multiselect", "button_group") or w.kind == "select_slider":
        # SetInParent: an empty list means "none selected"; an unset value, "default".
        state.string_array_value.SetInParent()
        state.string_array_value.data.extend(_option(w, v) for v in values)
    elif kind in ("text_input", "text_area", "color_picker"):
        state.string_value = str(value)
    elif kind == "number_input":
        state.double_value = float(value)
    elif kind == "slider":
        state.double_array_value.SetInParent()
        state.double_array_value.data.extend(float(v) for v in values)
    else:
        raise NotImplementedError(f"setting a {w.kind} is not supported")
    return state


def _initial_state(w: Widget) -> WidgetState | None:
    proto, kind = w.node.proto, w.node.kind
    forced = getattr(proto, "set_value", False)
    state = WidgetState(id=w.id)
    if kind == "checkbox":
        state.bool_value = proto.value if forced else proto.default
    elif kind in ("radio", "selectbox"):
        if forced and proto.HasField("raw_value"):
            state.string_value = proto.raw_value
        elif not forced and proto.HasField("default") and proto.default < len(w.options):
            state.string_value = w.options[proto.default]
        else:
            return None
    elif kind in ("text_input", "text_area", "number_input"):
        field = "value" if forced else "default"
        if not proto.HasField(field):
            return None
        value = getattr(proto, field)
        if kind == "number_input":
            state.double_value = value
        else:
            state.string_value = value
    elif kind in ("multiselect", "button_group"):
        chosen = proto.raw_values if forced else [w.options[i] for i in proto.default]
        state.string_array_value.SetInParent()
        state.string_array_value.data.extend(chosen)
    elif kind == "slider" and not proto.options:
        state.double_array_value.SetInParent()
        state.double_array_value.data.extend(proto.value if forced else proto.default)
    else:
        return None
    return state


def _fetch_xsrf_cookie(base_url: str, timeout: float) -> str | None:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(f"{base_url}/_stcore/health", timeout=timeout) as response:
        for header in response.headers.get_all("Set-Cookie") or ():
            cookie = http.cookies.SimpleCookie(header)
            if "_streamlit_xsrf" in cookie:
                return cookie["_streamlit_xsrf"].value
    return None

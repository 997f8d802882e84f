"""Run a session live: open it for phones, choose the activity, drive the quiz,
moderate the challenge wall and the dot-voting. The room watches the presenter view.

The open tab follows the session by itself (a fragment redrawn every two seconds from
the snapshot every screen shares); only that tab runs."""

import streamlit as st

from peerlearn.models import LiveActivity, UserRole
from peerlearn.services import live, live_views
from peerlearn.ui import live_controls as controls
from peerlearn.ui.auth import require_user
from peerlearn.ui.live import base_url, code_block, join_url, qr_image
from peerlearn.ui.session_picker import pick_session
from peerlearn.ui.widgets import plain, read

user = require_user(UserRole.COORDINATOR, UserRole.FACILITATOR)
st.title("Run live")
st.caption(
    "Open a session for phones, then run its quiz, challenge wall and dot-voting. "
    "Put the presenter view on the projector."
)

running = read(lambda s: live_views.live_sessions(s, actor=user))
if running:
    listed = ", ".join(f"{r.title} ({r.code})" for r in running)
    st.caption("Live now: " + plain(listed))

network_id, sessions, row = pick_session(
    user,
    prefix="live",
    no_events="This network has no events yet: add one, with its sessions, under **Events**.",
    first=live.is_live,
    mark=lambda r: "● " if live.is_live(r) else "",
)

if not live.is_live(row):
    st.divider()
    if row.live_ended_at is not None:
        st.info("This session has ended. Everything collected is kept; you can reopen it.")
    if st.button("Open for phones", type="primary", icon=":material/cast:", key="live_start"):
        controls.do(row.id, lambda s: live.start_live(s, actor=user, session_id=row.id))
    st.stop()

url = join_url(row.join_code)
top_left, top_mid, top_right = st.columns([2, 3, 1], vertical_alignment="center")
with top_left:
    st.caption("Join code")
    code_block(row.join_code, size=2.6)
with top_mid:
    st.caption("Join URL (also in the QR code)")
    st.code(url, language=None)
    buttons = st.columns(2)
    buttons[0].link_button(
        "Open the presenter view",
        f"{base_url()}/presenter?session={row.id}&key={live_views.presenter_key(row)}",
        icon=":material/tv:",
        type="primary",
    )
    if buttons[1].button("End session", icon=":material/stop_circle:", key="live_end"):
        controls.do(row.id, lambda s: live.end_live(s, actor=user, session_id=row.id))
with top_right:
    qr_image(url, 150)

activities = [a.value for a in LiveActivity if a != LiveActivity.ENDED]
chosen = st.segmented_control(
    "What the room does now",
    activities,
    default=row.activity if row.activity in activities else None,
    format_func=str.capitalize,
    key=f"live_activity_{row.id}_{row.activity}",
)
if chosen and chosen != row.activity:
    controls.do(
        row.id, lambda s: live.set_activity(s, actor=user, session_id=row.id, activity=chosen)
    )

controls.settings(user, row)
quiz_tab, wall_tab, vote_tab, people_tab, export_tab = st.tabs(
    controls.TABS, key=controls.TAB_KEY, on_change="rerun"
)
if quiz_tab.open:
    with quiz_tab:
        controls.quiz(user, row.id)
        controls.fresh_run(user, row)
if wall_tab.open:
    with wall_tab:
        controls.wall(user, row.id)
if vote_tab.open:
    with vote_tab:
        controls.voting(user, row.id)
if people_tab.open:
    with people_tab:
        controls.participants(row.id)
if export_tab.open:
    with export_tab:
        controls.export(user, row)

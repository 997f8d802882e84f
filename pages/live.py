"""Run a session live: open it for phones, choose the activity, drive the quiz,
moderate the challenge wall and the dot-voting. The room watches the presenter view.

The open tab follows the session by itself: it redraws when the session moves (an
answer, a post, a vote, another facilitator's click), not on a timer; only that tab
runs."""

import streamlit as st

from peerlearn.live import joining, lifecycle, screens
from peerlearn.models import LiveActivity, UserRole
from peerlearn.ui.auth import require_user
from peerlearn.ui.live import base_url, code_block, join_url, local_only, qr_image, steady
from peerlearn.ui.run_live import export, people, quiz, voting, wall
from peerlearn.ui.run_live.controls import settings
from peerlearn.ui.session_picker import pick_session
from peerlearn.ui.widgets import plain, read, save

TABS = ["Quiz", "Challenge wall", "Dot-voting", "Participants", "Export"]

user = require_user(UserRole.COORDINATOR, UserRole.FACILITATOR)
steady()
st.title("Run live")
st.caption(
    "Open a session for phones, then run its quiz, challenge wall and dot-voting. "
    "Put the presenter view on the projector."
)

running = read(lambda s: screens.live_sessions(s, actor=user))
if running:
    listed = ", ".join(f"{r.title} ({r.code})" for r in running)
    st.caption("Live now: " + plain(listed))

network_id, sessions, row = pick_session(
    user,
    prefix="live",
    no_events="This network has no events yet: add one, with its sessions, under **Events**.",
    first=joining.is_live,
    mark=lambda r: "● " if joining.is_live(r) else "",
)

if not joining.is_live(row):
    st.divider()
    if row.live_ended_at is not None:
        st.info("This session has ended. Everything collected is kept; you can reopen it.")
    if st.button("Open for phones", type="primary", icon=":material/cast:", key="live_start"):
        save(lambda s: lifecycle.start_live(s, actor=user, session_id=row.id))
    # Before the room sees anything: an earlier run's answers can go first.
    quiz.fresh_run(user, row)
    st.stop()

url = join_url(row.join_code)
if local_only(url):
    st.warning(
        "Phones cannot reach this join address: it names this computer itself "
        f"({plain(url.split('/')[2])}). Open peerlearn by the address others use, or set "
        "PEERLEARN_PUBLIC_URL on the server (see the README).",
        icon=":material/wifi_off:",
    )
presenter_key = read(lambda s: screens.presenter_key(s, row))
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
        f"{base_url()}/presenter?session={row.id}&key={presenter_key}",
        icon=":material/tv:",
        type="primary",
    )
    if buttons[1].button("End session", icon=":material/stop_circle:", key="live_end"):
        save(lambda s: lifecycle.end_live(s, actor=user, session_id=row.id))
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
    save(lambda s: lifecycle.set_activity(s, actor=user, session_id=row.id, activity=chosen))

settings(user, row)
quiz_tab, wall_tab, vote_tab, people_tab, export_tab = st.tabs(
    TABS, key="live_tab", on_change="rerun"
)
if quiz_tab.open:
    with quiz_tab:
        quiz.tab(user, row.id, row.activity)
if wall_tab.open:
    with wall_tab:
        wall.tab(user, row.id, row.activity)
if vote_tab.open:
    with vote_tab:
        voting.tab(user, row.id, row.activity)
if people_tab.open:
    with people_tab:
        people.tab(row.id, row.activity)
if export_tab.open:
    with export_tab:
        export.tab(user, row)

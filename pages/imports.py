"""Import cities, tandems, milestones, challenges or measured values from a spreadsheet,
after a preview."""

import streamlit as st

from peerlearn.excel.import_encoding import ENCODINGS
from peerlearn.excel.import_files import MAX_BYTES
from peerlearn.excel.imports import KINDS, apply_import, preview_import, template
from peerlearn.models import UserRole
from peerlearn.ui.auth import require_user
from peerlearn.ui.import_choices import ask, decisions
from peerlearn.ui.reports_widgets import (
    KIND_HELP,
    adds_frame,
    counts,
    import_label,
    preview_key,
    problems_csv,
    problems_frame,
    result_sentence,
    slug,
    updates_frame,
)
from peerlearn.ui.widgets import empty_state, pick_network, plain, read, save

user = require_user(UserRole.COORDINATOR, UserRole.TANDEM)
# What this role may import: a tandem member their tandems' milestones, challenges and
# their cities' measured values.
allowed = [k for k, spec in KINDS.items() if user.role in spec.roles]
st.title("Import")
st.caption(
    "Add or update many rows at once from an .xlsx or .csv file. You see a preview first; "
    "nothing is written while a row has a problem, and importing the same file twice "
    "changes nothing the second time."
)


@st.cache_data(show_spinner=False)
def _template(kind: str, fmt: str) -> bytes:
    return template(kind, fmt)


# Problems drawn as a table (which wraps long reasons); the download holds them all.
_PROBLEMS_SHOWN = 200


def _encoding_picker(upload) -> str | None:
    """The encoding the coordinator chose for a CSV file (None: the one detected)."""
    if upload is None or upload.getvalue()[:4] == b"PK\x03\x04":
        return None  # a workbook knows its own encoding
    return st.selectbox(
        "Encoding of the file",
        [None, *ENCODINGS],
        format_func=lambda code: "Detect it" if code is None else ENCODINGS[code],
        key="imp_encoding",
        help="If letters look wrong in the preview (e.g. £ódŸ for Łódź), choose the "
        "encoding the file was saved in: Windows-1250 for Polish, Czech, Croatian or "
        "Hungarian Excel, Windows-1252 for Western European.",
    )


def _problems(preview) -> None:
    """Every problem with its row, reasons wrapped in full, and the list to download."""
    shown = problems_frame(preview).head(_PROBLEMS_SHOWN)
    # st.table renders markdown, and the reasons quote the file's cells: show them as typed.
    shown = shown.astype(object).fillna("").map(lambda cell: plain(str(cell)))
    st.table(shown, hide_index=True)
    if len(preview.problems) > _PROBLEMS_SHOWN:
        st.caption(
            f"The first {_PROBLEMS_SHOWN} of {len(preview.problems)} problems; "
            "the list below holds them all."
        )
    st.download_button(
        "Download the problems (.csv)",
        problems_csv(preview.problems),
        file_name=f"{slug(preview.filename.rsplit('.', 1)[0])}-problems.csv",
        mime="text/csv",
        icon=":material/download:",
        on_click="ignore",
        key="imp_problems",
    )


left, right = st.columns([2, 3])
with left:
    kind = st.selectbox(
        "What to import", allowed, format_func=lambda k: KINDS[k].title, key="imp_kind"
    )
    st.caption(KIND_HELP[kind])
    network_id = pick_network(user, key="imp_network")
with right:
    st.markdown("**Templates**: the expected columns, with help on how to fill them in.")
    buttons = st.container(horizontal=True)
    for fmt, mime in (
        ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("csv", "text/csv"),
    ):
        buttons.download_button(
            f"{KINDS[kind].title} template (.{fmt})",
            _template(kind, fmt),
            file_name=f"peerlearn-{kind}-template.{fmt}",
            mime=mime,
            icon=":material/download:",
            on_click="ignore",
            key=f"imp_template_{fmt}",
        )
    upload = st.file_uploader(
        "File to import",
        type=["xlsx", "csv"],
        key="imp_file",
        max_upload_size=MAX_BYTES // 1024 // 1024,
        help="In a workbook: the sheet named like what you import (e.g. Cities), else the first.",
    )
    encoding = _encoding_picker(upload)

if network_id is None:
    empty_state("There is no network yet: add one under **Network**, then import into it.")
    st.stop()
if upload is None:
    empty_state(
        "Download a template, fill it in (or use your own file: columns are matched by "
        "name, extra columns are ignored), then drop it above to see the preview."
    )
    st.stop()

content = upload.getvalue()
key = preview_key(kind, network_id, content, encoding=encoding)
decided = decisions(key)
cached = st.session_state.get("imp_preview")
if cached is None or cached[0] != (key, decided):
    # Read the file once per (file, kind, network); reruns reuse the preview.
    cached = read(
        lambda s: (
            (key, decided),
            preview_import(
                s,
                actor=user,
                kind=kind,
                filename=upload.name,
                content=content,
                network_id=network_id,
                decisions=decided,
                encoding=encoding,
            ),
            None,
        ),
        refused=lambda error: ((key, decided), None, str(error)),
    )
    st.session_state["imp_preview"] = cached
_, preview, refusal = cached

done = st.session_state.get("imp_done")
if done and done[0] == key:
    st.success(plain(done[1]), icon=":material/check_circle:")

if refusal:
    st.error(plain(refusal), icon=":material/error:")
    st.stop()

st.subheader("Preview")
st.caption(plain(f"From {preview.source}."))
for note in preview.notes:
    st.caption(plain(note))  # notes quote the file's own headers
n = counts(preview)
metrics = st.columns(4)
metrics[0].metric("To add", n.adds)
metrics[1].metric("To update", n.updates)
metrics[2].metric("Unchanged", n.unchanged)
metrics[3].metric("Problems", n.problems)
ask(preview, key)

if preview.problems:
    st.error(
        "Nothing can be imported while a row has a problem: fix these rows in the file "
        "and drop it again.",
        icon=":material/error:",
    )
    _problems(preview)

adds_tab, updates_tab, unchanged_tab = st.tabs(
    [f"To add ({n.adds})", f"To update ({n.updates})", f"Unchanged ({n.unchanged})"]
)
with adds_tab:
    if preview.adds:
        st.dataframe(adds_frame(preview.adds), hide_index=True, width="stretch")
    else:
        st.caption("No new rows.")
with updates_tab:
    if preview.updates:
        st.dataframe(updates_frame(preview.updates), hide_index=True, width="stretch")
    else:
        st.caption("No row changes what is stored.")
with unchanged_tab:
    if preview.unchanged:
        st.dataframe(adds_frame(preview.unchanged), hide_index=True, width="stretch")
    else:
        st.caption("Every row adds or changes something.")

if st.button(
    import_label(preview),
    type="primary",
    disabled=not preview.ok or not preview.changes,
    icon=":material/upload:",
    key="imp_apply",
):
    # The preview is stale either way: the next run reads the file again.
    st.session_state.pop("imp_preview", None)
    save(
        lambda s: apply_import(s, actor=user, preview=preview),
        success=lambda result: result_sentence(kind, upload.name, result),
        # Said again under the file's next preview, which shows nothing left to do.
        reset=lambda result: {"imp_done": (key, result_sentence(kind, upload.name, result))},
    )

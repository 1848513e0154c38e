"""Settings (administrators): the organisation every report is published under."""

import streamlit as st

from claims.errors import ClaimreviewError
from claims.publishing import LOGO_MAX_BYTES
from db.reports import organisation_data, set_organisation
from review_app.auth import current_actor
from review_app.resources import clear_cached_reads, database

actor = current_actor()
st.title("Settings")
st.subheader("The organisation on every report")
st.caption(
    "Reports (PDF, Word, HTML, Markdown) and ClaimReview exports carry this name, web address "
    "and logo. Set once for everyone."
)

with database().read() as session:
    current = organisation_data(session) or {}

if current.get("logo"):
    st.image(current["logo"], caption="The logo reports print now", width=200)

with st.form("settings_organisation"):
    name = st.text_input("Name", value=current.get("name") or "", key="settings_org_name")
    url = st.text_input(
        "Web address", value=current.get("url") or "", placeholder="https://example.org",
        key="settings_org_url",
    )  # fmt: skip
    logo = st.file_uploader(
        f"Logo (PNG or JPEG, at most {LOGO_MAX_BYTES // 1024 // 1024} MB)",
        type=["png", "jpg", "jpeg"],
        key="settings_org_logo",
    )
    remove = (
        st.checkbox("Remove the logo", key="settings_org_remove") if current.get("logo") else False
    )
    saved = st.form_submit_button("Save", type="primary")

if saved:
    try:
        set_organisation(
            database(), actor, name=name, url=url,
            logo=logo.getvalue() if logo is not None else None, remove_logo=remove,
        )  # fmt: skip
    except ClaimreviewError as error:
        st.error(str(error))
    else:
        clear_cached_reads()
        st.toast("Saved: the next report carries it.")
        st.rerun()

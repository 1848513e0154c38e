"""A CSV download under a table: the rows as shown, safe to open in a spreadsheet."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from claims.reports.tabular import formula_safe


def safe_csv(table: pd.DataFrame) -> bytes:
    """The table as UTF-8 CSV (with a BOM, so Excel reads accents), no cell a live formula."""
    cleaned = table.copy()
    cleaned.columns = [formula_safe(str(column)) for column in cleaned.columns]
    for column in cleaned.columns:
        if cleaned[column].dtype == object or pd.api.types.is_string_dtype(cleaned[column]):
            cleaned[column] = cleaned[column].map(formula_safe)
    # CRLF line ends make the writer quote any cell holding a bare \r, which a spreadsheet
    # would otherwise take for a new row (whose first cell could then be a formula).
    return cleaned.to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


def csv_download(table: pd.DataFrame, file_name: str, key: str) -> None:
    st.download_button(
        "Download CSV",
        lambda: safe_csv(table),  # built only when clicked
        file_name=file_name,
        mime="text/csv",
        key=key,
        on_click="ignore",
        icon=":material/download:",
    )

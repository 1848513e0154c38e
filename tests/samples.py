"""Article files in every supported format, written for the tests, with the same claims."""

from __future__ import annotations

from pathlib import Path

TITLE = "Exercise and blood pressure"
SENTENCES = [
    "Regular aerobic exercise lowers systolic blood pressure by about 5 mmHg in adults.",
    "A meta-analysis of 93 trials found the effect in people with hypertension (Cornelissen et al., 2013).",  # noqa: E501
    "Walking is the only exercise anyone needs.",
]
SECTION = "What the trials show"


def write_txt(folder: Path) -> Path:
    path = folder / "exercise.txt"
    path.write_text(
        f"{TITLE}\n\n{SENTENCES[0]} {SENTENCES[1]}\n\n{SENTENCES[2]}\n", encoding="utf-8"
    )
    return path


def write_md(folder: Path) -> Path:
    path = folder / "exercise.md"
    path.write_text(
        "---\n"
        f"title: {TITLE}\n"
        "author: Jane Doe\n"
        "date: 2024-03-05\n"
        "---\n\n"
        f"## {SECTION}\n\n"
        f"{SENTENCES[0]} {SENTENCES[1]}\n\n"
        f"- **Walking** is the only exercise anyone needs.\n",
        encoding="utf-8",
    )
    return path


def write_html(folder: Path) -> Path:
    path = folder / "exercise.html"
    path.write_text(
        "<!doctype html><html><head>"
        f"<title>{TITLE}</title><meta name='author' content='Jane Doe'>"
        "<script>var tracking = 'do not import me';</script></head><body>"
        "<nav><a href='/'>Home</a> <a href='/news'>News menu</a></nav>"
        f"<article><h1>{TITLE}</h1><h2>{SECTION}</h2>"
        f"<p>{SENTENCES[0]} {SENTENCES[1]}</p>"
        f"<p>{SENTENCES[2]}</p></article>"
        "<footer>Copyright footer text</footer></body></html>",
        encoding="utf-8",
    )
    return path


def write_docx(folder: Path) -> Path:
    import docx

    document = docx.Document()
    document.core_properties.title = TITLE
    document.core_properties.author = "Jane Doe"
    document.add_heading(SECTION, level=2)
    document.add_paragraph(f"{SENTENCES[0]} {SENTENCES[1]}")
    document.add_paragraph(SENTENCES[2])
    path = folder / "exercise.docx"
    document.save(str(path))
    return path


WRITERS = {"txt": write_txt, "md": write_md, "html": write_html, "docx": write_docx}


# The demo's first claim ("Multiple myeloma is a ... bone marrow ...") retold in two more
# articles' words: with the demo, a claim seen in three articles or more ("recurring").
MYELOMA_RETELLINGS = (
    "Multiple myeloma is a cancer of the bone marrow, the soft tissue inside bones that makes "
    "blood cells.",
    "Multiple myeloma is a cancer of the bone marrow, which is the soft tissue in the bones "
    "that makes the blood cells.",
)

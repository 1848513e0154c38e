"""Reference files reviewers already have: RIS, PubMed MEDLINE (.nbib), BibTeX, CSL-JSON.

The sample records are made up (DOIs under the 10.5555 test prefix) but shaped as the tools
export them.
"""

from __future__ import annotations

import contextlib
import json

import pytest

from claims.errors import ClaimreviewError
from claims.identifiers import Identifier
from claims.references import (
    ET_AL,
    MAX_PROBLEMS,
    MAX_RECORDS,
    MAX_REFERENCE_BYTES,
    Reference,
    ReferencesRefused,
    read_references,
    read_references_report,
    sniff_reference_format,
)

RIS = """\
TY  - JOUR
AU  - Okafor, Adaeze N.
AU  - Lindqvist-Berg, Jan
AU  - Powell, Thomas, Jr.
TI  - Early statin therapy after minor stroke: a randomised, placebo-controlled trial
      with long follow-up
T2  - The New England Journal of Medicine
JO  - N Engl J Med
PY  - 2016///
DA  - 2016/08/25/
VL  - 375
IS  - 8
SP  - 717
EP  - 729
DO  - 10.5555/NEJMoa1606038
AN  - 27557302
DB  - PubMed
M3  - Randomized Controlled Trial
UR  - https://pubmed.ncbi.nlm.nih.gov/27557302/
ER  -

TY  - ELEC
T1  - Statins: side effects
UR  - https://www.NHS.uk/medicines/statins/side-effects/
Y1  - 2023/01/10/
ER  -
"""

NBIB = """\
PMID- 27557302
OWN - NLM
STAT- MEDLINE
DP  - 2016 Aug 25
TI  - Early statin therapy after minor stroke: a randomised, placebo-controlled
      trial with long follow-up.
PG  - 717-29
LID - 10.5555/NEJMoa1606038 [doi]
AB  - An abstract that goes on
      over several lines.
FAU - Okafor, Adaeze N
AU  - Okafor AN
FAU - Lindqvist-Berg, Jan
AU  - Lindqvist-Berg J
CN  - STATIN-EARLY Investigators
LA  - eng
PT  - Journal Article
PT  - Randomized Controlled Trial
PT  - Research Support, Non-U.S. Gov't
TA  - N Engl J Med
JT  - The New England journal of medicine
VI  - 375
IP  - 8
PMC - PMC5012345
AID - 10.5555/NEJMoa1606038 [doi]
AID - S0140-6736(16)31012-1 [pii]

PMID- 30000001
TI  - Statins for primary prevention: a systematic review and meta-analysis.
FAU - de la Cruz, María-José
FAU - O'Neil, Patrick
TA  - BMJ
DP  - 2018 Jan
VI  - 360
PG  - k1
PT  - Journal Article
PT  - Meta-Analysis
PT  - Review
PT  - Systematic Review
"""

BIBTEX = r"""
% Exported by a reference manager; an e-mail here is not an entry: someone@example.org
@preamble{"\newcommand{\noop}[1]{}"}
@string{nejm = "N Engl J Med"}
@comment{this {whole} block is ignored}

@Article{mueller2020,
  author    = {M{\"u}ller, J{\"o}rg and Jean-Paul Sartre and Ludwig van Beethoven and
               {World Health Organization} and Garc{\'\i}a, Jr., Jos{\'e} and others},
  title     = {The {BRCA1} Gene in {\"O}sterreich: a {{Nested}} Case{\textendash}Control Study},
  journal   = nejm,
  year      = 2020,
  month     = aug,
  volume    = "383",
  number    = {4},
  pages     = {1000--1010},
  doi       = {https://doi.org/10.5555/NEJMoa2000001},
  pmid      = {32000001},
}

@misc{who2021,
  title        = "Guideline on {\emph{statin}} use for {A}dults {\&} older people",
  author       = {{World Health Organization}},
  howpublished = {\url{https://www.who.int/publications/i/item/9789240000001}},
  year         = {2021},
}

@article(paren2019,
  author = "Stra{\ss}er, Anna and {\O}stergaard, Bo",
  title = "Vitamin D " # "and falls",
  journaltitle = {J Bone Miner Res},
  date = {2019-05-01},
  pages = {e100},
  eprinttype = {pubmed},
  eprint = {31000001},
)
"""

CSL = [
    {
        "id": "item-1",
        "type": "article-journal",
        "title": "Blood pressure targets in older adults",
        "author": [
            {"family": "Doe", "given": "Jane Q."},
            {"literal": "SPRINT-X Research Group"},
            {"family": "Gogh", "non-dropping-particle": "van", "given": "Vincent"},
        ],
        "container-title": "Journal of Hypertension Research",
        "container-title-short": "J Hypertens Res",
        "issued": {"date-parts": [[2019, 3, 1]]},
        "volume": 12,
        "issue": "3",
        "page": "100–110",
        "DOI": "10.5555/JHR.2019.12",
        "PMID": "31234567",
        "PMCID": "PMC6543210",
        "URL": "https://example.org/articles/jhr-2019-12",
    },
    {
        "id": "item-2",
        "type": "webpage",
        "title": ["High blood pressure: overview"],
        "author": [{"family": "Nguyen", "given": "An"}],
        "issued": {"raw": "2022-11-02"},
        "URL": "https://www.example.org/health/blood-pressure",
    },
    {
        "id": "item-3",
        "type": "article",
        "title": "Same article again",
        "DOI": "https://doi.org/10.5555/jhr.2019.12",
    },
]


def refused(data: bytes, filename: str | None = None) -> str:
    """The one-sentence reason read_references refuses ``data`` with."""
    with pytest.raises(ReferencesRefused) as caught:
        read_references(data, filename)
    assert isinstance(caught.value, ClaimreviewError)
    message = str(caught.value)
    assert "\n" not in message and message.endswith(".") and message[0].isupper()
    return message


# RIS


def test_ris_two_records_every_field():
    first, second = read_references(RIS.encode(), "library.ris")
    assert first == Reference(
        title=(
            "Early statin therapy after minor stroke: a randomised, placebo-controlled trial "
            "with long follow-up"
        ),
        authors=("Okafor AN", "Lindqvist-Berg J", "Powell T Jr"),
        journal="N Engl J Med",
        year=2016,
        volume="375",
        issue="8",
        pages="717-729",
        doi="10.5555/nejmoa1606038",
        pmid="27557302",
        pmcid=None,
        url=None,
        study_design="rct",
    )
    assert second == Reference(
        title="Statins: side effects",
        year=2023,
        url="https://www.nhs.uk/medicines/statins/side-effects/",
    )


def test_ris_variants():
    text = (
        "Some header line from the exporter\n"
        "TY  - JOUR\nA1  - Smith JA\nT1  - Title one.\nJF  - Journal of Things\n"
        "Y1  - 1999/03//\nSP  - 12-19\nDO  - doi:10.5555/ONE\nAN  - 123\nDB  - Scopus\n"
        "C2  - PMC77\nM3  - 10.5555/ignored-because-DO-is-set\nER  -\n"
        "TY  - JOUR\nTI  - Last record without ER\nUR  - https://doi.org/10.5555/TWO\n"
        "UR  - https://example.org/two\n"
    )
    one, two = read_references(text.encode(), "x.ris")
    assert one.authors == ("Smith JA",)  # already in Vancouver form: kept
    assert one.title == "Title one"
    assert one.journal == "Journal of Things"
    assert (one.year, one.pages, one.doi) == (1999, "12-19", "10.5555/one")
    assert one.pmid is None  # an accession number from another database is no PMID
    assert one.pmcid == "PMC77"
    assert (two.title, two.doi, two.url) == (
        "Last record without ER",
        "10.5555/two",
        "https://example.org/two",
    )


# PubMed MEDLINE (.nbib)


def test_nbib_two_records_every_field():
    first, second = read_references(NBIB.encode(), "pubmed-statins.nbib")
    assert first == Reference(
        title=(
            "Early statin therapy after minor stroke: a randomised, placebo-controlled trial "
            "with long follow-up"
        ),
        authors=("Okafor AN", "Lindqvist-Berg J", "STATIN-EARLY Investigators"),
        journal="N Engl J Med",
        year=2016,
        volume="375",
        issue="8",
        pages="717-29",
        doi="10.5555/nejmoa1606038",
        pmid="27557302",
        pmcid="PMC5012345",
        url=None,
        study_design="rct",
    )
    assert second == Reference(
        title="Statins for primary prevention: a systematic review and meta-analysis",
        authors=("de la Cruz MJ", "O'Neil P"),  # derived from FAU when AU is missing
        journal="BMJ",
        year=2018,
        volume="360",
        pages="k1",
        pmid="30000001",
        study_design="systematic_review",
    )


def test_pubmed_text_export_is_sniffed_and_records_may_run_together():
    text = NBIB.replace("\n\nPMID- 30000001", "\nPMID- 30000001")
    references = read_references(text.encode(), "pubmed-set.txt")
    assert [r.pmid for r in references] == ["27557302", "30000001"]
    assert [r.pmid for r in read_references(NBIB.encode())] == ["27557302", "30000001"]


@pytest.mark.parametrize(
    ("types", "design"),
    [
        (["Journal Article", "Randomized Controlled Trial"], "rct"),
        (["Systematic Review"], "systematic_review"),
        (["Meta-Analysis"], "systematic_review"),
        (["Review", "Systematic Review"], "systematic_review"),
        (["Practice Guideline"], "guideline"),
        (["Guideline"], "guideline"),
        (["Review"], "narrative_review"),
        (["Randomized Controlled Trial", "Retracted Publication"], "retracted"),
        (["Preprint"], "preprint"),
        (["Case Reports"], "case_series"),
        (["Observational Study"], "cohort"),
        (["Journal Article", "Comment"], None),
        (["Clinical Trial, Phase II"], None),
    ],
)
def test_study_design_from_publication_types(types, design):
    text = "PMID- 1\nTI  - A title.\n" + "".join(f"PT  - {t}\n" for t in types)
    (reference,) = read_references(text.encode(), "x.nbib")
    assert reference.study_design == design


def test_preprint_server_as_journal_says_preprint():
    text = "TY  - JOUR\nTI  - A preprint\nT2  - medRxiv\nER  - \n"
    assert read_references(text.encode(), "x.ris")[0].study_design == "preprint"


# BibTeX


def test_bibtex_accents_nested_braces_strings_and_comments():
    first, second, third = read_references(BIBTEX.encode(), "library.bib")
    assert first == Reference(
        title="The BRCA1 Gene in Österreich: a Nested Case–Control Study",
        authors=(
            "Müller J",
            "Sartre JP",
            "van Beethoven L",
            "World Health Organization",
            "García J Jr",
            ET_AL,
        ),
        journal="N Engl J Med",
        year=2020,
        volume="383",
        issue="4",
        pages="1000-1010",
        doi="10.5555/nejmoa2000001",
        pmid="32000001",
    )
    assert second == Reference(
        title="Guideline on statin use for Adults & older people",
        authors=("World Health Organization",),
        year=2021,
        url="https://www.who.int/publications/i/item/9789240000001",
    )
    assert third == Reference(
        title="Vitamin D and falls",
        authors=("Straßer A", "Østergaard B"),
        journal="J Bone Miner Res",
        year=2019,
        pages="e100",
        pmid="31000001",
    )


def test_bibtex_bad_entry_is_skipped_and_reported():
    text = (
        "@article{good1, title={One}, doi={10.5555/one}}\n"
        "@article{broken, title = {Unbalanced {brace,\n}\n"
        "@article{nothing, note = {no title here}}\n"
        "@article{baddoi, title = {Two}, doi = {not-a-doi}}\n"
        "@article{dup, title = {One again}, doi = {10.5555/ONE}}\n"
    )
    references, problems = read_references_report(text.encode(), "x.bib")
    assert [r.title for r in references] == ["One", "Two"]
    assert references[1].doi is None
    assert problems == [
        "record 2 (broken): unbalanced braces, skipped",
        "record 3 (nothing): no title or identifier, skipped",
        'record 4 (baddoi): DOI "not-a-doi" is not a DOI, ignored',
        "record 5 (dup): same DOI 10.5555/one as record 1, skipped",
    ]


# CSL-JSON


def test_csl_json_list_every_field():
    references, problems = read_references_report(json.dumps(CSL).encode(), "refs.json")
    first, second = references
    assert first == Reference(
        title="Blood pressure targets in older adults",
        authors=("Doe JQ", "SPRINT-X Research Group", "van Gogh V"),
        journal="J Hypertens Res",
        year=2019,
        volume="12",
        issue="3",
        pages="100-110",
        doi="10.5555/jhr.2019.12",
        pmid="31234567",
        pmcid="PMC6543210",
        url="https://example.org/articles/jhr-2019-12",
    )
    assert second == Reference(
        title="High blood pressure: overview",
        authors=("Nguyen A",),
        year=2022,
        url="https://www.example.org/health/blood-pressure",
    )
    assert problems == ["record 3 (item-3): same DOI 10.5555/jhr.2019.12 as record 1, skipped"]


def test_csl_json_single_item_and_odd_values():
    item = {"title": "Only one", "DOI": "10.5555/X", "issued": {"date-parts": [["2001"]]}}
    assert read_references(json.dumps(item).encode(), "one.json") == [
        Reference(title="Only one", year=2001, doi="10.5555/x")
    ]
    items = [
        5,
        {"title": None, "author": "nobody"},
        {"title": "Kept", "author": [1, None, {"given": "Cher"}], "issued": "1998"},
    ]
    references, problems = read_references_report(json.dumps(items).encode(), "odd.json")
    assert references == [Reference(title="Kept", authors=("Cher",), year=1998)]
    assert problems == [
        "record 1: not a CSL-JSON item (an object with a title and identifiers), skipped",
        "record 2: no title or identifier, skipped",
    ]


# Format choice


@pytest.mark.parametrize(
    ("text", "fmt"),
    [
        (RIS, "ris"),
        (NBIB, "medline"),
        (BIBTEX, "bibtex"),
        (json.dumps(CSL), "csl-json"),
        ("  \n" + json.dumps(CSL[0]), "csl-json"),
        ("Dear reviewer, please read this.", None),
    ],
)
def test_sniffing(text, fmt):
    assert sniff_reference_format(text) == fmt


@pytest.mark.parametrize("filename", [None, "references", "export.txt", "library.enw"])
def test_format_is_sniffed_without_a_known_extension(filename):
    assert len(read_references(RIS.encode(), filename)) == 2
    assert len(read_references(BIBTEX.encode(), filename)) == 3


def test_wrong_extension_falls_back_to_the_sniffed_format():
    assert len(read_references(NBIB.encode(), "pubmed.ris")) == 2


def test_encodings_and_line_endings():
    ris = "TY  - JOUR\r\nTI  - Étude de cohorte\r\nAU  - Lefèvre, Hélène\r\nER  - \r\n"
    for data in (
        ris.encode("utf-8"),
        b"\xef\xbb\xbf" + ris.encode("utf-8"),
        ris.encode("utf-16"),
        ris.encode("cp1252"),
    ):
        (reference,) = read_references(data, "x.ris")
        assert reference.title == "Étude de cohorte"
        assert reference.authors == ("Lefèvre H",)


# The best identifier


def test_best_identifier_order():
    full = Reference(title="t", doi="10.5555/x", pmid="1", pmcid="PMC2", url="https://example.org/")
    assert full.identifier() == Identifier("doi", "10.5555/x", "10.5555/x")
    assert Reference(pmid="1", pmcid="PMC2").identifier().label() == "PMID 1"
    assert Reference(pmcid="PMC2", url="https://example.org/").identifier().kind == "pmcid"
    assert Reference(url="https://example.org/").identifier().kind == "url"
    assert Reference(url="javascript:alert(1)").identifier() is None
    assert Reference(title="Only a title").identifier() is None


# Refusals


@pytest.mark.parametrize(
    ("data", "filename", "words"),
    [
        (b"", "x.ris", ['"x.ris" is empty']),
        (b"  \n\t\n", "x.bib", ["is empty"]),
        (b"\x81\x8d\x8f\x90\x9d" * 10, "x.ris", ["not in a text encoding"]),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "x.ris", ["binary data"]),
        (b"Dear reviewer,\nplease check these.\n", "notes.txt", ["not a reference file"]),
        (b"Dear reviewer,\nplease check these.\n", None, ["The reference file is not a"]),
        (b'[{"title": "x",}]', "x.json", ["not valid JSON"]),
        (b'{"title": ', "x.json", ["not valid JSON"]),
        (b'"just a string"', "x.json", ["not CSL-JSON"]),
        (b"[]", "x.json", ["no CSL-JSON records"]),
        (b"N1  - a note without a TY line\nER  - \n", "x.ris", ["no RIS records"]),
        (b"@article{a, note={x}}\n@book{b, note={y}}\n", "x.bib", ["None of the 2 records"]),
        (b'[1, 2, "three"]', "x.json", ["None of the 3 records", "not a CSL-JSON item"]),
    ],
)
def test_refusals(data, filename, words):
    message = refused(data, filename)
    for word in words:
        assert word in message, message


def test_a_file_over_ten_megabytes_is_refused():
    data = b"TY  - JOUR\nTI  - " + b"a" * MAX_REFERENCE_BYTES + b"\nER  - \n"
    message = refused(data, "big.ris")
    assert "larger than the 10 MB limit" in message
    assert "10.1 MB" in message


def test_a_whole_library_is_refused():
    data = b"PMID- 1\nTI  - t\n\n" * (MAX_RECORDS + 1)
    assert f"more than {MAX_RECORDS:,} records" in refused(data, "library.nbib")


def test_problems_are_capped():
    data = b"".join(b"TY  - JOUR\nN1  - note %d\nER  - \n" % n for n in range(300))
    data += b"TY  - JOUR\nTI  - The one good record\nER  - \n"
    references, problems = read_references_report(data, "x.ris")
    assert [r.title for r in references] == ["The one good record"]
    assert len(problems) == MAX_PROBLEMS + 1
    assert problems[-1] == f"{300 - MAX_PROBLEMS} more problems not shown"


# Hostile input: ClaimreviewError or a result, never another exception, always quickly


MB = 1_000_000


@pytest.mark.parametrize(
    ("data", "filename"),
    [
        (b"@article{k, title = " + b"{" * MB + b"}", "deep.bib"),
        (b"@article{k, title = {" + b"{}" * (MB // 2) + b"}, doi={10.5555/x}}", "flat.bib"),
        (b'@article{k, title = "' + b"{" * MB, "quote.bib"),
        (b"@article{" * (MB // 9), "heads.bib"),
        (b"@" * MB, "ats.bib"),
        (b"@article{k, title={t}, author={" + b"A and " * (MB // 6) + b"}}", "names.bib"),
        (b"@article{k, title={" + b"\\\"o{\\'e}\\x" * (MB // 10) + b"}}", "latex.bib"),
        (b"@string{a = b # a}\n@article{k, title = a # a # a}", "macro.bib"),
        (b"[" * MB + b"]" * MB, "deep.json"),
        (b'{"a":' * (MB // 5) + b"1" + b"}" * (MB // 5), "deep-object.json"),
        (b'[{"title": ' + b"[" * 5000 + b"]" * 5000 + b"}]", "nested-title.json"),
        (b"[" + b"1," * (MB // 2) + b"1]", "many.json"),
        (b"TY  - JOUR\nTI  - x\n" + b"   continued\n" * (MB // 12) + b"ER  - \n", "long.ris"),
        (b"PMID- 1\nTI  - x\n" + b"      more\n" * (MB // 11), "long.nbib"),
        (b"TY  - JOUR\n" + b"UR  - http://" + b"a." * MB + b"\nER  - \n", "url.ris"),
        (bytes(range(256)) * 4000, "noise.ris"),
    ],
    ids=lambda value: value if isinstance(value, str) else None,
)
def test_hostile_input_completes_quickly(data, filename):
    with contextlib.suppress(ClaimreviewError):
        read_references_report(data, filename)


def test_a_bibtex_author_list_keeps_its_first_thousand_names_then_et_al():
    from claims.references import MAX_BIB_NAMES

    names = " and ".join(f"Author{i}, Ann" for i in range(MAX_BIB_NAMES + 5))
    text = "@article{big, title = {A consortium paper}, author = {" + names + "}}\n"
    [reference] = read_references(text.encode(), "x.bib")
    assert len(reference.authors) == MAX_BIB_NAMES + 1
    assert reference.authors[:2] == ("Author0 A", "Author1 A")
    assert reference.authors[-2:] == (f"Author{MAX_BIB_NAMES - 1} A", ET_AL)

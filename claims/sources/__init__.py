"""Source metadata from the services medical reviewers check: PubMed, Crossref,
ClinicalTrials.gov and Europe PMC.

``records``: what a lookup yields (``SourceRecord``), whatever service answered.
``pubmed``, ``crossref``, ``ctgov``, ``europepmc``: each service's documented response format,
parsed into records (no network).
``designs``: the study design a record suggests; ``flags``: retracted, corrected, preprint...
``fields``: the small readers the parsers share (Vancouver names, markup to text, dates);
``errors``: ``SourceFormatError``, an answer that cannot be read.
``client``: the network side: base URLs, timeouts, rate limits, retries, the offline switch.
db/source_lookups.py stores what a lookup found on the citation.
"""

"""Plausible synthetic articles, claims, reviews and citations in bulk, for trying the
dashboards at scale. Written with bulk inserts in batches, not through the import path.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import func, insert, select

from claims.matching import OPPOSITE, SAME, compare
from claims.permissions import IMPORT_ARTICLES, Actor
from db.audit import record_event
from db.claim_facts import touch_articles
from db.claim_matches import KEPT, recount
from db.engine import Database
from db.models import (
    Article,
    Citation,
    Claim,
    ClaimCue,
    ClaimMatch,
    Decision,
    Review,
    ReviewCitation,
    User,
    utcnow,
)
from db.review_days import rebuild as rebuild_review_days

CLAIMS_PER_ARTICLE = 200
BATCH_ARTICLES = 25
FACTS_PER_TRANSACTION = 250  # articles whose facts one transaction writes at the end
DRUGS = ["lisinopril", "metformin", "atorvastatin", "daratumumab", "semaglutide", "aspirin"]
OUTCOMES = ["blood pressure", "HbA1c", "LDL cholesterol", "relapse", "body weight", "stroke"]
GROUPS = ["adults", "older adults", "children", "people with diabetes", "women", "smokers"]
VERDICTS = [
    "accurate",
    "mostly_accurate",
    "needs_context",
    "misleading",
    "inaccurate",
    "unsupported",
]
CERTAINTIES = ["high", "moderate", "low", "very_low", "no_evidence"]
SECTIONS = ["Background", "What the trials found", "Side effects", "Who it is for", "Bottom line"]
DESIGNS = ["systematic_review", "rct", "cohort", "case_series", "preclinical", "preprint", None]
# A share of the checkable claims are recurring myths: one of MYTHS, in one of its wordings,
# stored as matches of the earlier occurrences as the matcher would (db/claim_matches.py),
# without searching a million claims for each: the "seen before" panel and the dashboard's
# recurring claims then read tables of a real desk's shape.
RECURRING_SHARE = 0.02
MYTHS = len(DRUGS) * len(OUTCOMES) * len(GROUPS)  # 216, each its own drug, outcome, group
MYTH_WORDINGS = (
    "{drug} cures {outcome} problems in {group}.",
    "Taking {drug} can cure {outcome} problems in {group}, a blog claims.",
    "{drug} does not cure {outcome} problems in {group}.",  # its opposite, now and then
)


def _sentence(rng: random.Random, n: int) -> str:
    drug, outcome, group = rng.choice(DRUGS), rng.choice(OUTCOMES), rng.choice(GROUPS)
    forms = [
        f"{drug.capitalize()} lowers {outcome} by {rng.randint(2, 30)}% in {group}.",
        f"Studies have shown that {drug} always improves {outcome} in {group}.",
        f"A trial of {rng.randint(50, 5000)} {group} found {drug} reduced {outcome}.",
        f"{drug.capitalize()} may reduce the risk of {outcome} problems in {group}.",
        f"Is {drug} right for {group}?",  # a question: not a checkable claim
    ]
    return forms[n % len(forms)] if n % 25 == 24 else forms[n % 4]


def _myth(n: int, wording: int) -> str:
    drug = DRUGS[n % len(DRUGS)]
    outcome = OUTCOMES[n // len(DRUGS) % len(OUTCOMES)]
    group = GROUPS[n // (len(DRUGS) * len(OUTCOMES)) % len(GROUPS)]
    text = MYTH_WORDINGS[wording].format(drug=drug, outcome=outcome, group=group)
    return text[0].upper() + text[1:]


class _Myths:
    """Occurrences of each myth so far, and the match rows a new occurrence adds."""

    def __init__(self) -> None:
        self.seen: dict[int, list[tuple[int, int, int]]] = {}  # myth -> (claim, article, wording)
        self.similarity: dict[tuple[int, int, int], tuple[float, str]] = {}

    def _compared(self, myth: int, a: int, b: int) -> tuple[float, str]:
        key = (myth, min(a, b), max(a, b))
        if key not in self.similarity:
            found = compare(_myth(myth, a), _myth(myth, b))
            self.similarity[key] = (round(found.similarity, 4), found.relation)
        return self.similarity[key]

    def add(self, myth: int, wording: int, claim_id: int, article_id: int) -> list[dict]:
        rows = []
        earlier = self.seen.setdefault(myth, [])
        for other, other_article, other_wording in earlier[-KEPT:]:
            similarity, relation = self._compared(myth, wording, other_wording)
            if other_article == article_id or relation not in (SAME, OPPOSITE):
                continue
            rows.append({"claim_id": claim_id, "other_claim_id": other,
                         "other_article_id": other_article, "similarity": similarity,
                         "relation": relation})  # fmt: skip
            rows.append({"claim_id": other, "other_claim_id": claim_id,
                         "other_article_id": article_id, "similarity": similarity,
                         "relation": relation})  # fmt: skip
        earlier.append((claim_id, article_id, wording))
        return rows


def generate(
    database: Database,
    actor: Actor,
    claims: int,
    *,
    seed: int = 1,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Add about ``claims`` synthetic claims (in articles of 200); returns the claims added."""
    actor.require(IMPORT_ARTICLES)
    rng = random.Random(seed)
    with database.write() as session:
        reviewers = []
        for i in range(8):
            name = f"demo-reviewer-{i + 1}"
            user_id = session.scalar(select(User.id).where(User.username == name))
            if user_id is None:
                user = User(username=name, display_name=f"Demo reviewer {i + 1}", is_active=False)
                session.add(user)
                session.flush()
                user_id = user.id
            reviewers.append(user_id)
        start = session.scalar(select(func.count()).select_from(Citation)) or 0
        citation_ids = list(
            session.scalars(
                insert(Citation).returning(Citation.id, sort_by_parameter_order=True),
                [
                    {
                        "kind": "pmid",
                        "identifier": str(90_000_000 + start + i),
                        "title": f"Synthetic study {start + i}",
                        "year": 2000 + i % 25,
                        "study_design": rng.choice(DESIGNS),
                    }
                    for i in range(500)
                ],
            )
        )
    done = analysed = 0
    added: list[int] = []
    myths = _Myths()
    articles = max(1, round(claims / CLAIMS_PER_ARTICLE))
    now = utcnow()
    for batch_start in range(0, articles, BATCH_ARTICLES):
        if done >= 2 * analysed:
            # Statistics again each time the claims have doubled: PostgreSQL keeps the plans
            # of its foreign-key checks per connection, and planned against the tables as
            # first seen (empty) each check read the whole table: batches slowed without end.
            database.refresh_statistics()
            analysed = max(done, 1)
        with database.write() as session:
            for a in range(batch_start, min(articles, batch_start + BATCH_ARTICLES)):
                sentences = [_sentence(rng, i) for i in range(CLAIMS_PER_ARTICLE)]
                recurring: dict[int, tuple[int, int]] = {}  # sentence -> (myth, wording)
                for i, sentence in enumerate(sentences):
                    if not sentence.endswith("?") and rng.random() < RECURRING_SHARE:
                        recurring[i] = (rng.randrange(MYTHS), rng.choice((0, 0, 0, 1, 1, 2)))
                        sentences[i] = _myth(*recurring[i])
                text = " ".join(sentences)
                article = Article(
                    title=f"Synthetic article {a + 1}: {rng.choice(DRUGS)}",
                    text=text,
                    source_format="txt",
                    content_hash=f"synthetic-{seed}-{a}-{rng.random()}",
                    imported_at=now - timedelta(days=rng.randint(0, 365)),
                    imported_by_id=actor.user_id,
                )
                session.add(article)
                session.flush()
                added.append(article.id)
                rows, offset = [], 0
                for ordinal, sentence in enumerate(sentences, start=1):
                    rows.append(
                        {
                            "article_id": article.id,
                            "ordinal": ordinal,
                            "start": offset,
                            "end": offset + len(sentence),
                            "text": sentence,
                            "section": SECTIONS[
                                (ordinal - 1) * len(SECTIONS) // CLAIMS_PER_ARTICLE
                            ],
                            "checkable": not sentence.endswith("?"),
                            "kind": "claim",
                        }
                    )
                    offset += len(sentence) + 1
                ids = list(
                    session.scalars(
                        insert(Claim).returning(Claim.id, sort_by_parameter_order=True), rows
                    )
                )
                cues = [
                    {"claim_id": cid, "kind": "absolute", "start": row["text"].index("always"),
                     "end": row["text"].index("always") + 6, "text": "always",
                     "reason": "Absolute wording."}
                    for cid, row in zip(ids, rows, strict=True) if "always" in row["text"]
                ]  # fmt: skip
                if cues:
                    session.execute(insert(ClaimCue), cues)
                matches = [
                    match
                    for i, (myth, wording) in recurring.items()
                    for match in myths.add(myth, wording, ids[i], article.id)
                ]
                if matches:
                    session.execute(insert(ClaimMatch), matches)
                    recount(session, {m["claim_id"] for m in matches})
                review_rows, link_rows, doubly_reviewed = [], [], set()
                for cid, row in zip(ids, rows, strict=True):
                    if row["checkable"] and rng.random() < 0.35:  # most stay unreviewed
                        reviewed_by = rng.sample(reviewers, rng.choice((1, 1, 2)))
                        if len(reviewed_by) == 2:
                            doubly_reviewed.add(cid)
                        for reviewer in reviewed_by:
                            review_rows.append(
                                {
                                    "claim_id": cid,
                                    "reviewer_id": reviewer,
                                    "verdict": rng.choice(VERDICTS),
                                    "certainty": rng.choice(CERTAINTIES),
                                    "status": "submitted",
                                    "submitted_at": now - timedelta(days=rng.randint(0, 180)),
                                }
                            )
                if review_rows:
                    review_ids = list(
                        session.scalars(
                            insert(Review).returning(Review.id, sort_by_parameter_order=True),
                            review_rows,
                        )
                    )
                    for rid in review_ids:
                        for position, cit in enumerate(rng.sample(citation_ids, rng.randint(0, 3))):
                            link_rows.append(
                                {"review_id": rid, "citation_id": cit, "stance": "supports",
                                 "position": position}
                            )  # fmt: skip
                    if link_rows:
                        session.execute(insert(ReviewCitation), link_rows)
                    # Editors have settled some of the claims two reviewers looked at.
                    twice = [r for r in review_rows if r["claim_id"] in doubly_reviewed]
                    decisions = {
                        r["claim_id"]: {
                            "claim_id": r["claim_id"],
                            "editor_id": actor.user_id,
                            "verdict": r["verdict"],
                            "certainty": r["certainty"],
                            "reason": "other",
                            "decided_at": r["submitted_at"],
                        }
                        for r in twice
                        if rng.random() < 0.3
                    }
                    if decisions:
                        session.execute(insert(Decision), list(decisions.values()))
                record_event(
                    session,
                    action="demo_data",
                    entity_type="article",
                    entity_id=article.id,
                    article_id=article.id,
                    actor_id=actor.user_id,
                    channel=actor.channel,
                    after={"claims": len(ids), "reviews": len(review_rows)},
                )
                done += len(ids)
        if progress:
            progress(done, articles * CLAIMS_PER_ARTICLE)
    # The rows above were bulk inserts, past the ORM's events: the new articles' facts are
    # computed after them, with the statistics current (per batch, PostgreSQL planned each
    # rewrite against tables it believed empty: 20 s a batch), a few hundred articles per
    # transaction, so writers beside it never wait long.
    database.refresh_statistics()
    for start in range(0, len(added), FACTS_PER_TRANSACTION):
        with database.write() as session:
            touch_articles(session, added[start : start + FACTS_PER_TRANSACTION])
    with database.write() as session:
        rebuild_review_days(session)
    database.refresh_statistics()
    return done

"""Related practices and peer cities, computed offline (`gnlc compute-related`).

Two published practices are alike when their words are (TF-IDF cosine over title,
summary and text, with two-word phrases, English stop words removed) and when their tags
are (Jaccard overlap of themes, SDGs and target groups). The score is a weighted sum of
the two; each pair keeps what it shares (themes, SDGs, target groups and the terms
weighing most in both texts) so pages can say why: "shares: literacy, SDG 4, 'adult
learners'".

Peer cities are the same computation over cities: a city's text is its profile and its
published practices, its tags the union of theirs.

Results replace the stored ones in one transaction, so running it again is harmless.
"""

from dataclasses import dataclass, field

import numpy as np
from django.db import transaction
from scipy import sparse
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer

from gnlc.library.models import PeerCity, Practice, RelatedPractice

TOP = 5
MIN_SCORE = 0.08
TEXT_WEIGHT, TAG_WEIGHT = 0.6, 0.4
CHUNK = 512
MAX_TERMS = 3
# Words every practice of a learning city uses: they say nothing about likeness.
COMMON_WORDS = {
    "city",
    "cities",
    "learning",
    "learn",
    "local",
    "people",
    "year",
    "years",
    "run",
    "runs",
    "help",
    "helps",
    "new",
    "use",
    "uses",
    "programme",
    "practice",
    "work",
}


@dataclass
class Item:
    """One thing to compare: its key, text and tags (("theme", "Literacy"), ("sdg", 4)...)."""

    key: int
    text: str
    tags: set = field(default_factory=set)


def _tags(practice) -> set:
    return {
        *(("themes", theme.name) for theme in practice.themes.all()),
        *(("sdgs", sdg.number) for sdg in practice.sdgs.all()),
        *(("target_groups", group) for group in practice.target_groups),
    }


def _shared(tags_a: set, tags_b: set, terms: list[str]) -> dict:
    shared = {"themes": [], "sdgs": [], "target_groups": []}
    for kind, value in sorted(tags_a & tags_b, key=lambda t: (t[0], str(t[1]))):
        shared[kind].append(value)
    shared["sdgs"].sort()
    # A term that only repeats a shared tag ("literacy", "adult learners") is left out.
    said = {str(v).lower().replace("-", " ") for values in shared.values() for v in values}
    shared["terms"] = [term for term in terms if term not in said][:MAX_TERMS]
    return {k: v for k, v in shared.items() if v}


def similar(items: list[Item], top: int = TOP, min_score: float = MIN_SCORE):
    """[(key, other key, score, shared)] for each item's `top` most alike others."""
    if len(items) < 2:
        return []
    vectorizer = TfidfVectorizer(
        stop_words=sorted(ENGLISH_STOP_WORDS | COMMON_WORDS),
        ngram_range=(1, 2),
        sublinear_tf=True,
        max_df=0.5 if len(items) > 20 else 1.0,
        token_pattern=r"(?u)\b[^\W\d_]{3,}\b",  # noqa: S106 (a regex, not a password)
    )
    try:
        text = vectorizer.fit_transform([item.text for item in items]).tocsr()
        terms = vectorizer.get_feature_names_out()
    except ValueError:  # no word at all survived the stop words
        text, terms = sparse.csr_matrix((len(items), 1)), np.array(["-"])
    vocabulary = sorted({tag for item in items for tag in item.tags}, key=str)
    column = {tag: n for n, tag in enumerate(vocabulary)}
    rows = [n for n, item in enumerate(items) for _ in item.tags]
    cols = [column[tag] for item in items for tag in item.tags]
    tags = sparse.csr_matrix(
        (np.ones(len(rows)), (rows, cols)), shape=(len(items), max(1, len(vocabulary)))
    )
    sizes = np.asarray(tags.sum(axis=1)).ravel()
    pairs = []
    for start in range(0, len(items), CHUNK):
        stop = min(start + CHUNK, len(items))
        cosine = (text[start:stop] @ text.T).toarray()
        overlap = (tags[start:stop] @ tags.T).toarray()
        union = sizes[start:stop, None] + sizes[None, :] - overlap
        jaccard = np.divide(overlap, union, out=np.zeros_like(overlap), where=union > 0)
        scores = TEXT_WEIGHT * cosine + TAG_WEIGHT * jaccard
        for offset, row in enumerate(scores):
            n = start + offset
            row[n] = -1  # never itself
            best = np.argsort(-row, kind="stable")[:top]
            for m in best:
                if row[m] < min_score:
                    break
                weights = text[n].multiply(text[m]).tocoo()
                order = np.argsort(-weights.data, kind="stable")
                shared_terms = _distinct_terms([terms[weights.col[i]] for i in order])
                pairs.append(
                    (
                        items[n].key,
                        items[int(m)].key,
                        round(float(row[m]), 4),
                        _shared(items[n].tags, items[int(m)].tags, shared_terms),
                    )
                )
    return pairs


def _distinct_terms(terms: list[str]) -> list[str]:
    """The strongest shared terms, a phrase hiding the words it contains."""
    chosen: list[str] = []
    for term in terms:
        if any(term in other.split() or other in term.split() for other in chosen):
            continue
        if any(f" {term} " in f" {other} " for other in chosen):
            continue
        chosen.append(term)
        if len(chosen) == MAX_TERMS * 2:
            break
    return chosen


def compute_related() -> dict[str, int]:
    """Recompute and store related practices and peer cities. Returns the counts."""

    practices = list(
        Practice.objects.published().prefetch_related("themes", "sdgs", "members").order_by("pk")
    )
    items = [Item(p.pk, f"{p.title}. {p.summary} {p.plain_text}", _tags(p)) for p in practices]
    related = similar(items)

    by_member: dict[int, Item] = {}
    for practice, item in zip(practices, items, strict=True):
        for member in practice.members.all():
            city = by_member.setdefault(member.pk, Item(member.pk, member.profile or ""))
            city.text += " " + item.text
            city.tags |= item.tags
    peers = similar(list(by_member.values()))

    with transaction.atomic():
        RelatedPractice.objects.all().delete()
        RelatedPractice.objects.bulk_create(
            RelatedPractice(practice_id=a, other_id=b, score=s, shared=shared)
            for a, b, s, shared in related
        )
        PeerCity.objects.all().delete()
        PeerCity.objects.bulk_create(
            PeerCity(member_id=a, peer_id=b, score=s, shared=shared) for a, b, s, shared in peers
        )
    return {"practices": len(practices), "related": len(related), "peers": len(peers)}

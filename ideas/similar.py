"""Similar idea titles, so a fan finds the idea they were about to propose again.

A title becomes a set of terms: Latin words (case-folded, NFKC-normalised, a
plural "s" dropped) and, for Chinese, every pair of neighbouring characters
(so "夜间模式" gives 夜间, 间模, 模式) — Chinese has no spaces, and pairs
match "深色模式" against "希望增加深色模式" without a dictionary. Words that
every idea title has ("add", "support", 希望, 功能 …) are left out.

Two titles are compared by their shared terms over all their terms (Jaccard).
The candidates come from the search index (search.finding), as every finder's
do: an idea hidden or moved out of sight is never suggested. ``IdeaTerm`` rows
(and ``Idea.term_count``) are still written with each title but no longer read.
"""

import re
import unicodedata

from ideas.models import Idea, IdeaTerm
from releases.models import Product
from search import finding
from search.models import Document
from search.terms import parse_query

_WORD = re.compile(r"[^\W_]+")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_STOP_WORDS = frozenset(
    "a an and are as at be but by can for from have i in into is it me my of on or please should "
    "that the this to we when with would add allow feature option support new make let".split()
)
# Pairs that half of all Chinese idea titles contain: 希望 (hope), 增加/添加 (add), 功能 (feature) …
_STOP_PAIRS = frozenset("希望 增加 添加 功能 支持 能够 可以 建议 一个 能不 不能 是否 加入 新增".split())
TERMS_MAX = 60
TERM_LENGTH = 40
# Below this share of terms, two titles are not worth showing as "similar".
THRESHOLD = 0.2
SUGGESTIONS = 5
# Candidates read from the term index before scoring.
CANDIDATES = 40


def terms(title: str) -> set[str]:
    text = unicodedata.normalize("NFKC", title).casefold()
    found = set()
    for run in _HAN.findall(text):
        if len(run) == 1:
            found.add(run)
        found.update(pair for pair in (run[i : i + 2] for i in range(len(run) - 1)) if pair not in _STOP_PAIRS)
    for word in _WORD.findall(_HAN.sub(" ", text)):
        if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
            word = word[:-1]
        if len(word) >= 2 and word not in _STOP_WORDS:
            found.add(word[:TERM_LENGTH])
    return set(sorted(found)[:TERMS_MAX])


def index_title(idea: Idea, title: str) -> None:
    """Store the title's terms (replacing older ones); call in the transaction that sets the title."""
    found = terms(title)
    IdeaTerm.objects.filter(idea=idea).delete()
    IdeaTerm.objects.bulk_create([IdeaTerm(idea=idea, term=term) for term in sorted(found)])
    Idea.objects.filter(pk=idea.pk).update(term_count=len(found))
    idea.term_count = len(found)


def similar_ideas(
    *,
    product: Product,
    title: str,
    exclude_id: int | None = None,
    limit: int = SUGGESTIONS,
    threshold: float = THRESHOLD,
) -> list[Idea]:
    """Ideas of ``product`` whose titles share the most terms with ``title``, most similar first.

    Found in the search index (search.finding, the one index of every finder): ideas of the product in its
    ideas board that share any term with ``title``, never a hidden one, best ranked first; then scored by
    the share of title terms they have in common (Jaccard over ``terms``). Merged duplicates are left out
    (their target is shown instead). Two queries. ``threshold``: the least share of terms shown (0 for a
    search, where one shared word is enough)."""
    wanted = terms(title)
    query = parse_query(title).loose()
    if not wanted or not query:
        return []
    if product.ideas_board_id is None:
        return []
    found = finding.find(
        query=query,
        board_ids=[product.ideas_board_id],
        public=False,
        filters=finding.Filters(kinds=(Document.Kind.IDEA,), product_id=product.pk),
        limit=CANDIDATES,
    )
    titles = {hit.object_id: hit.title for hit in found.hits}
    if not titles:
        return []
    ideas = (
        Idea.objects.filter(thread_id__in=titles, product_id=product.pk)
        .exclude(status=Idea.Status.DUPLICATE)
        .select_related("thread")
    )
    if exclude_id is not None:
        ideas = ideas.exclude(pk=exclude_id)
    scored: list[tuple[float, Idea]] = []
    for idea in ideas:
        theirs = terms(titles[idea.thread_id])
        score = len(wanted & theirs) / len(wanted | theirs) if theirs else 0.0
        if score >= threshold:
            scored.append((score, idea))
    scored.sort(key=lambda pair: (-pair[0], -pair[1].vote_count, -pair[1].pk))
    return [idea for _, idea in scored[:limit]]


# Ideas listed for a product manager looking for the one an idea duplicates.
SEARCH_RESULTS = 10


def search_ideas(*, idea: Idea, query: str) -> list[Idea]:
    """Ideas of ``idea``'s product, not itself nor merged ones, matching ``query``: by shared title terms,
    most similar first, and by number when the query is one ("#12" or "12"). At most three queries."""
    found = similar_ideas(product=idea.product, title=query, exclude_id=idea.pk, limit=SEARCH_RESULTS, threshold=0)
    number = query.strip().lstrip("#")
    if number.isdigit() and len(number) < 12 and int(number) != idea.pk:
        by_number = (
            Idea.objects.filter(pk=int(number), product_id=idea.product_id)
            .exclude(status=Idea.Status.DUPLICATE)
            .select_related("thread")
            .first()
        )
        if by_number is not None and by_number.pk not in {found_idea.pk for found_idea in found}:
            found.insert(0, by_number)
    return found

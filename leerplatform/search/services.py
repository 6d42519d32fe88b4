"""One search over threads, posts, action items and places, on PostgreSQL and on SQLite.

PostgreSQL matches with its Dutch full-text search over expression GIN indexes; SQLite with an
FTS5 table of Snowball stems (see ``schema``). Both widen each query word with the word forms a
stemmer does not join (``words.forms_of``), and both filter in the same SQL on what the reader
may see: regions they may read, posts that are neither hidden nor deleted, approved places.
A page of results costs a fixed number of queries, whatever the number of matches.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup
from sqlalchemy import (
    ColumnElement,
    Select,
    Subquery,
    exists,
    func,
    literal,
    literal_column,
    or_,
    select,
    table,
    text,
    true,
    union_all,
)
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlalchemy.orm import joinedload

from leerplatform.actions.models import ActionItem, ActionItemTheme, ActionStatus
from leerplatform.extensions import db
from leerplatform.forum.models import Post, Theme, Thread, ThreadKind, ThreadTheme
from leerplatform.permissions import can_read_region
from leerplatform.places.models import Place, PlaceKind, PlaceStatus
from leerplatform.regions.models import Region
from leerplatform.search import schema
from leerplatform.search.words import STOP_WORDS, fold, forms_of, is_known_form, stem, words
from leerplatform.text import highlight, plain_text

RESULTS_PER_PAGE = 20
CANDIDATES = 200
"""Per kind of result, only the newest this many matches are ranked: ten pages of each. A word
found in half of 500,000 posts would otherwise be ranked 250,000 times on every search; a reader
never pages that far, and adding a word or a filter finds what they look for."""
MAX_QUERY_LENGTH = 200
MAX_TERMS = 8
SCOPES = ("onderwerpen", "actiepunten", "aanbod")
"""What a search may be narrowed to: conversations, action items or places."""

PLACE_KINDS_BY_THEME = {
    Theme.LOGEREN: (PlaceKind.LOGEREN,),
    Theme.DAGBESTEDING: (PlaceKind.DAGBESTEDING,),
    Theme.WONEN: (PlaceKind.WONEN, PlaceKind.DEELTIJDWONEN),
}
"""A theme filter keeps the places of that kind: "logeren" finds respite places too."""

DUTCH = literal_column("'dutch'")
# The stored vectors of ``schema`` (generated columns the models do not name).
POST_VECTOR = literal_column(f"posts.{schema.VECTOR_COLUMN}", TSVECTOR)
THREAD_TITLE_VECTOR = literal_column(f"threads.{schema.VECTOR_COLUMN}", TSVECTOR)
ACTION_ITEM_VECTOR = literal_column(f"action_items.{schema.VECTOR_COLUMN}", TSVECTOR)
PLACE_VECTOR = literal_column(f"places.{schema.VECTOR_COLUMN}", TSVECTOR)

_TERM = re.compile(r"""(-?)"([^"]*)"|(-?)([\w'\u2019]+)""", re.UNICODE)


@dataclass(frozen=True)
class Term:
    """A word or a quoted phrase of the query, with the forms that count as the same."""

    forms: tuple[str, ...]
    negated: bool = False


def parse_query(query: str) -> list[Term]:
    """Words and "quoted phrases"; a leading minus excludes. Stop words alone are dropped.

    Two words that are one form of a known group ("persoonsgebonden budget" for pgb) stay
    together, so they are searched as that group.
    """
    raw: list[tuple[str, bool, bool]] = []  # (text, negated, quoted)
    for match in _TERM.finditer(query[:MAX_QUERY_LENGTH]):
        phrase_minus, phrase, word_minus, word = match.groups()
        if phrase is not None:
            raw.append((" ".join(words(phrase)), bool(phrase_minus), True))
        else:
            raw.append((" ".join(words(word)), bool(word_minus), False))
    terms: list[Term] = []
    place = 0
    while place < len(raw):
        text_, negated, quoted = raw[place]
        if not quoted and place + 1 < len(raw) and not raw[place + 1][2]:
            pair = f"{text_} {raw[place + 1][0]}"
            if is_known_form(pair):
                text_, place = pair, place + 1
        place += 1
        if text_ and (quoted or fold(text_) not in STOP_WORDS):
            terms.append(Term(forms=tuple(forms_of(text_)), negated=negated))
    return terms[:MAX_TERMS]


@dataclass(frozen=True)
class SearchFilter:
    region: Region | None = None
    kind: ThreadKind | None = None
    theme: Theme | None = None
    status: ActionStatus | None = None
    scope: str | None = None

    @property
    def searches_posts(self) -> bool:
        return self.scope in (None, "onderwerpen") and self.status is None

    @property
    def searches_items(self) -> bool:
        return self.scope in (None, "actiepunten") and self.kind is None

    @property
    def searches_places(self) -> bool:
        return (
            self.scope in (None, "aanbod")
            and self.kind is None
            and self.status is None
            and (self.theme is None or self.theme in PLACE_KINDS_BY_THEME)
        )


@dataclass
class SearchHit:
    kind: str  # "post", "action_item" or "place"
    target: Any
    snippet: Markup


@dataclass
class SearchResults:
    query: str
    terms: list[Term]
    page: int
    total: int
    hits: list[SearchHit] = field(default_factory=list)
    signed_in: bool = False
    capped: bool = False
    """So many matches that only the newest ``CANDIDATES`` of each kind were ranked."""

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // RESULTS_PER_PAGE))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def spaces() -> list[Region]:
    """The national space first, then every region by name: the filter's choices."""
    return list(db.session.scalars(select(Region).order_by(Region.is_national.desc(), Region.name)))


class _Matcher:
    """How the database at hand matches a text column against the query."""

    def __init__(self, terms: list[Term], dialect: str) -> None:
        self.terms = terms
        self.dialect = dialect
        positives = [term for term in terms if not term.negated]
        self.usable = bool(positives)

    # PostgreSQL: a tsquery built from the forms, one tsquery function call per form.
    @staticmethod
    def _term_query(term: Term) -> ColumnElement[Any]:
        queries = [func.phraseto_tsquery(DUTCH, form) for form in term.forms]
        combined = queries[0]
        for query in queries[1:]:
            combined = func.tsquery_or(combined, query)
        return combined

    def tsquery(self) -> ColumnElement[Any]:
        """Every word (in one of its forms), and none of the excluded ones."""
        ordered = sorted(self.terms, key=lambda term: term.negated)
        query = self._term_query(ordered[0])
        for term in ordered[1:]:
            part = self._term_query(term)
            query = func.tsquery_and(query, func.tsquery_not(part) if term.negated else part)
        return query

    def any_word_tsquery(self) -> ColumnElement[Any]:
        """Any one of the wanted words: what narrows the rows before the whole query is checked."""
        positives = [self._term_query(term) for term in self.terms if not term.negated]
        query = positives[0]
        for part in positives[1:]:
            query = func.tsquery_or(query, part)
        return query

    # SQLite: an FTS5 expression over the stems.
    def fts_expression(self) -> str:
        def one(term: Term) -> str:
            phrases = [
                '"' + " ".join(stem(word) for word in words(form)) + '"' for form in term.forms
            ]
            return "(" + " OR ".join(phrases) + ")"

        positive = " AND ".join(one(term) for term in self.terms if not term.negated)
        negative = "".join(f" NOT {one(term)}" for term in self.terms if term.negated)
        return f"({positive}){negative}"

    def highlights(self) -> Callable[[str], bool]:
        """Whether a word of a text is one of the query's words, for the snippet."""
        wanted_forms = {
            fold(word)
            for term in self.terms
            if not term.negated
            for f in term.forms
            for word in words(f)
        }
        wanted_stems = {stem(word) for word in wanted_forms}
        return lambda word: fold(word) in wanted_forms or stem(word) in wanted_stems


def _fts_rows(matcher: _Matcher, doc: int) -> Select[Any]:
    fts = table(schema.FTS_TABLE)
    fts_name = literal_column(schema.FTS_TABLE)
    return (
        select(
            # rowid = id * 4 + doc, and SQLite divides integers without a remainder.
            literal_column(f"{schema.FTS_TABLE}.rowid / 4").label("doc_id"),
            # FTS5's rank is its bm25 score, lower for a better match.
            (-literal_column(f"{schema.FTS_TABLE}.rank")).label("rank"),
        )
        .select_from(fts)
        .where(fts_name.op("MATCH")(matcher.fts_expression()))
        .where(literal_column(f"{schema.FTS_TABLE}.rowid") % 4 == doc)
    )


@dataclass(frozen=True)
class _Branch:
    """One way to match: its candidates, how to take the newest, and how to rank those kept.

    PostgreSQL ranks only the ``CANDIDATES`` kept, after the cap: ranking reads each row's
    vector, and a word in half of all posts would otherwise be ranked on every one of them.
    Taking the newest by an indexed id lets PostgreSQL walk that index and stop after enough
    matches when a word is common, or use the GIN index when it is rare. FTS5 ranks as it
    matches, so on SQLite the candidates carry their rank.
    """

    candidates: Select[Any]
    """``kind``, ``id`` and ``moment`` (and ``rank`` on SQLite) of every match."""
    newest: ColumnElement[Any]
    rank: Callable[[Subquery], Select[Any]]
    """``kind``, ``id``, ``rank`` and ``moment`` of the kept candidates."""


def _row(kind: str, id_column: Any, moment: Any, *more: Any) -> Select[Any]:
    return select(literal(kind).label("kind"), id_column.label("id"), moment.label("moment"), *more)


def _carried_rank(kept: Subquery) -> Select[Any]:
    return select(kept.c.kind, kept.c.id, kept.c.rank, kept.c.moment)


def _ranked(
    kept: Subquery, rank: ColumnElement[Any], *joins: tuple[Any, ColumnElement[bool]]
) -> Select[Any]:
    query = select(kept.c.kind, kept.c.id, rank.label("rank"), kept.c.moment).select_from(kept)
    for target, on in joins:
        query = query.join(target, on)
    return query


def _post_branches(
    matcher: _Matcher, search_filter: SearchFilter, region_ids: list[int]
) -> list[_Branch]:
    def in_threads(query: Select[Any]) -> Select[Any]:
        """Only threads the reader may read and the filter asks for."""
        query = query.where(Thread.region_id.in_(region_ids))
        if search_filter.region is not None:
            query = query.where(Thread.region_id == search_filter.region.id)
        if search_filter.kind is not None:
            query = query.where(Thread.kind == search_filter.kind.value)
        if search_filter.theme is not None:
            query = query.where(
                exists().where(
                    ThreadTheme.thread_id == Thread.id,
                    ThreadTheme.theme == search_filter.theme.value,
                )
            )
        return query

    visible = (Post.deleted_at.is_(None), Post.hidden_at.is_(None))

    def scoped(query: Select[Any]) -> Select[Any]:
        return in_threads(query.join(Thread, Thread.id == Post.thread_id).where(*visible))

    if matcher.dialect == "postgresql":
        # An opening post is its thread's title and its body together: every wanted word may
        # stand in either, and an excluded word in neither. The GIN indexes find the rows (on
        # the body, or on the title for any wanted word); the whole query then decides.
        query, any_word = matcher.tsquery(), matcher.any_word_tsquery()
        whole = THREAD_TITLE_VECTOR.op("||")(POST_VECTOR)
        whole_match = whole.bool_op("@@")(query)
        by_body = scoped(
            _row("post", Post.id, Post.created_at).where(
                POST_VECTOR.bool_op("@@")(query), or_(Post.is_opening.is_(False), whole_match)
            )
        )
        # From the threads whose title has a wanted word, newest first, to each one's opening
        # post. The LIMIT keeps it a lookup per thread: PostgreSQL cannot tell how many opening
        # posts the whole query keeps, and would otherwise read every opening post to join them.
        opening = (
            select(Post.id, Post.created_at)
            .where(Post.thread_id == Thread.id, Post.is_opening, *visible, whole_match)
            .limit(1)
            .lateral("opening")
        )
        by_title = in_threads(
            select(
                literal("post").label("kind"),
                opening.c.id.label("id"),
                opening.c.created_at.label("moment"),
            )
            .select_from(Thread)
            .join(opening, true())
            .where(THREAD_TITLE_VECTOR.bool_op("@@")(any_word))
        )
        return [
            _Branch(
                by_body,
                Post.id,
                lambda kept: _ranked(
                    kept, func.ts_rank(POST_VECTOR, query), (Post, Post.id == kept.c.id)
                ),
            ),
            _Branch(
                by_title,
                Thread.id,
                # A title says what a thread is about: a match there counts double.
                lambda kept: _ranked(
                    kept,
                    func.ts_rank(THREAD_TITLE_VECTOR, any_word) * 2 + func.ts_rank(whole, query),
                    (Post, Post.id == kept.c.id),
                    (Thread, Thread.id == Post.thread_id),
                ),
            ),
        ]
    found = _fts_rows(matcher, schema.DOC_POST).subquery()
    query = _row("post", Post.id, Post.created_at, found.c.rank).join(
        found, found.c.doc_id == Post.id
    )
    return [_Branch(scoped(query), Post.id, _carried_rank)]


def _matches(
    matcher: _Matcher, kind: str, model: Any, vector: ColumnElement[Any], doc: int
) -> tuple[Select[Any], Callable[[Subquery], Select[Any]]]:
    """The candidates of one table of its own (action items, places) and how to rank them."""
    if matcher.dialect == "postgresql":
        query = matcher.tsquery()
        candidates = _row(kind, model.id, model.created_at).where(vector.bool_op("@@")(query))

        def rank(kept: Subquery) -> Select[Any]:
            return _ranked(kept, func.ts_rank(vector, query), (model, model.id == kept.c.id))

        return candidates, rank
    found = _fts_rows(matcher, doc).subquery()
    candidates = _row(kind, model.id, model.created_at, found.c.rank).join(
        found, found.c.doc_id == model.id
    )
    return candidates, _carried_rank


def _item_branches(
    matcher: _Matcher, search_filter: SearchFilter, region_ids: list[int]
) -> list[_Branch]:
    candidates, rank = _matches(
        matcher, "action_item", ActionItem, ACTION_ITEM_VECTOR, schema.DOC_ACTION_ITEM
    )
    candidates = candidates.where(ActionItem.region_id.in_(region_ids))
    if search_filter.region is not None:
        candidates = candidates.where(ActionItem.region_id == search_filter.region.id)
    if search_filter.status is not None:
        candidates = candidates.where(ActionItem.status == search_filter.status.value)
    if search_filter.theme is not None:
        candidates = candidates.where(
            exists().where(
                ActionItemTheme.action_item_id == ActionItem.id,
                ActionItemTheme.theme == search_filter.theme.value,
            )
        )
    return [_Branch(candidates, ActionItem.id, rank)]


def _place_branches(matcher: _Matcher, search_filter: SearchFilter) -> list[_Branch]:
    candidates, rank = _matches(matcher, "place", Place, PLACE_VECTOR, schema.DOC_PLACE)
    candidates = candidates.where(Place.status == PlaceStatus.GOEDGEKEURD.value)
    if search_filter.region is not None:
        candidates = candidates.where(Place.region_id == search_filter.region.id)
    if search_filter.theme is not None:
        kinds = [kind.value for kind in PLACE_KINDS_BY_THEME[search_filter.theme]]
        candidates = candidates.where(Place.kind.in_(kinds))
    return [_Branch(candidates, Place.id, rank)]


def search(
    *,
    query: str,
    user: Any,
    spaces: Iterable[Region],
    search_filter: SearchFilter | None = None,
    page: int = 1,
) -> SearchResults:
    """A page of what the reader may see that matches ``query``, best matches first.

    ``spaces`` are all regions and the national space; the reader's own rights decide which of
    them are searched. One query finds the page and the number of results; a page past the last
    costs two more.
    """
    search_filter = search_filter or SearchFilter()
    terms = parse_query(query)
    page = max(1, page)
    signed_in = bool(user is not None and user.is_authenticated)
    results = SearchResults(query=query, terms=terms, page=page, total=0, signed_in=signed_in)
    matcher = _Matcher(terms, db.session.get_bind().dialect.name)
    if not matcher.usable:
        return results
    region_ids = [region.id for region in spaces if can_read_region(user, region)]
    branches: list[_Branch] = []
    if search_filter.searches_posts and region_ids:
        branches += _post_branches(matcher, search_filter, region_ids)
    if search_filter.searches_items and region_ids:
        branches += _item_branches(matcher, search_filter, region_ids)
    if search_filter.searches_places:
        branches += _place_branches(matcher, search_filter)
    if not branches:
        return results
    parts = []
    for branch in branches:
        kept = branch.candidates.order_by(branch.newest.desc()).limit(CANDIDATES).subquery()
        parts.append(branch.rank(kept).add_columns(func.count().over().label("part_rows")))
    matches = union_all(*parts).subquery("matches")
    best = (
        select(
            matches.c.kind,
            matches.c.id,
            func.max(matches.c.rank).label("rank"),
            func.max(matches.c.moment).label("moment"),
            func.max(matches.c.part_rows).label("part_rows"),
        )
        .group_by(matches.c.kind, matches.c.id)
        .subquery("best")
    )

    def page_of(number: int) -> Sequence[Any]:
        return db.session.execute(
            select(
                best.c.kind,
                best.c.id,
                func.count().over().label("total"),
                func.max(best.c.part_rows).over().label("fullest"),
            )
            .order_by(best.c.rank.desc(), best.c.moment.desc(), best.c.kind, best.c.id.desc())
            .limit(RESULTS_PER_PAGE)
            .offset((number - 1) * RESULTS_PER_PAGE)
        ).all()

    rows = page_of(page)
    if not rows and page > 1:
        # Past the last page (an old link, a changed index): show the last page instead.
        total = int(db.session.scalar(select(func.count()).select_from(best)) or 0)
        if total:
            results.total = total
            page = results.pages
            rows = page_of(page)
    results.page = page
    if not rows:
        results.total = 0
        return results
    results.total = int(rows[0].total)
    results.capped = int(rows[0].fullest) >= CANDIDATES
    results.hits = _hits([(row.kind, row.id) for row in rows], matcher.highlights())
    return results


def _hits(rows: Sequence[Any], is_match: Callable[[str], bool]) -> list[SearchHit]:
    """Load the page's results with what they show (``templates/search/index.html``: no
    themes, no offers), one query per kind of result."""
    ids: dict[str, list[int]] = {"post": [], "action_item": [], "place": []}
    for kind, doc_id in rows:
        ids[kind].append(doc_id)
    loaded: dict[tuple[str, int], Any] = {}
    if ids["post"]:
        posts = db.session.scalars(
            select(Post)
            .where(Post.id.in_(ids["post"]))
            .options(joinedload(Post.author), joinedload(Post.thread).joinedload(Thread.region))
        )
        loaded.update((("post", post.id), post) for post in posts)
    if ids["action_item"]:
        items = db.session.scalars(
            select(ActionItem)
            .where(ActionItem.id.in_(ids["action_item"]))
            .options(joinedload(ActionItem.region))
        )
        loaded.update((("action_item", item.id), item) for item in items)
    if ids["place"]:
        places = db.session.scalars(
            select(Place)
            .where(Place.id.in_(ids["place"]))
            .options(joinedload(Place.region), joinedload(Place.municipality))
        )
        loaded.update((("place", place.id), place) for place in places)
    hits = []
    for kind, doc_id in rows:
        target = loaded.get((kind, doc_id))
        if target is not None:
            hits.append(
                SearchHit(kind=kind, target=target, snippet=_snippet(kind, target, is_match))
            )
    return hits


def _snippet(kind: str, target: Any, is_match: Callable[[str], bool]) -> Markup:
    if kind == "post":
        source = target.body_source
    elif kind == "action_item":
        source = target.description_source
    else:
        source = target.description or target.provider
    return highlight(plain_text(source, limit=100_000), is_match)


def search_filter_from_args(args: Any, regions: Iterable[Region]) -> SearchFilter:
    """The filter the address asks for; a value that is not one of ours is ignored."""
    by_code = {region.code: region for region in regions}

    def pick(enum: Any, value: str | None) -> Any:
        value = (value or "").replace("-", "_")
        return enum(value) if value in {member.value for member in enum} else None

    scope = args.get("in")
    return SearchFilter(
        region=by_code.get(args.get("regio", "")),
        kind=pick(ThreadKind, args.get("soort")),
        theme=pick(Theme, args.get("thema")),
        status=pick(ActionStatus, args.get("status")),
        scope=scope if scope in SCOPES else None,
    )


def rebuild_index() -> int:
    """Fill the SQLite search table anew from what is stored; PostgreSQL indexes every row by
    itself, so there nothing needs doing. Returns the number of indexed rows. Caller commits."""
    connection = db.session.connection()
    if connection.dialect.name != "sqlite":
        return 0
    for statement in schema.SQLITE_BACKFILL:
        connection.execute(text(statement))
    return int(connection.execute(text(schema.SQLITE_COUNT)).scalar() or 0)

"""The member directory and the public list: searching and paging active organisations, and the CSV export."""

import functools

import sqlalchemy as sa

from portal.db import LIKE_ESCAPE, Page, contains_pattern
from portal.extensions import db
from portal.i18n import page_language
from portal.organisations.models import Organisation, OrganisationCard, OrgStatus
from portal.provinces import province_name
from portal.web import csv_text

DIRECTORY_PAGE_SIZE = 20


SEARCH_WORDS = 8


def _search_words(words, dialect):
    """Split a search's words into words matched through SQLite's FTS5 trigram table (three characters or more: its
    migration says why) and words matched with LIKE (shorter ones, and every word on PostgreSQL, where a pg_trgm index
    serves LIKE itself)."""
    if dialect != "sqlite":
        return [], words
    return [w for w in words if len(w) >= 3], [w for w in words if len(w) < 3]


@functools.cache
def _directory_statements(indexed, likes, region, sector, listed_only, public_likes=0, english=False):
    """The count and the page statements for one shape of search, built once and reused with new values.

    Building a statement and its cache key costs more than SQLite takes to answer it; the values (the words, the
    region, the sector, the page) are bound parameters. `indexed`: whether the trigram index is searched; `likes`:
    how many words go through LIKE; `region`, `sector`: whether those filters apply; `listed_only`: the public list
    (listed organisations only); `public_likes`: how many words must also be found in what visitors see; `english`:
    by the English name (the Thai one where there is none), case aside, instead of the Thai order.
    """
    active = Organisation.status == OrgStatus.ACTIVE
    filters = [Organisation.search_text.like(sa.bindparam(f"like_{n}"), escape=LIKE_ESCAPE) for n in range(likes)]
    if indexed:
        filters.append(Organisation.id.in_(
            sa.select(sa.literal_column("rowid")).select_from(sa.table("organisation_search"))
            .where(sa.text("organisation_search MATCH :phrase"))))
    if listed_only:
        filters.append(Organisation.listed_publicly)
    # The index finds what members could find; visitors find among it only by what they see (not by expertise shown
    # to members only).
    filters += [Organisation.public_search_text.like(sa.bindparam(f"public_{n}"), escape=LIKE_ESCAPE)
                for n in range(public_likes)]
    if region:
        filters.append(Organisation.region == sa.bindparam("region"))
    if sector:
        filters.append(Organisation.sector == sa.bindparam("sector"))
    if filters:
        # `active` as a FILTER, not in the WHERE clause: SQLite then finds the rows through the filter's own index
        # (the search's matches, the region or sector index) instead of walking every active entry of the
        # (status, sort_key) index (a search at 10,000 organisations: ~0.3 ms against ~1.6 ms).
        count = sa.select(sa.func.count().filter(active)).select_from(Organisation).where(*filters)
    else:  # no filter: counted in the (status, sort_key) index alone
        count = sa.select(sa.func.count()).select_from(Organisation).where(active)
    page = (OrganisationCard.select().where(active, *filters)
            .order_by(_english_order() if english else Organisation.sort_key, Organisation.id)
            .limit(sa.bindparam("limit")).offset(sa.bindparam("offset")))
    return count, page


def _english_order():
    return sa.func.lower(sa.func.coalesce(sa.func.nullif(Organisation.name_en, ""), Organisation.sort_key))


def search(text="", region=None, sector=None, page=1, listed_only=False, language="th"):
    """One Page of active organisations matching every word of `text`, with the total: by Thai order, or in English
    (`language` "en") by the English names.

    `listed_only`: the public list, searched in what visitors see. Two queries, one when the page is empty. The page
    holds OrganisationCards, not Organisations.
    """
    words = text.lower().split()[:SEARCH_WORDS]
    indexed, likes = _search_words(words, db.session.get_bind().dialect.name)
    public = words if listed_only else []
    count, rows = _directory_statements(bool(indexed), len(likes), bool(region), bool(sector), listed_only,
                                        len(public), language == "en")
    values = {f"like_{n}": contains_pattern(word) for n, word in enumerate(likes)}
    if indexed:  # each word quoted: no FTS syntax gets through
        values["phrase"] = " ".join('"' + w.replace('"', '""') + '"' for w in indexed)
    values.update({f"public_{n}": contains_pattern(word) for n, word in enumerate(public)})
    if region:
        values["region"] = region
    if sector:
        values["sector"] = sector
    # Plain rows, not ORM objects: run on the session's connection, skipping the ORM's per-statement work.
    connection = db.session.connection()
    total = connection.execute(count, values).scalar()
    if total <= (page - 1) * DIRECTORY_PAGE_SIZE:
        return _page([], page, total)  # an empty page: with no match, the query below would walk the whole index
    values.update(limit=DIRECTORY_PAGE_SIZE, offset=(page - 1) * DIRECTORY_PAGE_SIZE)
    return _page([OrganisationCard._make(row) for row in connection.execute(rows, values)], page, total)


def _page(cards, number, total):
    return Page(cards, number, has_next=number * DIRECTORY_PAGE_SIZE < total, total=total, size=DIRECTORY_PAGE_SIZE)


def export_csv(headers):
    """Every active organisation as CSV, by Thai order: UTF-8 with a byte-order mark so that Excel shows Thai, no
    cell a formula. `headers`: the column names, in the reader's language."""
    language = page_language()
    organisations = db.session.scalars(sa.select(Organisation).where(Organisation.status == OrgStatus.ACTIVE)
                                       .order_by(Organisation.sort_key, Organisation.id))
    return csv_text([headers, *([
        o.name_th, o.name_en, o.sector.label, o.region.label, province_name(o.province, language), o.website,
        o.public_email, o.phone, ", ".join(o.expertise or [])] for o in organisations)], bom=True)

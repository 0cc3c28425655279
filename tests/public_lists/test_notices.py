"""Reward and auction notices: filtered by court, kind and date, newest first, withdrawn ones hidden."""

from __future__ import annotations

from datetime import date

import pytest

from bot.courts.directory import CourtDirectory
from bot.public_lists.notices import PAGE_SIZE, NoticeFilter, parse_filter, search_notices
from bot.public_lists.search import QueryError
from bot.storage.db import Database
from tests.conftest import REPO
from tests.public_lists.factories import notice, put_notice

TODAY = date(2025, 6, 1)


@pytest.fixture(scope="module")
def courts() -> CourtDirectory:
    return CourtDirectory.load(REPO / "data" / "courts.yaml")


@pytest.fixture
def stored(db: Database) -> Database:
    put_notice(db, "PM-1", notice(published_on="2025-03-01"))
    put_notice(
        db,
        "XS-1",
        notice(kind="reward", title="关于悬赏查找被执行人财产线索的公告", published_on="2025-04-01"),
    )
    put_notice(
        db,
        "PM-2",
        notice(
            court_code="浙0102", court_name="杭州市上城区人民法院", case_no=None, published_on="2025-05-01"
        ),
    )
    put_notice(db, "PM-3", notice(published_on="2025-05-20", withdrawn_on="2025-05-25"))
    put_notice(db, "PM-4", notice(published_on="2025-06-02"))  # not yet published on TODAY
    return db


def ids(db: Database, notice_filter: NoticeFilter, courts: CourtDirectory | None = None) -> list[str]:
    with db.transaction() as session:
        page = search_notices(session, notice_filter, TODAY, courts)
    return [item.notice_id for item in page.notices]


def test_everything_published_newest_first_without_withdrawn(stored: Database) -> None:
    assert ids(stored, NoticeFilter()) == ["PM-2", "XS-1", "PM-1"]


def test_by_court_as_people_name_it(stored: Database, courts: CourtDirectory) -> None:
    assert ids(stored, parse_filter(court="西湖区法院"), courts) == ["XS-1", "PM-1"]
    assert ids(stored, parse_filter(court="上城"), courts) == ["PM-2"]
    # Without the directory the words are looked for in the court's name.
    assert ids(stored, parse_filter(court="上城区"), None) == ["PM-2"]
    assert ids(stored, parse_filter(court="100%_"), None) == []


def test_by_kind_and_dates(stored: Database) -> None:
    assert ids(stored, parse_filter(kind="reward")) == ["XS-1"]
    assert ids(stored, parse_filter(since="2025-03-15", until="2025-04-30")) == ["XS-1"]
    assert ids(stored, parse_filter(until="2025-03-01")) == ["PM-1"]


def test_pages(db: Database) -> None:
    for number in range(PAGE_SIZE + 3):
        put_notice(db, f"PM-{number:03d}", notice(published_on=f"2025-0{1 + number % 5}-1{number % 9}"))
    with db.transaction() as session:
        first = search_notices(session, parse_filter(), TODAY)
        second = search_notices(session, parse_filter(page="2"), TODAY)
    assert len(first.notices) == PAGE_SIZE and first.has_more
    assert len(second.notices) == 3 and not second.has_more
    assert not {n.notice_id for n in first.notices} & {n.notice_id for n in second.notices}


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"since": "2025-13-01"}, "from"),
        ({"since": "2025-05-01", "until": "2025-04-01"}, "to"),
        ({"kind": "sale"}, "kind"),
        ({"page": "two"}, "page"),
        ({"court": "法" * 41}, "court"),
    ],
)
def test_bad_filters_name_the_field(values: dict[str, str], field: str) -> None:
    with pytest.raises(QueryError) as caught:
        parse_filter(**values)
    assert caught.value.field == field

"""Searching the lists on SQLite and PostgreSQL: who is found by what, what is shown, what stays hidden."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import func, select

from bot.public_lists.limits import QueryLimits, Requester
from bot.public_lists.service import LookupResult, lookup
from bot.storage.db import Database
from bot.storage.models import ListEntry
from tests.public_lists.factories import (
    COMPANY_CODE,
    COMPANY_NAME,
    OTHER_ID,
    PERSON_ID,
    PERSON_NAME,
    company_entry,
    person_entry,
    put,
)

NOW = datetime(2025, 6, 1, 2, 0, tzinfo=UTC)
GENEROUS = QueryLimits(per_user=10_000, per_address=10_000)


def ask(db: Database, name: str | None, code: str | None, now: datetime = NOW) -> LookupResult:
    with db.transaction() as session:
        return lookup(session, GENEROUS, Requester(user="console:t"), name, code, now)


def test_a_person_is_found_by_name_and_id_on_every_list_they_are_on(db: Database) -> None:
    put(db, "dishonest", "SX-1", person_entry())
    put(db, "consumption_ban", "XG-1", person_entry(published_on="2023-06-05"))
    put(
        db,
        "unfinished",
        "BZX-1",
        person_entry(case_no="(2024)浙0102执77号", court_name="杭州市上城区人民法院"),
    )
    result = ask(db, PERSON_NAME, PERSON_ID)
    assert result.status == "found"
    [subject] = result.subjects
    assert subject.shown_code == PERSON_ID[:6] + "********" + PERSON_ID[-4:]
    kinds = [kind for kind, _ in subject.by_kind()]
    assert kinds == ["unfinished", "dishonest", "consumption_ban"]  # the order of §3.5
    cases = {(entry.case_no, entry.court_name) for entry in subject.entries}
    assert cases == {
        ("(2023)浙0106执1234号", "杭州市西湖区人民法院"),
        ("(2024)浙0102执77号", "杭州市上城区人民法院"),
    }
    dishonest = next(entries for kind, entries in subject.by_kind() if kind == "dishonest")
    assert dishonest[0].conduct == "有履行能力而拒不履行生效法律文书确定义务"


def test_a_person_is_not_found_with_someone_elses_name_or_id(db: Database) -> None:
    put(db, "dishonest", "SX-1", person_entry())
    assert ask(db, "林晓锋", PERSON_ID).status == "not_found"
    assert ask(db, PERSON_NAME, OTHER_ID).status == "not_found"


def test_a_person_name_alone_finds_nothing_and_asks_for_the_id(db: Database) -> None:
    put(db, "dishonest", "SX-1", person_entry())
    result = ask(db, PERSON_NAME, None)
    assert result.status == "needs_id"
    assert result.subjects == ()


def test_an_id_alone_is_refused_asking_for_the_name(db: Database) -> None:
    put(db, "dishonest", "SX-1", person_entry())
    result = ask(db, "", PERSON_ID)
    assert result.status == "invalid"
    assert result.error is not None and result.error.field == "name"


def test_a_long_person_like_name_never_reaches_person_entries(db: Database) -> None:
    # Names that do not look like a person's are searched among organisations only.
    put(db, "dishonest", "SX-1", person_entry(name="阿依古丽·买买提江"))
    assert ask(db, "阿依古丽·买买提江", None).status in {"needs_id", "not_found"}
    put(db, "dishonest", "SX-2", person_entry(name="John Smith", id_number=OTHER_ID))
    result = ask(db, "John Smith", None)
    assert result.status == "not_found"
    assert result.subjects == ()


def test_an_organisation_is_found_by_full_name_and_by_credit_code(db: Database) -> None:
    put(db, "bidding_ban", "ZB-1", company_entry())
    put(db, "consumption_ban", "XG-2", company_entry())
    by_name = ask(db, "杭州恒盛贸易有限公司 ", None)
    by_code = ask(db, None, COMPANY_CODE.lower())
    for result in (by_name, by_code):
        assert result.status == "found"
        [subject] = result.subjects
        assert subject.shown_code == COMPANY_CODE  # organisations' codes are public
        assert subject.legal_representative == "周建国"
        assert [kind for kind, _ in subject.by_kind()] == ["bidding_ban", "consumption_ban"]
    assert ask(db, "恒盛贸易公司", None).status == "not_found"  # a full name, not a fragment


def test_removed_entries_disappear_at_once_but_stay_in_the_table(db: Database) -> None:
    put(db, "dishonest", "SX-1", person_entry())
    put(db, "consumption_ban", "XG-1", person_entry())
    put(db, "dishonest", "SX-1", person_entry(removed_on="2025-05-31", removal_reason="被执行人已全部履行"))
    result = ask(db, PERSON_NAME, PERSON_ID)
    [subject] = result.subjects
    assert [kind for kind, _ in subject.by_kind()] == ["consumption_ban"]
    put(db, "consumption_ban", "XG-1", person_entry(removed_on="2025-05-31"))
    assert ask(db, PERSON_NAME, PERSON_ID).status == "not_found"
    with db.transaction() as session:
        kept = session.scalars(select(ListEntry).where(ListEntry.entry_id == "SX-1")).one()
        assert kept.removed_on == date(2025, 5, 31)
        assert kept.removal_reason == "被执行人已全部履行"
        assert session.scalar(select(func.count()).select_from(ListEntry)) == 2


def test_an_entry_shows_from_its_publication_day_in_shanghai(db: Database) -> None:
    put(db, "dishonest", "SX-1", person_entry(published_on="2025-06-01"))
    before = datetime(2025, 5, 31, 15, 59, tzinfo=UTC)  # 23:59 in Shanghai
    after = datetime(2025, 5, 31, 16, 0, tzinfo=UTC)  # midnight in Shanghai
    assert ask(db, PERSON_NAME, PERSON_ID, now=before).status == "not_found"
    assert ask(db, PERSON_NAME, PERSON_ID, now=after).status == "found"


def test_traditional_characters_and_full_width_brackets_still_match(db: Database) -> None:
    put(db, "unfinished", "BZX-9", company_entry(name="杭州恒盛贸易（集团）有限公司"))
    assert ask(db, "杭州恆盛貿易(集團)有限公司", None).status == "found"


def test_the_same_company_name_with_two_codes_is_two_subjects(db: Database) -> None:
    put(db, "unfinished", "BZX-1", company_entry())
    put(db, "unfinished", "BZX-2", company_entry(id_number=None, legal_representative=None))
    result = ask(db, COMPANY_NAME, None)
    assert len(result.subjects) == 2
    assert {subject.shown_code for subject in result.subjects} == {COMPANY_CODE, None}

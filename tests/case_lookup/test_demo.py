"""The demo data set: big and varied enough to show every feature, consistent, repeatable and idempotent."""

from __future__ import annotations

import re
from collections import Counter
from datetime import UTC, datetime

from sqlalchemy import func, select

from bot.case_lookup.demo import DemoSet, ensure_demo, format_demo, plan_demo, seed_demo
from bot.case_lookup.passwords import verify_password
from bot.case_lookup.progress import local_date
from bot.case_lookup.verification import Verified, verify
from bot.config import Settings
from bot.core.context import Services
from bot.hotline import Hotline
from bot.identity.id_number import check_id_number
from bot.identity.phone import normalize_mobile
from bot.identity.uscc import check_uscc
from bot.storage.db import Database
from bot.storage.models import Case, CaseEvent, Party, StaffAccount, StaffAssignment, StaffMember

CASE_TYPES = {"执", "执恢", "执异", "执复", "执保", "执监"}


def counts(db: Database) -> dict[str, int]:
    models = {"cases": Case, "events": CaseEvent, "parties": Party, "staff": StaffMember}
    models |= {"assignments": StaffAssignment, "accounts": StaffAccount}
    with db.transaction() as session:
        return {
            name: int(session.scalar(select(func.count()).select_from(model)) or 0)
            for name, model in models.items()
        }


def test_demo_set_covers_everything_consistently(
    db: Database, settings: Settings, services: Services
) -> None:
    catalogue = services.catalogue
    assert catalogue is not None
    demo = seed_demo(db, settings, catalogue, services.courts)
    assert demo.inserted == len(demo.cases) >= 60
    with db.transaction() as session:
        cases = session.scalars(select(Case)).all()
        events = session.scalars(select(CaseEvent)).all()
        assert len({case.court_code for case in cases}) >= 6
        assert {case.case_type for case in cases} >= CASE_TYPES
        assert {event.category for event in events} == {category.code for category in catalogue.categories}
        assert {event.kind for event in events} == set(catalogue.kinds)
        assert {case.closing_type for case in cases if case.status == "closed"} == set(
            catalogue.closing_types
        )
        assert {case.status for case in cases} == set(catalogue.statuses)
        by_case: dict[int, list[CaseEvent]] = {}
        for event in events:
            by_case.setdefault(event.case_id, []).append(event)
        for case in cases:
            if services.courts is not None:
                court = services.courts.by_code(case.court_code)
                assert court is not None and court.name == case.court_name
            days = [local_date(event.occurred_at) for event in by_case[case.id]]
            assert min(days) >= case.filed_on
            assert case.case_no.startswith(f"({case.filed_on.year})")
            if case.status == "closed":
                assert case.closed_on is not None and case.closed_on >= max(days)
            assert (case.amount is None) == (case.case_type in {"执异", "执复", "执监"})
            assert case.password_hash and case.password_hash.startswith("$argon2id$")
            for party in case.parties:
                assert party.id_number
                check = check_uscc if party.kind == "organisation" else check_id_number
                assert check(party.id_number) == party.id_number
                if party.phone:
                    assert normalize_mobile(party.phone) == party.phone
            presiding = [a for a in case.assignments if a.role == "presiding" and a.ended_on is None]
            assert len(presiding) == 1
            assert re.fullmatch(r"05\d{2}-8\d{7}", presiding[0].staff.office_phone or "")
            if case.case_type in {"执异", "执复", "执监"}:
                assert sum(a.role == "panel" for a in case.assignments) == 2
        accounts = session.scalars(select(StaffAccount)).all()
        roles = Counter(account.role for account in accounts)
        assert roles["operator"] >= 1 and roles["judge"] == 2 and roles["admin"] == 1
        assert all(account.staff_member_id for account in accounts if account.role == "judge")
        passwords = {item.login: item.password for item in demo.staff}
        assert all(verify_password(a.password_hash, passwords[a.login], settings) for a in accounts)


def test_demo_passwords_open_their_cases(db: Database, settings: Settings, services: Services) -> None:
    assert services.catalogue is not None
    demo = seed_demo(db, settings, services.catalogue, services.courts)
    now = datetime(2025, 6, 2, tzinfo=UTC)
    with db.transaction() as session:
        for n, item in enumerate(demo.cases[:: len(demo.cases) // 5]):
            result = verify(session, item.case_no, item.password, f"console:demo{n}", now, settings)
            assert isinstance(result, Verified) and result.case_no == item.case_no


def test_seeding_twice_changes_nothing(db: Database, settings: Settings, services: Services) -> None:
    assert services.catalogue is not None
    first = seed_demo(db, settings, services.catalogue, services.courts)
    before = counts(db)
    second = seed_demo(db, settings, services.catalogue, services.courts)
    assert counts(db) == before
    assert second.inserted == 0
    assert second.cases == first.cases and second.staff == first.staff


def test_the_plan_is_deterministic(services: Services) -> None:
    assert services.catalogue is not None
    one = plan_demo(services.catalogue, services.courts)
    two = plan_demo(services.catalogue, services.courts)
    assert [(p.case_no, p.payload, p.events) for p in one] == [(p.case_no, p.payload, p.events) for p in two]
    assert len({p.case_no for p in one}) == len(one)
    assert len({e["event_id"] for p in one for e in p.events}) == sum(len(p.events) for p in one)


def test_json_and_table_list_every_case_and_login(
    db: Database, settings: Settings, services: Services
) -> None:
    assert services.catalogue is not None
    demo = seed_demo(db, settings, services.catalogue, services.courts)
    data = demo.as_json()
    assert set(data) == {"cases", "staff"}
    assert len(data["cases"]) == len(demo.cases)
    assert all({"case_no", "password", "court", "case_type", "status"} <= set(item) for item in data["cases"])
    assert all(set(item) == {"login", "password", "role", "name"} for item in data["staff"])
    table = format_demo(demo, services.catalogue)
    assert all(item.case_no in table and item.password in table for item in demo.cases)
    assert all(item.login in table for item in demo.staff)
    assert "终结本次执行程序" in table


def test_ensure_demo_seeds_only_an_empty_database(hotline: Hotline) -> None:
    first = ensure_demo(hotline)
    assert isinstance(first, DemoSet) and first.inserted >= 60
    assert ensure_demo(hotline) is None

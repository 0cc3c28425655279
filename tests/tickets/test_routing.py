"""Who a judge-contact request goes to: the 承办人, the panel of an 执异/执复 case, never a judge who left."""

from __future__ import annotations

from sqlalchemy import select

from bot.config import Settings
from bot.core.context import Services
from bot.storage.db import Database
from bot.storage.models import Case
from bot.tickets.routing import case_staff, find_case
from tests.case_lookup.test_progress import add_case

PANEL_STAFF = [
    {"staff_no": "P-1", "name": "陈审", "title": "审判员", "office_phone": "0571-87000001"}
    | {"role": "presiding", "assigned_on": "2024-05-01"},
    {"staff_no": "P-2", "name": "林合", "title": "审判员", "role": "panel", "assigned_on": "2024-05-01"},
    {"staff_no": "P-3", "name": "何合", "title": "人民陪审员", "role": "panel", "assigned_on": "2024-05-01"},
    {"staff_no": "P-4", "name": "周书", "title": "书记员", "role": "clerk", "assigned_on": "2024-05-01"},
]


def test_an_enforcement_case_goes_to_its_presiding_judge(
    db: Database, settings: Settings, services: Services
) -> None:
    assert services.catalogue is not None
    add_case(db, settings, services.catalogue, "(2024)浙0102执1234号")
    with db.transaction() as session:
        case = find_case(session, "(2024)浙0102执1234号")
        assert case is not None
        staff = case_staff(case)
        assert staff.handler is not None and staff.handler.staff.name == "王明"
        assert staff.panel == ()
        assert find_case(session, "(2024)浙0102执9999号") is None


def test_an_objection_case_goes_to_the_panel_without_the_clerk(
    db: Database, settings: Settings, services: Services
) -> None:
    assert services.catalogue is not None
    add_case(db, settings, services.catalogue, "(2024)浙0102执异5号", staff=PANEL_STAFF)
    with db.transaction() as session:
        case = session.scalars(select(Case)).one()
        staff = case_staff(case)
        assert [item.staff.name for item in staff.panel] == ["陈审", "林合", "何合"]
        assert staff.handler is not None and staff.handler.staff.name == "陈审"


def test_a_judge_who_left_the_case_is_not_contacted(
    db: Database, settings: Settings, services: Services
) -> None:
    assert services.catalogue is not None
    staff = [
        {
            "staff_no": "T-1",
            "name": "王明",
            "role": "presiding",
            "assigned_on": "2024-03-06",
            "ended_on": "2024-06-01",
        },
        {
            "staff_no": "T-2",
            "name": "赵新",
            "role": "presiding",
            "assigned_on": "2024-06-01",
            "office_phone": "0571-87009999",
        },
    ]
    add_case(db, settings, services.catalogue, "(2024)浙0102执77号", staff=staff)
    with db.transaction() as session:
        case = session.scalars(select(Case)).one()
        handler = case_staff(case).handler
        assert handler is not None and handler.staff.name == "赵新"

"""Case upserts and idempotent events at the function level, payload validation, and password hashing."""

from __future__ import annotations

import copy
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError
from sqlalchemy import func, select

from bot.case_lookup.catalogue import Catalogue
from bot.case_lookup.ingest import IngestError, UnknownCase, add_event, error_list, upsert_case
from bot.case_lookup.passwords import dummy_verify, hash_password, needs_rehash, verify_password
from bot.case_lookup.payloads import CasePayload, EventPayload, check_phone
from bot.config import Settings
from bot.courts.directory import CourtDirectory
from bot.identity.id_number import id_check_digit
from bot.storage.db import Database
from bot.storage.models import Case, CaseEvent, Party, StaffAssignment, StaffMember
from bot.web.openapi import CASE_EXAMPLE, EVENT_EXAMPLE
from tests.conftest import REPO

CASE_NO = "(2024)浙0102执1234号"


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return Catalogue.load(REPO / "data" / "case_events.yaml")


def case_payload(catalogue: Catalogue | None = None, **changes: Any) -> CasePayload:
    body = copy.deepcopy(CASE_EXAMPLE)
    body.update(changes)
    return CasePayload.model_validate(body, context={"catalogue": catalogue})


def event_payload(**changes: Any) -> EventPayload:
    return EventPayload.model_validate({**EVENT_EXAMPLE, **changes})


def test_upsert_inserts_then_updates(db: Database, settings: Settings) -> None:
    with db.transaction() as session:
        assert upsert_case(session, "（2024）浙0102执1234", case_payload(), settings) == "inserted"
    with db.transaction() as session:
        assert (
            upsert_case(session, CASE_NO, case_payload(amount="99.5", cause="买卖合同纠纷"), settings)
            == "updated"
        )
    with db.transaction() as session:
        case = session.scalars(select(Case)).one()
        assert (case.case_no, case.court_code, case.case_type) == (CASE_NO, "浙0102", "执")
        assert case.amount == Decimal("99.50") and case.cause == "买卖合同纠纷"
        assert [party.name for party in case.parties] == ["张三", "杭州某某贸易有限公司"]


def test_staff_member_is_shared_by_staff_no_and_kept_current(db: Database, settings: Settings) -> None:
    judge = dict(CASE_EXAMPLE["staff"][0])
    with db.transaction() as session:
        upsert_case(session, CASE_NO, case_payload(), settings)
        moved = {**judge, "office_phone": "0571-88889999"}
        upsert_case(session, "(2024)浙0102执1235号", case_payload(staff=[moved]), settings)
    with db.transaction() as session:
        members = session.scalars(select(StaffMember)).all()
        assert [(member.staff_no, member.office_phone) for member in members] == [
            ("SC0102-031", "0571-88889999")
        ]
        assert session.scalar(select(func.count()).select_from(StaffAssignment)) == 2


def test_parties_and_assignments_are_replaced_not_added(db: Database, settings: Settings) -> None:
    with db.transaction() as session:
        upsert_case(session, CASE_NO, case_payload(), settings)
    with db.transaction() as session:
        upsert_case(session, CASE_NO, case_payload(parties=[], staff=[]), settings)
    with db.transaction() as session:
        assert session.scalar(select(func.count()).select_from(Party)) == 0
        assert session.scalar(select(func.count()).select_from(StaffAssignment)) == 0
        assert session.scalar(select(func.count()).select_from(StaffMember)) == 1


def test_password_is_stored_only_as_argon2id(db: Database, settings: Settings) -> None:
    plain = CASE_EXAMPLE["password"]
    with db.transaction() as session:
        upsert_case(session, CASE_NO, case_payload(), settings)
    without = copy.deepcopy(CASE_EXAMPLE)
    del without["password"]
    with db.transaction() as session:
        upsert_case(session, CASE_NO, CasePayload.model_validate(without), settings)
    with db.transaction() as session:
        case = session.scalars(select(Case)).one()
        row = [str(getattr(case, column.key)) for column in Case.__table__.columns]
    assert case.password_hash is not None and case.password_hash.startswith("$argon2id$")
    assert verify_password(case.password_hash, plain, settings)
    assert not any(plain in value for value in row)


def test_contradictions_with_the_case_number(db: Database, settings: Settings) -> None:
    attempts: list[tuple[str, dict[str, Any], str]] = [
        (CASE_NO, {"case_type": "执异"}, "case_type"),
        (CASE_NO, {"court_code": "浙0106"}, "court_code"),
        ("(2024)浙0102民初12号", {}, "case_no"),
        ("2024浙0102执", {}, "case_no"),
    ]
    for case_no, changes, path in attempts:
        with pytest.raises(IngestError) as caught, db.transaction() as session:
            upsert_case(session, case_no, case_payload(**changes), settings)
        assert caught.value.path == path and caught.value.reason
    with db.transaction() as session:
        assert session.scalar(select(func.count()).select_from(Case)) == 0


def test_court_name_comes_from_the_directory_when_absent(db: Database, settings: Settings) -> None:
    courts = CourtDirectory.load(REPO / "data" / "courts.yaml")
    with db.transaction() as session:
        upsert_case(session, CASE_NO, case_payload(court_name=None), settings, courts=courts)
        case = session.scalars(select(Case)).one()
        assert case.court_name.endswith("人民法院")
    with pytest.raises(IngestError) as caught, db.transaction() as session:
        upsert_case(session, "(2024)浙9999执1号", case_payload(court_name=None), settings)
    assert caught.value.path == "court_name"


def test_work_is_undone_with_the_callers_transaction(db: Database, settings: Settings) -> None:
    with pytest.raises(RuntimeError), db.transaction() as session:
        upsert_case(session, CASE_NO, case_payload(), settings)
        raise RuntimeError("the caller fails after the upsert")
    with db.transaction() as session:
        assert session.scalar(select(func.count()).select_from(Case)) == 0


def test_event_is_idempotent_and_categorised(db: Database, settings: Settings, catalogue: Catalogue) -> None:
    with db.transaction() as session:
        upsert_case(session, CASE_NO, case_payload(), settings)
        assert add_event(session, CASE_NO, event_payload(), catalogue) == "inserted"
        assert add_event(session, CASE_NO, event_payload(summary="重放"), catalogue) == "duplicate"
    with db.transaction() as session:
        assert add_event(session, "〔2024〕浙0102执1234号", event_payload(), catalogue) == "duplicate"
        event = session.scalars(select(CaseEvent)).one()
    assert (event.category, event.kind, event.external_id) == ("measure", "property_frozen", "EV-2024-000123")
    assert event.details == {"amount": "50000.00", "measure": "冻结", "item": "银行存款"}


def test_naive_time_is_shanghai_and_stored_as_utc(
    db: Database, settings: Settings, catalogue: Catalogue
) -> None:
    with db.transaction() as session:
        upsert_case(session, CASE_NO, case_payload(), settings)
        add_event(session, CASE_NO, event_payload(occurred_at="2024-03-05T08:00:00"), catalogue)
    with db.transaction() as session:
        stored = session.scalars(select(CaseEvent.occurred_at)).one()
    aware = stored.replace(tzinfo=UTC) if stored.tzinfo is None else stored
    assert aware == datetime(2024, 3, 5, 0, 0, tzinfo=UTC)


def test_event_errors(db: Database, settings: Settings, catalogue: Catalogue) -> None:
    with pytest.raises(UnknownCase), db.transaction() as session:
        add_event(session, CASE_NO, event_payload(), catalogue)
    with db.transaction() as session:
        upsert_case(session, CASE_NO, case_payload(), settings)
    with pytest.raises(IngestError) as caught, db.transaction() as session:
        add_event(session, CASE_NO, event_payload(kind="no_such_kind"), catalogue)
    assert caught.value.path == "kind"
    with pytest.raises(ValidationError):
        EventPayload.model_validate(
            {**EVENT_EXAMPLE, "kind": "no_such_kind"}, context={"catalogue": catalogue}
        )


def _paths(body: dict[str, Any], catalogue: Catalogue | None = None) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        CasePayload.model_validate(body, context={"catalogue": catalogue})
    return [error["path"] for error in error_list(caught.value)]


def test_validation_paths(catalogue: Catalogue) -> None:
    base = copy.deepcopy(CASE_EXAMPLE)
    assert _paths({**base, "status": "closed"}) == ["closing_type"]
    assert _paths({**base, "closing_type": "withdrawn"}) == ["closing_type"]
    assert _paths({**base, "status": "closed", "closing_type": "vanished"}, catalogue) == ["closing_type"]
    assert _paths({**base, "closed_on": "2024-05-01"}) == ["closed_on"]
    closed_early = {**base, "status": "closed", "closing_type": "withdrawn", "closed_on": "2024-01-01"}
    assert _paths(closed_early) == ["closed_on"]
    assert _paths({**base, "password": "12345"}) == ["password"]
    assert _paths({**base, "amount": "1.005"}) == ["amount"]
    assert _paths({**base, "filed_on": "2999-01-01"}) == ["filed_on"]
    staff = [{**base["staff"][0], "ended_on": "2024-01-01"}]
    assert _paths({**base, "staff": staff}) == ["staff.0.ended_on"]
    organisation = [
        {"role": "respondent", "kind": "organisation", "name": "某公司", "id_number": "91330102MA2H12349A"}
    ]
    assert _paths({**base, "parties": organisation}) == ["parties.0.id_number"]
    assert _paths({**base, "unknown": 1}) == ["unknown"]


def test_closed_case_with_a_catalogue_closing_type_is_accepted(catalogue: Catalogue) -> None:
    payload = case_payload(
        catalogue, status="closed", closing_type="closed_voluntary", closed_on="2024-06-01"
    )
    assert payload.closed_on == date(2024, 6, 1)


def test_payload_repr_hides_personal_data() -> None:
    payload = case_payload()
    assert "330102199001011234" not in repr(payload)
    assert CASE_EXAMPLE["password"] not in repr(payload)


@given(
    region=st.sampled_from(["110101", "330102", "330106", "440305"]),
    born=st.dates(min_value=date(1930, 1, 1), max_value=date(2005, 12, 31)),
    serial=st.integers(min_value=0, max_value=999),
    wrong=st.sampled_from("0123456789X"),
)
def test_person_id_needs_its_check_digit(region: str, born: date, serial: int, wrong: str) -> None:
    first17 = f"{region}{born:%Y%m%d}{serial:03d}"
    right = id_check_digit(first17)
    party = {"role": "applicant", "kind": "person", "name": "张三"}
    accepted = case_payload(parties=[{**party, "id_number": first17 + right.lower()}])
    assert accepted.parties[0].id_number == first17 + right
    if wrong != right:
        assert _paths({**CASE_EXAMPLE, "parties": [{**party, "id_number": first17 + wrong}]}) == [
            "parties.0.id_number"
        ]


@given(st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True), st.sampled_from(["{}", "+86 {}", "86-{}", "{} "]))
def test_mobile_numbers_normalise(number: str, shape: str) -> None:
    assert check_phone(shape.format(number)) == number


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0571-88881234", "0571-88881234"),
        ("(0571)88881234", "0571-88881234"),
        ("010 6512 3456", "010-65123456"),
        ("0571-88881234转806", "0571-88881234-806"),
    ],
)
def test_landlines_normalise(text: str, expected: str) -> None:
    assert check_phone(text) == expected


@pytest.mark.parametrize("text", ["12345678901", "571-88881234", "0571-0888123", "138001380001", "电话"])
def test_bad_phones_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        check_phone(text)


def test_details_become_plain_json() -> None:
    event = event_payload(details={"amount": Decimal("12.50"), "on": date(2024, 3, 1), "items": ["车辆"]})
    assert event.details == {"amount": "12.50", "on": "2024-03-01", "items": ["车辆"]}
    for bad in [
        {"x": float("nan")},
        {"x": "a\u0000b"},
        {"x": {"y": {"z": {"w": {"v": {"u": 1}}}}}},
        {"x": object()},
    ]:
        with pytest.raises(ValidationError):
            event_payload(details=bad)


def test_passwords(settings: Settings) -> None:
    stored = hash_password("k7Q2m9", settings)
    assert stored.startswith("$argon2id$") and "k7Q2m9" not in stored
    assert verify_password(stored, "k7Q2m9", settings)
    assert not verify_password(stored, "k7Q2m8", settings)
    assert not verify_password("not-a-hash", "k7Q2m9", settings)
    assert not dummy_verify("k7Q2m9", settings)
    assert not needs_rehash(stored, settings)
    stronger = settings.model_copy(update={"argon2_time_cost": settings.argon2_time_cost + 1})
    assert needs_rehash(stored, stronger)

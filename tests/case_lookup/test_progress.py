"""The progress a verified party reads: the summary, category pages within 600 characters, masking, views."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from sqlalchemy import select

from bot.case_lookup import progress
from bot.case_lookup.catalogue import Catalogue
from bot.case_lookup.ingest import add_event, upsert_case
from bot.case_lookup.payloads import CasePayload, EventPayload
from bot.config import Settings
from bot.core.context import Services
from bot.identity.id_number import id_check_digit
from bot.identity.uscc import org_code_check_char, uscc_check_char
from bot.storage.db import Database, open_database
from bot.storage.models import Case, CaseView
from tests.conftest import make_settings

NOW = datetime(2025, 6, 2, 6, 0, tzinfo=UTC)


def person_id(body17: str) -> str:
    return body17 + id_check_digit(body17)


def credit_code(org8: str, region: str = "330102") -> str:
    body = f"91{region}{org8}{org_code_check_char(org8)}"
    return body + uscc_check_char(body)


APPLICANT_ID = person_id("33010219800101123")
RESPONDENT_ID = person_id("33010619850505567")
RESPONDENT_PHONE = "13912345678"
APPLICANT_PHONE = "13855556666"
COMPANY_CODE = credit_code("12345678")
JUDGE_PHONE = "0571-87001234"

# Events in every category; the respondent's ID number and phone appear raw, as a court summary may have them.
ALL_CATEGORY_EVENTS: list[tuple[str, str, str]] = [
    ("case_filed", "2024-03-05T09:00:00+08:00", "本院立案执行，执行标的1,234,567.80元。"),
    ("judge_assigned", "2024-03-06T10:00:00+08:00", "确定王明为本案承办人。"),
    ("party_changed", "2024-03-20T10:00:00+08:00", "裁定追加被执行人。"),
    (
        "report_order",
        "2024-04-01T10:00:00+08:00",
        f"向被执行人李四（身份证号{RESPONDENT_ID}，电话{RESPONDENT_PHONE}）送达报告财产令。",
    ),
    ("property_frozen", "2024-04-10T10:00:00+08:00", "冻结被执行人银行存款50,000.00元。"),
    ("valuation", "2024-05-10T10:00:00+08:00", "询价确定房产处置参考价1,000,000.00元。"),
    ("ruling_issued", "2024-06-10T10:00:00+08:00", "作出执行裁定，确认拍卖成交。"),
    ("money_received", "2024-07-01T10:00:00+08:00", "收到执行款50,000.00元。"),
    ("suspended", "2024-08-01T10:00:00+08:00", "因案外人提出异议，中止执行。"),
]


def case_payload(catalogue: Catalogue, **overrides: Any) -> CasePayload:
    data: dict[str, Any] = {
        "court_name": "杭州市上城区人民法院",
        "filed_on": "2024-03-05",
        "amount": "1234567.80",
        "cause": "民间借贷纠纷",
        "basis_document": "(2023)浙0102民初456号民事判决书",
        "password": "demo-pass-1",
        "parties": [
            {"role": "applicant", "kind": "person", "name": "张三", "id_number": APPLICANT_ID}
            | {"phone": APPLICANT_PHONE},
            {"role": "respondent", "kind": "person", "name": "李四", "id_number": RESPONDENT_ID}
            | {"phone": RESPONDENT_PHONE},
            {"role": "respondent", "kind": "organisation", "name": "杭州某某贸易有限公司"}
            | {"id_number": COMPANY_CODE},
        ],
        "staff": [
            {"staff_no": "T-1", "name": "王明", "title": "审判员", "office_phone": JUDGE_PHONE}
            | {"role": "presiding", "assigned_on": "2024-03-06"},
            {
                "staff_no": "T-9",
                "name": "周书",
                "title": "书记员",
                "role": "clerk",
                "assigned_on": "2024-03-06",
            },
        ],
    }
    data.update(overrides)
    return CasePayload.model_validate(data, context={"catalogue": catalogue})


def add_case(
    db: Database,
    settings: Settings,
    catalogue: Catalogue,
    case_no: str,
    events: Sequence[tuple[str, str, str]] = (),
    **overrides: Any,
) -> None:
    """A case (and its events) written through the same ingest path the management system uses."""
    with db.transaction() as session:
        upsert_case(session, case_no, case_payload(catalogue, **overrides), settings, catalogue=catalogue)
        session.flush()
        for number, (kind, when, summary) in enumerate(events):
            event = {"event_id": f"{case_no}#{number}", "kind": kind, "occurred_at": when, "summary": summary}
            payload = EventPayload.model_validate(event)
            add_event(session, case_no, payload, catalogue)


def load(db: Database, case_no: str) -> tuple[Any, Case]:
    session = db.sessions()
    case = session.scalars(select(Case).where(Case.case_no == case_no)).one()
    return session, case


def test_summary_names_the_case_court_date_amount_judge_and_status(
    db: Database, settings: Settings, services: Services
) -> None:
    assert services.catalogue is not None
    add_case(db, settings, services.catalogue, "(2024)浙0102执1234号", ALL_CATEGORY_EVENTS)
    session, case = load(db, "(2024)浙0102执1234号")
    with session:
        text = progress.summary(session, case, services.catalogue, NOW, texts=services.texts)
    assert "(2024)浙0102执1234号" in text
    assert "杭州市上城区人民法院" in text
    assert "2024年3月5日" in text
    assert "1,234,567.80元" in text
    assert "王明" in text and JUDGE_PHONE in text
    assert "执行中" in text
    assert "周书" not in text  # the clerk is not the 承办人
    assert len(text) <= progress.MESSAGE_BUDGET


def test_closed_case_summary_gives_the_closing_type_and_date(
    db: Database, settings: Settings, services: Services
) -> None:
    assert services.catalogue is not None
    add_case(
        db,
        settings,
        services.catalogue,
        "(2024)浙0102执77号",
        status="closed",
        closing_type="closed_terminated_round",
        closed_on="2024-09-30",
    )
    session, case = load(db, "(2024)浙0102执77号")
    with session:
        text = progress.summary(session, case, services.catalogue, NOW, texts=services.texts)
    assert "已结案（终结本次执行程序，2024年9月30日）" in text


def test_objection_case_summary_lists_the_panel(db: Database, settings: Settings, services: Services) -> None:
    assert services.catalogue is not None
    staff = [
        {"staff_no": "P-1", "name": "赵审", "office_phone": "0571-87005555", "role": "presiding"}
        | {"assigned_on": "2024-03-06"},
        {"staff_no": "P-2", "name": "钱判", "role": "panel", "assigned_on": "2024-03-06"},
        {"staff_no": "P-3", "name": "孙员", "role": "panel", "assigned_on": "2024-03-06"},
    ]
    add_case(db, settings, services.catalogue, "(2024)浙0102执异8号", staff=staff, amount=None)
    session, case = load(db, "(2024)浙0102执异8号")
    with session:
        text = progress.summary(session, case, services.catalogue, NOW, texts=services.texts)
    assert "合议庭：赵审（承办人，0571-87005555）、钱判（合议庭成员）、孙员（合议庭成员）" in text
    assert "执行标的" not in text


def test_staff_change_shows_the_current_judge_only(
    db: Database, settings: Settings, services: Services
) -> None:
    assert services.catalogue is not None
    staff = [
        {"staff_no": "C-1", "name": "旧法官", "role": "presiding", "assigned_on": "2024-03-06"}
        | {"ended_on": "2024-05-01", "office_phone": "0571-87000001"},
        {"staff_no": "C-2", "name": "新法官", "role": "presiding", "assigned_on": "2024-05-01"}
        | {"office_phone": "0571-87000002"},
    ]
    add_case(db, settings, services.catalogue, "(2024)浙0102执78号", staff=staff)
    session, case = load(db, "(2024)浙0102执78号")
    with session:
        text = progress.summary(session, case, services.catalogue, NOW, texts=services.texts)
    assert "承办人：新法官，办公电话 0571-87000002" in text
    assert "旧法官" not in text


def test_category_lists_events_newest_first_with_shanghai_dates(
    db: Database, settings: Settings, services: Services
) -> None:
    assert services.catalogue is not None
    events = [
        ("property_frozen", "2024-04-10T10:00:00+08:00", "第一次冻结。"),
        # 17:30 UTC is already the next day in Shanghai.
        ("property_sealed", "2024-05-05T17:30:00+00:00", "查封房产。"),
        ("fined", "2024-04-20T10:00:00+08:00", "罚款。"),
    ]
    add_case(db, settings, services.catalogue, "(2024)浙0102执5号", events)
    session, case = load(db, "(2024)浙0102执5号")
    with session:
        page = progress.category_page(
            session, case, "measure", 0, services.catalogue, None, texts=services.texts
        )
    assert page.text.startswith("【执行措施信息】")
    assert not page.has_next
    lines = page.text.splitlines()[1:]
    assert lines[0] == "2024年5月6日　查封财产：查封房产。"
    assert lines[1].startswith("2024年4月20日　罚款")
    assert lines[2].startswith("2024年4月10日　冻结财产")


def test_empty_category_says_so(db: Database, settings: Settings, services: Services) -> None:
    assert services.catalogue is not None
    add_case(db, settings, services.catalogue, "(2024)浙0102执6号")
    session, case = load(db, "(2024)浙0102执6号")
    with session:
        page = progress.category_page(
            session, case, "disposal", 0, services.catalogue, None, texts=services.texts
        )
    assert page.text == "【执行财产处置信息】\n本案暂无执行财产处置信息。"


def test_long_lists_are_paged_within_the_budget_and_lose_nothing(
    db: Database, settings: Settings, services: Services
) -> None:
    assert services.catalogue is not None
    events = [
        (
            "property_frozen",
            f"2024-04-{day:02d}T10:00:00+08:00",
            f"冻结被执行人在第{day}家银行的存款{day * 1000}元，冻结期限一年。",
        )
        for day in range(1, 29)
    ]
    add_case(db, settings, services.catalogue, "(2024)浙0102执9号", events)
    session, case = load(db, "(2024)浙0102执9号")
    pages: list[progress.Page] = []
    with session:
        while not pages or pages[-1].has_next:
            pages.append(
                progress.category_page(
                    session, case, "measure", len(pages), services.catalogue, None, texts=services.texts
                )
            )
    assert len(pages) >= 2
    assert all(len(page.text) <= progress.MESSAGE_BUDGET for page in pages)
    assert pages[0].text.startswith(f"【执行措施信息】第 1/{len(pages)} 页")
    shown = "".join(page.text for page in pages)
    assert all(f"第{day}家银行" in shown for day in range(1, 29))
    assert shown.index("第28家银行") < shown.index("第1家银行的")  # newest first across pages


def test_page_beyond_the_last_shows_the_last(db: Database, settings: Settings, services: Services) -> None:
    assert services.catalogue is not None
    add_case(db, settings, services.catalogue, "(2024)浙0102执10号", ALL_CATEGORY_EVENTS)
    session, case = load(db, "(2024)浙0102执10号")
    with session:
        page = progress.category_page(
            session, case, "payment", 7, services.catalogue, None, texts=services.texts
        )
    assert page.number == page.pages == 1
    assert "收到执行款50,000.00元" in page.text


def test_other_sides_id_numbers_and_phones_are_masked(
    db: Database, settings: Settings, services: Services
) -> None:
    assert services.catalogue is not None
    add_case(db, settings, services.catalogue, "(2024)浙0102执11号", ALL_CATEGORY_EVENTS)
    session, case = load(db, "(2024)浙0102执11号")
    with session:
        filing = progress.category_page(
            session, case, "filing", 0, services.catalogue, None, texts=services.texts
        )
        measures = progress.category_page(
            session, case, "measure", 0, services.catalogue, None, texts=services.texts
        )
        as_respondent = progress.category_page(
            session, case, "filing", 0, services.catalogue, "respondent", texts=services.texts
        )
    for text in (filing.text, measures.text):
        assert RESPONDENT_ID not in text and RESPONDENT_PHONE not in text
    assert f"{RESPONDENT_ID[:6]}********{RESPONDENT_ID[-4:]}" in filing.text
    assert "139****5678" in filing.text
    assert f"{RESPONDENT_ID[:6]}********{RESPONDENT_ID[-4:]}" in measures.text
    assert "139****5678" in measures.text
    assert APPLICANT_ID not in filing.text and APPLICANT_PHONE not in filing.text
    assert COMPANY_CODE in filing.text  # an organisation's credit code is public
    # A viewer known to be the respondent sees their own side in full and the applicant masked.
    assert RESPONDENT_ID in as_respondent.text and APPLICANT_ID not in as_respondent.text


def test_filing_and_staff_pages_open_with_the_case_facts(
    db: Database, settings: Settings, services: Services
) -> None:
    assert services.catalogue is not None
    add_case(db, settings, services.catalogue, "(2024)浙0102执12号", ALL_CATEGORY_EVENTS)
    session, case = load(db, "(2024)浙0102执12号")
    with session:
        filing = progress.category_page(
            session, case, "filing", 0, services.catalogue, None, texts=services.texts
        )
        staff = progress.category_page(
            session, case, "staff", 0, services.catalogue, None, texts=services.texts
        )
    assert "案由：民间借贷纠纷" in filing.text
    assert "执行依据：(2023)浙0102民初456号民事判决书" in filing.text
    assert "申请执行人：张三" in filing.text and "被执行人：李四" in filing.text
    assert f"承办人：王明，办公电话 {JUDGE_PHONE}" in staff.text
    assert "书记员：周书" in staff.text
    assert "2024年3月6日　确定承办人" in staff.text


def test_record_view_logs_who_where_and_what(db: Database, settings: Settings, services: Services) -> None:
    assert services.catalogue is not None
    add_case(db, settings, services.catalogue, "(2024)浙0102执13号")
    with db.transaction() as session:
        case = session.scalars(select(Case).where(Case.case_no == "(2024)浙0102执13号")).one()
        progress.record_view(session, case.id, "wechat", "openid-1", "measure", NOW)
    with db.transaction() as session:
        view = session.scalars(select(CaseView)).one()
    assert (view.channel, view.user_key, view.category) == ("wechat", "openid-1", "measure")
    assert view.case_id == case.id


def test_amounts_have_thousands_separators() -> None:
    assert progress.amount_text(Decimal("1234567.8")) == "1,234,567.80"
    assert progress.amount_text(Decimal("0")) == "0.00"


@hypothesis_settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    summaries=st.lists(
        st.text(
            alphabet=st.characters(codec="utf-8", categories=["Lo", "Nd", "Po"]), min_size=1, max_size=500
        ),
        min_size=1,
        max_size=12,
    )
)
def test_every_page_fits_the_budget_whatever_the_summaries(
    sqlite_url: str, services: Services, summaries: list[str]
) -> None:
    assert services.catalogue is not None
    settings = make_settings(sqlite_url)
    db = open_database(sqlite_url)
    try:
        with db.transaction() as session:
            session.query(Case).delete()
        events = [
            ("fined", f"2024-04-{n % 28 + 1:02d}T10:00:00+08:00", text) for n, text in enumerate(summaries)
        ]
        add_case(db, settings, services.catalogue, "(2024)浙0102执14号", events)
        session, case = load(db, "(2024)浙0102执14号")
        with session:
            number = 0
            while True:
                page = progress.category_page(
                    session, case, "measure", number, services.catalogue, None, texts=services.texts
                )
                assert len(page.text) <= progress.MESSAGE_BUDGET
                if not page.has_next:
                    break
                number += 1
            assert number + 1 == page.pages
    finally:
        db.dispose()

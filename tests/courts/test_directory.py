"""The court directory: the data file's integrity and finding the court a user means."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.courts.directory import Court, CourtDataError, CourtDirectory

COURTS_YAML = Path(__file__).resolve().parents[2] / "data" / "courts.yaml"
CITIES = (
    "杭州市",
    "宁波市",
    "温州市",
    "嘉兴市",
    "湖州市",
    "绍兴市",
    "金华市",
    "衢州市",
    "舟山市",
    "台州市",
    "丽水市",
)
UNKNOWN_PHONE = "值班电话待法院补充，可拨打 12368 转接"


@pytest.fixture(scope="module")
def directory() -> CourtDirectory:
    return CourtDirectory.load(COURTS_YAML)


def _level(directory: CourtDirectory, level: str) -> list[Court]:
    return [c for c in directory.all() if c.level == level]


# ── the data ──


def test_codes_are_unique_and_well_formed(directory: CourtDirectory) -> None:
    codes = [c.code for c in directory.all()]
    assert len(codes) == len(set(codes))
    assert all(re.fullmatch(r"浙(\d{2}|\d{4})?", code) for code in codes)
    former = [code for c in directory.all() for code in c.former_codes]
    assert not set(former) & set(codes)


def test_one_high_court_and_eleven_intermediate_courts(directory: CourtDirectory) -> None:
    (high,) = _level(directory, "高级")
    assert (high.code, high.name) == ("浙", "浙江省高级人民法院")
    intermediate = _level(directory, "中级")
    assert [c.code for c in intermediate] == [f"浙{n:02d}" for n in range(1, 12)]
    assert [c.city for c in intermediate] == list(CITIES)
    assert all(c.name == f"浙江省{c.city}中级人民法院" and c.parent == "浙" for c in intermediate)


def test_a_basic_court_for_every_county_level_division(directory: CourtDirectory) -> None:
    basic = _level(directory, "基层")
    assert len(basic) >= 85
    # Courts of the 90 county-level divisions carry the division code; development-zone courts use 9x.
    by_division = [c for c in basic if int(c.code[3:]) < 90]
    assert len(by_division) == 90
    assert all(c.district and c.name.endswith("人民法院") for c in by_division)


def test_every_basic_court_answers_to_its_citys_intermediate_court(directory: CourtDirectory) -> None:
    for court in _level(directory, "基层"):
        parent = directory.by_code(court.parent or "")
        assert parent is not None and parent.level == "中级", court.name
        assert parent.city == court.city, court.name
        assert court.code.startswith(parent.code), court.name


def test_hangzhou_after_the_2021_district_changes(directory: CourtDirectory) -> None:
    hangzhou = {c.code: c.name for c in directory.children("浙01")}
    assert hangzhou["浙0102"] == "杭州市上城区人民法院"
    assert hangzhou["浙0105"] == "杭州市拱墅区人民法院"
    assert hangzhou["浙0113"] == "杭州市临平区人民法院"
    assert hangzhou["浙0114"] == "杭州市钱塘区人民法院"
    assert "浙0103" not in hangzhou and "浙0104" not in hangzhou  # 下城, 江干 merged
    assert len([c for c in directory.children("浙01") if c.level == "基层"]) == 13
    # Old case numbers still lead to the court that took the merged court's cases over.
    assert directory.by_code("浙0104") == directory.by_code("浙0102")
    assert directory.by_code("浙0103") == directory.by_code("浙0105")
    assert directory.by_code("浙0185") == directory.by_code("浙0112")


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("浙0212", "宁波市鄞州区人民法院"),
        ("浙0213", "宁波市奉化区人民法院"),
        ("浙0205", "宁波市江北区人民法院"),
        ("浙0211", "宁波市镇海区人民法院"),
        ("浙0305", "温州市洞头区人民法院"),
        ("浙0383", "龙港市人民法院"),
        ("浙0603", "绍兴市柯桥区人民法院"),
        ("浙0604", "绍兴市上虞区人民法院"),
        ("浙0703", "金华市金东区人民法院"),
        ("浙1083", "玉环市人民法院"),
        ("浙1127", "景宁畲族自治县人民法院"),
        ("浙72", "宁波海事法院"),
        ("浙0192", "杭州互联网法院"),
        ("浙8601", "杭州铁路运输法院"),
    ],
)
def test_courts_as_they_are_now(directory: CourtDirectory, code: str, name: str) -> None:
    court = directory.by_code(code)
    assert court is not None and court.name == name


def test_by_code_accepts_full_width_and_rejects_unknown(directory: CourtDirectory) -> None:
    court = directory.by_code("浙０１０６")
    assert court is not None and court.name == "杭州市西湖区人民法院"
    assert directory.by_code("浙9999") is None
    assert directory.by_code("") is None


def test_phones_present_are_chinese_landlines_with_a_source(directory: CourtDirectory) -> None:
    phones = [c for c in directory.all() if c.duty_phone]
    assert phones, "at least the high court's published duty phone"
    for court in phones:
        assert re.fullmatch(r"0\d{2,3}-\d{7,8}", court.duty_phone or ""), court.name
        assert court.duty_phone_source, court.name
    assert all(c.address_source for c in directory.all() if c.address)


def test_the_file_says_it_has_the_12368_hotline(directory: CourtDirectory) -> None:
    assert directory.hotline == "12368"
    assert "由各法院补充" in COURTS_YAML.read_text(encoding="utf-8")


# ── finding a court ──


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("西湖区法院执行局电话", "浙0106"),
        ("杭州中院在哪", "浙01"),
        ("杭州市中院执行局地址", "浙01"),
        ("余杭法院", "浙0110"),
        ("宁波海事法院", "浙72"),
        ("温州市鹿城区人民法院", "浙0302"),
        ("杭州", "浙01"),
        ("上城", "浙0102"),
        ("杭州西湖法院电话多少", "浙0106"),
        ("義烏法院執行局電話", "浙0782"),
        ("馀杭法院", "浙0110"),
        ("(2024)浙0102执1234号是哪个法院", "浙0102"),
        ("（２０２３）浙０１执复１２号", "浙01"),
        ("(2024)浙执1号", "浙"),
        ("我的案子是浙0383执500号", "龙港市人民法院"),
        ("浙江高院执行指挥中心电话", "浙"),
        ("省高院", "浙"),
        ("柯桥法院怎么走", "浙0603"),
        ("景宁县法院", "浙1127"),
        ("江干法院现在叫什么", "浙0102"),
        ("杭州互联网法院的电话", "浙0192"),
        ("台州中院", "浙10"),
        ("被执行人是一家路桥公司，案子在义乌法院", "浙0782"),
        ("临平区法院执行局", "浙0113"),
        ("钱塘法院", "浙0114"),
        ("互联网", "浙0192"),
        ("西胡区法院", "浙0106"),
    ],
)
def test_find_puts_the_meant_court_first(directory: CourtDirectory, query: str, code: str) -> None:
    found = directory.find(query)
    assert found, query
    assert code in (found[0].code, found[0].name)


def test_find_names_every_court_mentioned(directory: CourtDirectory) -> None:
    found = [c.code for c in directory.find("鹿城法院和温州中院哪个管")]
    assert found == ["浙0302", "浙03"]


def test_a_court_name_beats_the_city_around_it(directory: CourtDirectory) -> None:
    assert [c.code for c in directory.find("宁波海事法院")] == ["浙72"]
    assert [c.code for c in directory.find("杭州西湖法院")] == ["浙0106"]


@pytest.mark.parametrize(
    "query", ["", "   ", "法院", "我的案子执行到哪一步了", "浙A12345", "😀😀😀", "查询密码忘了"]
)
def test_find_nothing_when_no_court_is_meant(directory: CourtDirectory, query: str) -> None:
    assert directory.find(query) == []


def test_without_guessing_only_a_name_or_a_code_counts(directory: CourtDirectory) -> None:
    # "马上让法院" is a sentence, not a court: a guess would read 上城 or 上虞 into it.
    question = "晚上发现被执行人住在酒店，想马上让法院去找他，打哪个电话"
    assert directory.find(question, guess=False) == []
    assert [c.code for c in directory.find("西湖区法院执行局电话", guess=False)] == ["浙0106"]
    assert directory.find("西胡法院", guess=False) == []  # a near miss needs guessing
    assert [c.code for c in directory.find("西胡法院")] == ["浙0106"]


def test_a_huge_message_is_cheap_and_still_read_from_the_start(directory: CourtDirectory) -> None:
    started = time.perf_counter()
    assert directory.find("法院" * 50_000) == []
    assert [c.code for c in directory.find("西胡法院" + "啊" * 50_000)] == ["浙0106"]
    assert time.perf_counter() - started < 1.0


def test_every_name_and_alias_finds_its_own_court_first(directory: CourtDirectory) -> None:
    for court in directory.all():
        for name in court.names():
            assert directory.find(f"请问{name}的执行指挥中心电话")[0] == court, name


def test_every_code_in_a_case_number_finds_its_court(directory: CourtDirectory) -> None:
    for court in directory.all():
        assert directory.find(f"（2024）{court.code}执123号")[0] == court, court.code


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=300))
def test_find_never_fails_and_returns_distinct_courts(directory: CourtDirectory, text: str) -> None:
    found = directory.find(text)
    assert len(found) == len(set(found))
    assert all(court in directory.all() for court in found)


@settings(max_examples=100, deadline=None)
@given(
    court_index=st.integers(min_value=0, max_value=104),
    filler=st.sampled_from(["", "请问", "我想问一下", "喂，"]),
)
def test_a_court_name_with_filler_around_it_is_found_first(
    directory: CourtDirectory, court_index: int, filler: str
) -> None:
    court = directory.all()[court_index % len(directory.all())]
    assert directory.find(f"{filler}{court.name}在哪里？")[0] == court


# ── the contact card ──


def test_contact_card_without_a_phone_points_to_12368(directory: CourtDirectory) -> None:
    court = directory.by_code("浙0106")
    assert court is not None and court.duty_phone is None
    card = court.contact_text()
    assert card.startswith("杭州市西湖区人民法院")
    assert UNKNOWN_PHONE in card


def test_contact_card_shows_the_phone_and_address_when_known(directory: CourtDirectory) -> None:
    high = directory.by_code("浙")
    assert high is not None and high.duty_phone
    assert f"执行指挥中心值班电话：{high.duty_phone}" in high.contact_text()
    assert UNKNOWN_PHONE not in high.contact_text()
    hangzhou = directory.by_code("浙01")
    assert hangzhou is not None and hangzhou.address
    assert f"地址：{hangzhou.address}" in hangzhou.contact_text()


# ── validation of the file ──

_HEAD = 'hotline: "12368"\ncourts:\n  - {code: "浙", name: "浙江省高级人民法院", level: "高级"}\n'
_INTER = '  - {code: "浙01", name: "浙江省杭州市中级人民法院", level: "中级", parent: "浙", city: "杭州市"}\n'


def _load(tmp_path: Path, body: str) -> CourtDirectory:
    path = tmp_path / "courts.yaml"
    path.write_text(_HEAD + _INTER + body, encoding="utf-8")
    return CourtDirectory.load(path)


def test_a_minimal_file_loads(tmp_path: Path) -> None:
    body = (
        '  - {code: "浙0106", name: "杭州市西湖区人民法院", level: "基层", parent: "浙01", city: "杭州市"}\n'
    )
    assert [c.code for c in _load(tmp_path, body).children("浙01")] == ["浙0106"]


@pytest.mark.parametrize(
    ("body", "complaint"),
    [
        ('  - {code: "浙01", name: "重复法院", level: "中级", parent: "浙"}\n', "重复"),
        ('  - {code: "浙0106", name: "西湖法院", level: "基层", parent: "浙02"}\n', "不存在"),
        ('  - {code: "浙0206", name: "北仑法院", level: "基层", parent: "浙01"}\n', "开头"),
        ('  - {code: "浙106", name: "坏代字法院", level: "基层", parent: "浙01"}\n', "格式"),
        ('  - {code: "浙0106", name: "西湖法院", level: "区级", parent: "浙01"}\n', "level"),
        (
            '  - {code: "浙0106", name: "西湖法院", level: "基层", parent: "浙01", duty_phone: "12345"}\n',
            "区号",
        ),
        (
            '  - {code: "浙0106", name: "西湖法院", level: "基层", parent: "浙01", duty_phone: "0571-12345678"}\n',
            "duty_phone_source",
        ),
        (
            '  - {code: "浙0106", name: "西湖法院", level: "基层", parent: "浙01", address: "某路1号"}\n',
            "address_source",
        ),
        (
            '  - {code: "浙0106", name: "西湖法院", level: "基层", parent: "浙01", duty_phon: "x"}\n',
            "未知字段",
        ),
        (
            '  - {code: "浙0106", name: "西湖法院", level: "基层", parent: "浙01", aliases: ["浙江省杭州市中级人民法院"]}\n',
            "同时指向",
        ),
        ('  - {name: "无代字法院", level: "基层", parent: "浙01"}\n', "缺少 code"),
    ],
)
def test_a_malformed_file_is_refused_with_a_reason(tmp_path: Path, body: str, complaint: str) -> None:
    with pytest.raises(CourtDataError, match=complaint):
        _load(tmp_path, body)

"""Normalisation: traditional, full-width, case, punctuation, emoji, domain typos; the lexicon files."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.knowledge.normalize import Lexicon, Normalizer, Rewriter, load_lexicon

REPO = Path(__file__).resolve().parents[2]
LEXICON_DIR = REPO / "data" / "knowledge"


@pytest.fixture(scope="module")
def lexicon() -> Lexicon:
    return load_lexicon(LEXICON_DIR)


@pytest.fixture(scope="module")
def normalize(lexicon: Lexicon) -> Normalizer:
    return Normalizer(lexicon.typos)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("查詢案件要輸密碼，密碼在哪裡看啊", "查询案件要输密码密码在哪里看啊"),
        ("被執行人財產凍結、終結本次執行程序", "被执行人财产冻结终结本次执行程序"),
        ("ＡＢＣ１２３", "abc123"),
        ("执行　申请\t费 ？！", "执行申请费"),
        ("老赖😡不还钱💰!!!", "老赖不还钱"),
        ("“限制高消费”《规定》（2015）", "限制高消费规定2015"),
        ("", ""),
        ("？？？ 🙏", ""),
    ],
)
def test_normalises_script_width_case_and_punctuation(
    normalize: Normalizer, text: str, expected: str
) -> None:
    assert normalize(text) == expected


@pytest.mark.parametrize(
    ("typo", "fixed"),
    [
        ("申请执形要多久", "申请执行要多久"),
        ("上了失心名单", "上了失信名单"),
        ("银行卡被冻解了", "银行卡被冻结了"),
        ("老来不还钱", "老赖不还钱"),
        ("被限搞了", "被限高了"),
        ("案子终奔了", "案子终本了"),
        ("钱什么时候到帐", "钱什么时候到账"),
        ("被執形人", "被执行人"),  # a typo written in traditional characters is fixed too
    ],
)
def test_fixes_domain_typos(normalize: Normalizer, typo: str, fixed: str) -> None:
    assert normalize(typo) == fixed


def test_typos_need_the_map() -> None:
    assert Normalizer()("申请执形") == "申请执形"


def test_rewriter_prefers_the_longest_key_and_keeps_standard_phrases_whole() -> None:
    rewrite = Rewriter({"黑名单": "失信名单", "上黑名单": "列入失信名单", "执行费": "申请执行费"})
    assert rewrite("上黑名单了") == "列入失信名单了"
    assert rewrite("黑名单") == "失信名单"
    assert rewrite("执行费多少") == "申请执行费多少"
    assert rewrite("申请执行费多少") == "申请执行费多少"  # not 申请申请执行费
    assert Rewriter({})("原样") == "原样"


def test_lexicon_files_load(lexicon: Lexicon) -> None:
    assert lexicon.typos["执形"] == "执行"
    assert lexicon.synonyms["老赖"] == "失信被执行人"
    assert lexicon.synonyms["限高"] == "限制高消费"
    assert lexicon.synonyms["终本"] == "终结本次执行程序"
    assert ("强制执行", 2000) in lexicon.user_words
    assert "执行" in lexicon.in_domain
    assert "离婚" in lexicon.out_of_scope


def test_missing_lexicon_files_are_empty_and_bad_ones_refused(tmp_path: Path) -> None:
    assert load_lexicon(tmp_path) == Lexicon()
    (tmp_path / "synonyms.yaml").write_text("synonyms: [老赖, 失信]\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"synonyms\.yaml"):
        load_lexicon(tmp_path)
    (tmp_path / "synonyms.yaml").write_text("synonyms:\n  老赖: 失信被执行人\n", encoding="utf-8")
    (tmp_path / "legal_dict.txt").write_text("# comment\n强制执行 2000 n\n\n终本\n", encoding="utf-8")
    loaded = load_lexicon(tmp_path)
    assert loaded.synonyms == {"老赖": "失信被执行人"}
    assert loaded.user_words == (("强制执行", 2000), ("终本", None))


def test_a_word_given_twice_is_refused_with_its_line(tmp_path: Path) -> None:
    # Plain YAML would keep the second 认缴 and silently drop the first one's contexts.
    (tmp_path / "scope.yaml").write_text(
        "other_senses:\n  认缴: [注册]\n  冻结: [冰箱]\n  认缴: [公司]\n", encoding="utf-8"
    )
    with pytest.raises(ValueError, match=r"scope\.yaml:4: “认缴”重复出现"):
        load_lexicon(tmp_path)


@given(st.text(max_size=80))
def test_output_is_only_lower_case_letters_digits_and_han(text: str) -> None:
    out = Normalizer()(text)
    assert all(ch.isalnum() and ch == ch.lower() for ch in out)
    assert " " not in out


@given(st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF), max_size=30))
def test_han_text_keeps_its_length(text: str) -> None:
    # one character maps to one character: positions stay comparable
    assert len(Normalizer()(text)) == len(text)

"""The compiled retriever path (bot/knowledge/_speedups.pyx) against the pure-Python one it mirrors:
the same words found, the same entries, scores and order, to the last bit, on every question we have."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.knowledge.evaluation import load_questions
from bot.knowledge.faq import load_faq
from bot.knowledge.normalize import load_lexicon
from bot.knowledge.retriever import MAX_QUERY_CHARS, Retriever, _speedups

REPO = Path(__file__).resolve().parents[2]
QUESTION_SETS = sorted((REPO / "tests" / "knowledge").glob("**/*.jsonl")) + sorted(
    (REPO.parent / "shared" / "eval").glob("dev-questions.jsonl")
)

if _speedups is None and os.environ.get("HOTLINE_REQUIRE_SPEEDUPS", "") in ("", "0"):  # as setup.py reads it
    # Where it is required (CI), a missing module fails the fixture below instead.
    pytest.skip("bot.knowledge._speedups was not built (no C compiler at install)", allow_module_level=True)


@pytest.fixture(scope="module")
def both() -> tuple[Retriever, Retriever]:
    entries, lexicon = load_faq(REPO / "data" / "faq"), load_lexicon(REPO / "data" / "knowledge")
    compiled = Retriever.build(entries, lexicon)
    plain = Retriever.build(entries, lexicon, compiled=False)
    assert compiled.compiled and not plain.compiled
    return compiled, plain


def ranked(retriever: Retriever, text: str) -> tuple[object, ...]:
    query = retriever.analyze(text)
    hits = retriever.rank(query, 3)
    return query, [(hit.entry.id, hit.score.hex()) for hit in hits]


def test_question_sets_and_phrasings_rank_alike_to_the_bit(both: tuple[Retriever, Retriever]) -> None:
    compiled, plain = both
    texts = [q.q for path in QUESTION_SETS for q in load_questions(path)]
    texts += [text for entry in plain.entries for text in entry.questions]
    assert len(texts) > 5000
    differ = [text for text in texts if ranked(compiled, text) != ranked(plain, text)]
    assert differ == []


ODD = [
    "",
    "？！。",
    "a",
    "执",
    "执行",
    "老赖" * 150,  # cut at MAX_QUERY_CHARS
    "执" * 64,
    "执" * 65,
    "执行" * 64,
    "x" * MAX_QUERY_CHARS,
    "冻结𠀀𠀁银行卡🙏🙏",  # beyond the Basic Multilingual Plane
    "ＡＢＣ１２３ 执行 abc",
    "法院 法院 法院",
    "申请执行人申请执行申请执行费执行异议执行异议之诉案外人执行异议之诉",
]


@pytest.mark.parametrize("text", ODD)
def test_odd_questions_rank_alike(both: tuple[Retriever, Retriever], text: str) -> None:
    compiled, plain = both
    assert ranked(compiled, text) == ranked(plain, text)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(
        st.sampled_from(
            [
                "执行",
                "申请",
                "法院",
                "老赖",
                "冻结",
                "工资",
                "房子",
                "拍卖",
                "限高",
                "终本",
                "失信",
                "钱",
                "的",
                "怎么办",
                "异议",
                "利息",
                "和解",
                "查封",
                "a",
                "2",
                "？",
                "天气",
                "离婚",
                "执",
                "行",
            ]
        ),
        max_size=60,
    ).map("".join)
)
def test_random_questions_rank_alike(both: tuple[Retriever, Retriever], text: str) -> None:
    compiled, plain = both
    assert ranked(compiled, text) == ranked(plain, text)


def test_threads_sharing_one_retriever_rank_alike(both: tuple[Retriever, Retriever]) -> None:
    # Each question's scratch space is its own: threads never write into another's ranking.
    from concurrent.futures import ThreadPoolExecutor

    compiled, plain = both
    texts = [q.q for path in QUESTION_SETS[:6] for q in load_questions(path)] * 3
    expected = [ranked(plain, text) for text in texts]
    with ThreadPoolExecutor(4) as pool:
        assert list(pool.map(lambda text: ranked(compiled, text), texts)) == expected

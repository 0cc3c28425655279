"""Scope.classify: enforcement words count unless another matter or an everyday sense explains them."""

from __future__ import annotations

import pytest

from bot.knowledge.service import Scope


def scope(*, spaced: bool = False) -> Scope:
    # A word with a space in it makes classify() take its word-by-word path: both paths must agree.
    extra = ("冷 冻",) if spaced else ()
    return Scope(
        in_domain=(("转移财产",), ("冻结",), ("执行",), ("扣", "工资")),
        shared=("法院",),
        out_of_scope=("离婚", "执行董事", *extra),
        other_senses=(("冻结", ("冰箱",)), ("转移财产", ("离婚",))),
    )


@pytest.mark.parametrize("spaced", [False, True])
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("对方转移财产怎么办", ("enforcement", False)),
        ("离婚时对方转移财产怎么办", ("neither", True)),  # the divorce sense: a word of another matter
        ("冰箱冻结了", ("neither", True)),
        ("法院冻结了我的卡", ("enforcement", False)),
        ("执行董事是干什么的", ("neither", True)),
        ("法院扣我工资", ("enforcement", False)),
        ("法院在哪", ("shared", False)),
        ("今天天气", ("neither", False)),
    ],
)
def test_classify(text: str, expected: tuple[str, bool], spaced: bool) -> None:
    assert scope(spaced=spaced).classify(text) == expected

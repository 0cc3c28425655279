"""SMS templates: the fields a template may use, checking them when loaded, rendering and segment counts."""

from __future__ import annotations

import math
import string
from collections.abc import Mapping
from dataclasses import dataclass

# Chinese SMS are sent in UCS-2: 70 characters fit one message; a longer one is split into parts of 67
# (each part carries a header that joins them again). Counted in UTF-16 units, as the network does.
SINGLE_SEGMENT = 70
MULTI_SEGMENT = 67
SIGNATURE = "【{court}】"

# Fields every event provides, and the fields only some events carry (a template using one of these
# needs a fallback made of the first kind only, used when the event lacks it).
ALWAYS: dict[str, str] = {
    "court": "法院名称（签名）",
    "case_no": "案号",
    "event": "事件名称，如“限制高消费”",
    "summary": "事件摘要（执行管理系统推送的文字）",
    "date": "事件发生日期，如2024年3月5日",
    "time": "事件发生时间，如2024年3月5日10时00分",
    "role": "收件人身份，如申请执行人",
    "name": "收件人姓名或名称",
    "hotline": "12368热线号码",
}
MAYBE: dict[str, str] = {
    "judge": "承办人姓名",
    "judge_phone": "承办人办公电话",
    "panel": "合议庭成员",
    "amount": "金额（元）",
    "item": "查控事项",
}
FIELDS = {**ALWAYS, **MAYBE}

# Typical values, to show how many segments each template takes.
SAMPLE: dict[str, str] = {
    "court": "杭州市上城区人民法院",
    "case_no": "(2024)浙0102执1234号",
    "event": "限制高消费",
    "summary": "冻结被执行人在中国工商银行的存款5万元。",
    "date": "2024年3月5日",
    "time": "2024年3月5日10时00分",
    "role": "申请执行人",
    "name": "张三",
    "hotline": "12368",
    "judge": "李明",
    "judge_phone": "0571-88881234",
    "panel": "王芳、赵强",
    "amount": "50,000.00",
    "item": "不动产登记查询",
}


class TemplateError(ValueError):
    """A template the court must fix; the message says which rule and what is wrong, in Chinese."""


def fields_of(template: str) -> set[str]:
    """The named fields a template uses; positional, indexed or formatted fields are refused."""
    names: set[str] = set()
    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError as error:
        raise TemplateError(f"花括号不成对（{error}）；文字中的花括号请写成 {{{{ 或 }}}}") from None
    for _literal, name, spec, conversion in parsed:
        if name is None:
            continue
        if not name or name.isdigit() or "." in name or "[" in name:
            raise TemplateError(f"字段“{{{name}}}”写法不对：只能写字段名，如 {{case_no}}")
        if spec or conversion:
            raise TemplateError(f"字段“{{{name}}}”不能带格式或转换")
        names.add(name)
    return names


@dataclass(frozen=True)
class Template:
    """A checked template and its fallback (for events that lack an optional field)."""

    text: str
    fallback: str | None = None

    @classmethod
    def checked(cls, text: str, fallback: str | None, where: str) -> Template:
        """The template, or TemplateError when it names an unknown field or an optional one without fallback."""
        used = _checked_fields(text, where)
        if fallback is not None:
            optional = sorted(_checked_fields(fallback, f"{where}的备用模板") & MAYBE.keys())
            if optional:
                raise TemplateError(
                    f"{where}的备用模板只能使用每个事件都有的字段，不能使用：{'、'.join(optional)}"
                )
        elif used & MAYBE.keys():
            named = "、".join(sorted(used & MAYBE.keys()))
            raise TemplateError(f"{where}使用了并非每个事件都有的字段（{named}），须提供备用模板 fallback")
        return cls(text, fallback)

    def render(self, facts: Mapping[str, str]) -> str:
        """The text with the facts filled in; the fallback when the event lacks a field the template uses."""
        if self.fallback is not None and any(not facts.get(name) for name in fields_of(self.text)):
            return self.fallback.format_map(facts)
        return self.text.format_map(facts)


def _checked_fields(text: str, where: str) -> set[str]:
    if not text.strip():
        raise TemplateError(f"{where}的模板为空")
    try:
        used = fields_of(text)
    except TemplateError as error:
        raise TemplateError(f"{where}：{error}") from None
    unknown = sorted(used - FIELDS.keys())
    if unknown:
        raise TemplateError(
            f"{where}引用了不存在的字段：{'、'.join(unknown)}（可用字段：{'、'.join(FIELDS)}）"
        )
    if SIGNATURE not in text:
        raise TemplateError(f"{where}须包含法院签名 {SIGNATURE}")
    return used


def segments(text: str) -> int:
    """How many SMS a text takes: one up to 70 characters, else one per 67."""
    units = len(text.encode("utf-16-le")) // 2
    if units == 0:
        return 0
    if units <= SINGLE_SEGMENT:
        return 1
    return math.ceil(units / MULTI_SEGMENT)

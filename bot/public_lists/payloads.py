"""What the management system sends for the public lists and notices, validated field by field."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from bot.case_lookup.case_number import CaseNumberError, parse_case_number
from bot.case_lookup.payloads import Line, MultiLine, PastDate
from bot.identity.id_number import IdNumberError, check_id_number
from bot.identity.uscc import UsccError, check_uscc
from bot.public_lists.kinds import NoticeKind, Performance, SubjectType

MAX_TEXT = 2000


class _Payload(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)


def enforcement_case_no(value: str) -> str:
    """The canonical number of an enforcement case (执, 执恢 …), or ValueError saying what is wrong."""
    try:
        number = parse_case_number(value)
    except CaseNumberError as error:
        raise ValueError(f"案号无法识别：{error.reason}") from None
    if not number.is_enforcement:
        raise ValueError(f"“{number.type_code}”不是执行案件的类型代字")
    return number.canonical


class ListEntryPayload(_Payload):
    """One entry of one list; the list (kind) and the entry's id come from the URL or the import line."""

    subject_type: SubjectType
    name: Line = Field(min_length=1, max_length=200)
    id_number: Line | None = Field(
        default=None,
        max_length=32,
        repr=False,
        validate_default=True,
        description="个人为18位身份证号（必填），单位为统一社会信用代码",
    )
    legal_representative: Line | None = Field(default=None, max_length=64, validate_default=True)
    case_no: Line = Field(min_length=1, max_length=64)
    court_name: Line | None = Field(
        default=None, min_length=1, max_length=64, description="缺省时按案号查法院名录"
    )
    filed_on: PastDate | None = None
    basis_document: Line = Field(default="", max_length=200, description="执行依据文号")
    basis_issuer: Line = Field(default="", max_length=100, description="做出执行依据单位")
    obligation: MultiLine = Field(default="", max_length=MAX_TEXT, description="生效法律文书确定的义务")
    performance: Performance | None = Field(
        default=None, validate_default=True, description="none 全部未履行 / partial 部分未履行"
    )
    amount: Decimal | None = Field(default=None, ge=0, max_digits=18, decimal_places=2)
    conduct: MultiLine | None = Field(
        default=None, max_length=MAX_TEXT, validate_default=True, description="失信被执行人行为具体情形"
    )
    published_on: PastDate
    removed_on: PastDate | None = Field(default=None, validate_default=True)
    removal_reason: Line | None = Field(default=None, max_length=200)

    @field_validator("id_number")
    @classmethod
    def _valid_id(cls, value: str | None, info: ValidationInfo) -> str | None:
        subject = info.data.get("subject_type")
        if not value:
            if subject == "person":
                raise ValueError("个人须提供18位身份证号")
            return None
        try:
            return check_uscc(value) if subject == "organisation" else check_id_number(value)
        except UsccError as error:
            raise ValueError(f"统一社会信用代码有误：{error.reason}") from None
        except IdNumberError as error:
            raise ValueError(f"身份证号有误：{error.reason}") from None

    @field_validator("legal_representative")
    @classmethod
    def _organisations_only(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value and info.data.get("subject_type") == "person":
            raise ValueError("只有单位才填写法定代表人或负责人")
        return value or None

    @field_validator("case_no")
    @classmethod
    def _case_no(cls, value: str) -> str:
        return enforcement_case_no(value)

    @field_validator("performance")
    @classmethod
    def _performance(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is None and (info.context or {}).get("kind") == "dishonest":
            raise ValueError("失信被执行人名单须填写履行情况（none 全部未履行 / partial 部分未履行）")
        return value

    @field_validator("conduct")
    @classmethod
    def _conduct(cls, value: str | None, info: ValidationInfo) -> str | None:
        kind = (info.context or {}).get("kind")
        if kind == "dishonest" and not value:
            raise ValueError("失信被执行人名单须填写失信行为具体情形")
        if kind is not None and kind != "dishonest" and value:
            raise ValueError("只有失信被执行人名单填写失信行为具体情形")
        return value or None

    @field_validator("removed_on")
    @classmethod
    def _removed_after_published(cls, value: date | None, info: ValidationInfo) -> date | None:
        published = info.data.get("published_on")
        if value is not None and published is not None and value < published:
            raise ValueError("撤销（屏蔽）日期不能早于发布日期")
        return value


def check_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or any(ch.isspace() for ch in value):
        raise ValueError("链接应为 http:// 或 https:// 开头的完整网址")
    return value


class NoticePayload(_Payload):
    """A reward (悬赏) or auction (拍卖) notice of a court, with the link to where it is published."""

    kind: NoticeKind
    title: Line = Field(min_length=1, max_length=200)
    url: Line = Field(
        min_length=1, max_length=500, description="公告原文链接（法院网站、诉讼资产网、司法拍卖平台）"
    )
    court_code: Line | None = Field(
        default=None, max_length=16, description="法院代字，如浙0106；缺省时取案号中的"
    )
    court_name: Line | None = Field(default=None, min_length=1, max_length=64)
    case_no: Line | None = Field(default=None, max_length=64)
    summary: MultiLine = Field(default="", max_length=MAX_TEXT)
    published_on: PastDate
    ends_on: date | None = Field(default=None, description="悬赏截止日或拍卖日")
    withdrawn_on: PastDate | None = None

    @field_validator("url")
    @classmethod
    def _url(cls, value: str) -> str:
        return check_url(value)

    @field_validator("case_no")
    @classmethod
    def _case_no(cls, value: str | None) -> str | None:
        return enforcement_case_no(value) if value else None

"""What the enforcement management system sends: cases with parties and staff, and case events."""

from __future__ import annotations

import math
import re
import unicodedata
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, SecretStr, ValidationInfo, field_validator

from bot.identity.id_number import IdNumberError, check_id_number
from bot.identity.phone import PhoneError, normalize_mobile
from bot.identity.uscc import UsccError, check_uscc

SHANGHAI = ZoneInfo("Asia/Shanghai")
EARLIEST_YEAR = 1949
# A sender's clock may run a little ahead of ours; anything later than this is a data error.
FUTURE_SLACK = timedelta(days=1)
MAX_DETAILS_CHARS = 4000
MAX_DETAILS_DEPTH = 4

# Area codes: 010 and 02x have three digits, the rest four; local numbers have 7 or 8 digits.
_LANDLINE = re.compile(r"^(0(?:10|2\d|[3-9]\d{2}))-?([2-9]\d{6,7})(?:(?:-|转|#|ext\.?|x)(\d{1,6}))?$", re.I)
_MOBILE_LIKE = re.compile(r"^(?:\+86|0086|86)?1")


def _check_chars(value: str, *, multiline: bool) -> str:
    # PostgreSQL refuses NUL and lone surrogates cannot be encoded: both must stop here, as a 422.
    allowed = "\n\r\t" if multiline else ""
    for ch in value:
        category = unicodedata.category(ch)
        if category == "Cs" or (category == "Cc" and ch not in allowed):
            raise ValueError("含有控制字符或无效字符")
    return value


def _line(value: str) -> str:
    return _check_chars(value, multiline=False)


def _multiline(value: str) -> str:
    return _check_chars(value, multiline=True)


Line = Annotated[str, AfterValidator(_line)]
MultiLine = Annotated[str, AfterValidator(_multiline)]


def check_phone(text: str) -> str:
    """A mainland mobile (11 digits) or a landline with its area code (0571-88888888), normalised."""
    s = re.sub(r"[\s()（）]", "", unicodedata.normalize("NFKC", text))
    compact = s.replace("-", "")
    if _MOBILE_LIKE.match(compact):
        try:
            return normalize_mobile(compact)
        except PhoneError as error:
            raise ValueError(error.reason) from None
    match = _LANDLINE.match(s)
    if not match:
        raise ValueError("电话号码格式不正确：应为11位手机号，或带区号的固定电话，如0571-88888888")
    area, local, extension = match.groups()
    return f"{area}-{local}" + (f"-{extension}" if extension else "")


def _not_future(day: date) -> date:
    if day > (datetime.now(SHANGHAI) + FUTURE_SLACK).date():
        raise ValueError("日期不能晚于今天")
    if day.year < EARLIEST_YEAR:
        raise ValueError(f"日期不能早于{EARLIEST_YEAR}年")
    return day


PastDate = Annotated[date, AfterValidator(_not_future)]


class _Payload(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)


class PartyPayload(_Payload):
    """A party: 申请执行人, 被执行人, 利害关系人 or 案外人; a person or an organisation."""

    role: Literal["applicant", "respondent", "interested", "outsider"]
    kind: Literal["person", "organisation"]
    name: Line = Field(min_length=1, max_length=200)
    id_number: Line | None = Field(
        default=None, max_length=32, repr=False, description="个人为18位身份证号，单位为统一社会信用代码"
    )
    phone: Line | None = Field(
        default=None, max_length=32, repr=False, description="手机号或带区号的固定电话"
    )

    @field_validator("id_number")
    @classmethod
    def _valid_id(cls, value: str | None, info: ValidationInfo) -> str | None:
        if not value:
            return None
        kind = info.data.get("kind")
        try:
            if kind == "organisation":
                return check_uscc(value)
            if kind == "person":
                return check_id_number(value)
        except UsccError as error:
            raise ValueError(f"统一社会信用代码有误：{error.reason}") from None
        except IdNumberError as error:
            raise ValueError(f"身份证号有误：{error.reason}") from None
        return value

    @field_validator("phone")
    @classmethod
    def _valid_phone(cls, value: str | None) -> str | None:
        return check_phone(value) if value else None


class StaffPayload(_Payload):
    """A 承办人 (presiding), 合议庭成员 (panel) or 书记员 (clerk) and the span of the assignment."""

    staff_no: Line = Field(min_length=1, max_length=64)
    name: Line = Field(min_length=1, max_length=64)
    title: Line = Field(default="", max_length=32)
    office_phone: Line | None = Field(default=None, max_length=32)
    role: Literal["presiding", "panel", "clerk"]
    assigned_on: PastDate
    ended_on: PastDate | None = Field(default=None, validate_default=True)

    @field_validator("office_phone")
    @classmethod
    def _valid_phone(cls, value: str | None) -> str | None:
        return check_phone(value) if value else None

    @field_validator("ended_on")
    @classmethod
    def _after_start(cls, value: date | None, info: ValidationInfo) -> date | None:
        start = info.data.get("assigned_on")
        if value is not None and start is not None and value < start:
            raise ValueError("结束日期不能早于指派日期")
        return value


def _closing_types(info: ValidationInfo) -> dict[str, str] | None:
    catalogue = (info.context or {}).get("catalogue")
    return None if catalogue is None else dict(catalogue.closing_types)


class CasePayload(_Payload):
    """A case as the management system holds it; parties and staff replace what was stored."""

    court_code: Line | None = Field(default=None, max_length=16, description="缺省时取案号中的法院代字")
    court_name: Line | None = Field(default=None, min_length=1, max_length=64)
    case_type: Line | None = Field(default=None, max_length=8, description="缺省时取案号中的类型代字")
    filed_on: PastDate
    amount: Decimal | None = Field(default=None, ge=0, max_digits=18, decimal_places=2)
    cause: Line = Field(default="", max_length=100)
    basis_document: Line = Field(default="", max_length=200)
    status: Literal["open", "deferred", "suspended", "closed"] = "open"
    closing_type: Line | None = Field(default=None, max_length=32, validate_default=True)
    closed_on: PastDate | None = Field(default=None, validate_default=True)
    password: SecretStr | None = Field(
        default=None, min_length=6, max_length=32, description="查询密码（明文，到达即哈希）"
    )
    parties: list[PartyPayload] = Field(default_factory=list, max_length=200)
    staff: list[StaffPayload] = Field(default_factory=list, max_length=100)

    @field_validator("closing_type")
    @classmethod
    def _closing_type_iff_closed(cls, value: str | None, info: ValidationInfo) -> str | None:
        status = info.data.get("status")
        if status == "closed" and not value:
            raise ValueError("结案（status 为 closed）时必须填写结案方式")
        if status is not None and status != "closed" and value:
            raise ValueError("未结案时不应填写结案方式")
        known = _closing_types(info)
        if value and known is not None and value not in known:
            raise ValueError(f"未知的结案方式，应为以下之一：{'、'.join(known)}")
        return value or None

    @field_validator("closed_on")
    @classmethod
    def _closed_on(cls, value: date | None, info: ValidationInfo) -> date | None:
        if value is None:
            return None
        if info.data.get("status") != "closed":
            raise ValueError("未结案时不应填写结案日期")
        filed = info.data.get("filed_on")
        if filed is not None and value < filed:
            raise ValueError("结案日期不能早于立案日期")
        return value

    @field_validator("password")
    @classmethod
    def _password_chars(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None:
            _line(value.get_secret_value())
        return value


def _json_value(value: Any, depth: int) -> Any:
    """Details as plain JSON: Decimals and dates become strings; NUL, NaN and deep nesting are refused."""
    if depth > MAX_DETAILS_DEPTH:
        raise ValueError(f"嵌套不能超过{MAX_DETAILS_DEPTH}层")
    if isinstance(value, dict):
        return {
            _check_chars(str(key), multiline=False): _json_value(item, depth + 1)
            for key, item in value.items()
        }
    if isinstance(value, list | tuple):
        return [_json_value(item, depth + 1) for item in value]
    if isinstance(value, str):
        return _multiline(value)
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError("数值无效")
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    raise ValueError("只能包含 JSON 值")


class EventPayload(_Payload):
    """Something that happened in a case; `event_id` is the sender's id, so a replay is a no-op."""

    event_id: Line = Field(min_length=1, max_length=100)
    kind: Line = Field(min_length=1, max_length=48, description="事件类型代码，见 data/case_events.yaml")
    occurred_at: datetime = Field(description="无时区的时间按北京时间理解")
    summary: MultiLine = Field(min_length=1, max_length=500)
    details: dict[str, Any] = Field(default_factory=dict, description="如 amount、measure、item")

    @field_validator("kind")
    @classmethod
    def _known_kind(cls, value: str, info: ValidationInfo) -> str:
        catalogue = (info.context or {}).get("catalogue")
        if catalogue is not None and value not in catalogue.kinds:
            raise ValueError("未知的事件类型")
        return value

    @field_validator("occurred_at")
    @classmethod
    def _aware(cls, value: datetime) -> datetime:
        # Check the year before any arithmetic: offsets near year 1 or 9999 would overflow.
        if not EARLIEST_YEAR <= value.year <= 2200:
            raise ValueError(f"发生时间不合理：年份应在{EARLIEST_YEAR}年之后")
        if value.tzinfo is None or value.utcoffset() is None:
            value = value.replace(tzinfo=SHANGHAI)
        if value > datetime.now(UTC) + FUTURE_SLACK:
            raise ValueError("发生时间不能晚于当前时间")
        return value

    @field_validator("details")
    @classmethod
    def _plain_json(cls, value: dict[str, Any]) -> dict[str, Any]:
        cleaned: dict[str, Any] = _json_value(value, 0)
        if len(repr(cleaned)) > MAX_DETAILS_CHARS:
            raise ValueError(f"内容过长：不能超过约{MAX_DETAILS_CHARS}个字符")
        return cleaned

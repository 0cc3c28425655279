"""Parse and normalise Chinese court case numbers (案号) the way people type them."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

# Provincial court codes (法院代字) per the SPC rules on case numbers: 内 (not 蒙) is Inner Mongolia,
# 兵 the Xinjiang Production and Construction Corps branch, 军 the military courts.
_PROVINCES = frozenset("京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋内陕吉闽贵粤青藏川宁琼兵军")
# People reach for the everyday abbreviation; the court code for Inner Mongolia is 内.
_PROVINCE_ALIASES = {"蒙": "内"}
_SUPREME_COURT = "最高法"

# 类型代字 from the SPC 《人民法院案件类型及其代字标准》 (2015, with later additions such as 刑教, 民保令).
_ENFORCEMENT_TYPES = frozenset({"执", "执恢", "执保", "执异", "执复", "执监", "执协", "执他"})
# Beyond the standard, 民诉前调/诉前调 are the pre-filing mediation numbers many courts issue.
_OTHER_TYPES_TEXT = """
    刑辖 民辖 民辖终 民辖监 行辖 行辖终 赔辖 赔辖终
    刑初 刑终 刑监 刑申 刑抗 刑再 刑没 刑核 刑医 刑医解 刑医复 刑医监 刑止 刑止调 刑止核
    刑更 刑更监 刑更备 刑他 刑教 刑教解 刑教复 刑教监
    民初 民终 民监 民申 民抗 民再 民撤 民特 民特监 民催 民督 民督监 民他 民保令 民保更
    行初 行终 行监 行申 行抗 行再 行审 行审复 行他
    行赔初 行赔终 行赔监 行赔申 行赔抗 行赔再 行赔他 法赔 委赔 委赔监 赔确监 委赔提 委赔再 赔他
    司救刑 司救民 司救行 司救赔 司救执 司救访 司救他
    认台 认港 认澳 认复 认他 请台送 请港送 请澳送 台请送 港请送 澳请送
    请台调 请港调 请澳调 台请调 港请调 澳请调 请移管 助移管 请移赃 助移赃
    协外认 协他 协外送 请外送 协外调 请外调 请外移 协外移 请外引 协外引
    司惩 司惩复 财保 行保 行保复 证保 诉前调 民诉前调
    清申 破申 清终 破终 清监 破监 强清 破
"""
_OTHER_TYPES = frozenset(_OTHER_TYPES_TEXT.split())
TYPE_CODES = _ENFORCEMENT_TYPES | _OTHER_TYPES

# Traditional forms of the characters that occur in case numbers; a small explicit map keeps the
# conversion predictable (a phrase-level converter may rewrite more than it should).
_TRADITIONAL = str.maketrans(
    dict(
        zip(
            "執號監復異協終審賠轄醫調備沒認臺請訪懲財證強確訴贓滬遼魯蘇贛晉陝閩粵寧瓊雲內軍貴",
            "执号监复异协终审赔辖医调备没认台请访惩财证强确诉赃沪辽鲁苏赣晋陕闽粤宁琼云内军贵",
            strict=True,
        )
    )
)
_BRACKETS = str.maketrans(dict.fromkeys("〔【「『[{", "(") | dict.fromkeys("〕】」』]}", ")"))
# "二O二四": a Latin O typed for the zero inside a year written in Chinese numerals.
_LATIN_ZERO = re.compile(r"(?<=[〇○零一二三四五六七八九])[Oo]|[Oo](?=[〇○零一二三四五六七八九])")
_CHINESE_DIGITS = dict(zip("〇○零一二三四五六七八九", "000123456789", strict=True))
_EDGE_PUNCTUATION = "。.,，;；:：!！?？、\"'“”‘’《》<>"
_PREFIX = re.compile(r"^(?:案号|案件编号|执行案号)[:：]?")
_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))

FIRST_YEAR = 1949
MAX_SEQ = 999_999
# 刑事复核 numbers are eight random digits by rule, so they may exceed the usual range.
_MAX_SEQ_BY_TYPE = {"刑核": 99_999_999}


class CaseNumberError(ValueError):
    """A case number that cannot be read; `reason` says why, in words a citizen understands."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class CaseNumber:
    """A case number's four parts: (year) court code, type code, sequence 号."""

    year: int
    court_code: str
    type_code: str
    seq: int

    @property
    def canonical(self) -> str:
        return f"({self.year}){self.court_code}{self.type_code}{self.seq}号"

    @property
    def is_enforcement(self) -> bool:
        return self.type_code.startswith("执")

    def __str__(self) -> str:
        return self.canonical


def _normalise(text: str) -> str:
    s = unicodedata.normalize("NFKC", text).translate(_ZERO_WIDTH)
    s = "".join(s.split()).translate(_BRACKETS).translate(_TRADITIONAL)
    s = _LATIN_ZERO.sub("〇", s)
    s = s.strip(_EDGE_PUNCTUATION)
    return _PREFIX.sub("", s).strip(_EDGE_PUNCTUATION)


def _is_cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or ch in "〇○"


def _first_unrecognised(s: str) -> str | None:
    for ch in s:
        if not (ch.isascii() and ch.isdigit()) and ch not in "()" and not _is_cjk(ch):
            return ch
    return None


def _year_from(raw: str, today: date) -> int:
    raw = raw.removesuffix("年")
    if not raw:
        raise CaseNumberError("缺少年份，案号应以年份开头，如(2024)")
    digits = "".join(_CHINESE_DIGITS.get(ch, ch) for ch in raw)
    if not (digits.isascii() and digits.isdigit()):
        raise CaseNumberError("年份需为四位数字，如2024")
    if len(digits) == 2:
        raise CaseNumberError(f"年份“{digits}”只有两位，无法确定是哪一年，请写四位年份，如2024")
    if len(digits) != 4:
        raise CaseNumberError("年份需为四位数字，如2024")
    year = int(digits)
    if year < FIRST_YEAR:
        raise CaseNumberError(f"年份{year}不合理：不能早于{FIRST_YEAR}年")
    if year > today.year + 1:
        raise CaseNumberError(f"年份{year}不合理：不能晚于{today.year + 1}年")
    return year


def _split_year(s: str, today: date) -> tuple[int, str]:
    """The year and the rest of the text after it."""
    if s.startswith("("):
        close = s.find(")")
        if close < 0:
            raise CaseNumberError("括号不完整：年份前后应各有一个括号，如(2024)")
        return _year_from(s[1:close], today), s[close + 1 :]
    lead = re.match(r"[0-9〇○零一二三四五六七八九]+", s)
    if lead:
        raw = lead.group()
        rest = s[len(raw) :]
        if rest.startswith(")"):
            raise CaseNumberError("括号不完整：年份前后应各有一个括号，如(2024)")
        if rest.startswith("年"):
            rest = rest[1:]
        return _year_from(raw, today), rest
    if re.search(r"\(\d{4}\)", s):
        raise CaseNumberError("年份应放在案号最前面，如(2024)浙0102执1234号")
    raise CaseNumberError("缺少年份，案号应以年份开头，如(2024)")


def _split_court(s: str) -> tuple[str, str]:
    if not s or s.startswith("号"):
        raise CaseNumberError("缺少法院代字，如浙0102")
    if s.startswith(_SUPREME_COURT):
        return _SUPREME_COURT, s[len(_SUPREME_COURT) :]
    head = _PROVINCE_ALIASES.get(s[0], s[0])
    if head not in _PROVINCES:
        if s[0].isdigit() or any(s.startswith(code) for code in TYPE_CODES):
            raise CaseNumberError("缺少法院代字（省份简称），如浙0102")
        raise CaseNumberError(f"法院代字“{s[0]}”无法识别，应以省（区、市）简称开头，如浙0102")
    digits = re.match(r"\d*", s[1:])
    run = digits.group() if digits else ""
    rest = s[1 + len(run) :]
    if run and (not rest or rest.startswith("号")):
        raise CaseNumberError("缺少案件类型代字，如“执”")
    if len(run) not in (0, 2, 4):
        raise CaseNumberError(f"法院代字“{head}{run}”有误：省份简称后应为2位或4位数字，如浙01或浙0102")
    return head + run, rest


def _split_type(s: str) -> tuple[str, str]:
    match = re.match(r"[^\d()号]*", s)
    run = match.group() if match else ""
    rest = s[len(run) :]
    # Pre-2016 numbers read "执字第123号"; people still write it that way.
    code = re.sub(r"(?:字第|字|第)$", "", run)
    if not code:
        raise CaseNumberError("缺少案件类型代字，如“执”")
    if code not in TYPE_CODES:
        # Standard type codes have at most three characters; a longer run is quoted by its start only,
        # since it may be a name or other words the person typed.
        shown = code if len(code) <= 3 else code[0] + "…"
        raise CaseNumberError(f"案件类型代字“{shown}”无法识别，执行案件应为“执”“执恢”“执异”等")
    return code, rest


def _split_seq(s: str, type_code: str) -> tuple[int, str]:
    match = re.match(r"\d*", s)
    run = match.group() if match else ""
    if not run:
        raise CaseNumberError("缺少案件序号，如“执”后面的1234")
    seq = int(run)
    limit = _MAX_SEQ_BY_TYPE.get(type_code, MAX_SEQ)
    if not 1 <= seq <= limit:
        raise CaseNumberError(f"案件序号应在1到{limit}之间")
    return seq, s[len(run) :]


def parse_case_number(text: str, *, today: date | None = None) -> CaseNumber:
    """Read a case number as typed; raise CaseNumberError naming what is wrong."""
    s = _normalise(text)
    if not s:
        raise CaseNumberError("请输入案号，如(2024)浙0102执1234号")
    odd = _first_unrecognised(s)
    if odd is not None:
        raise CaseNumberError(f"含有无法识别的字符“{odd}”")
    year, rest = _split_year(s, today or date.today())
    if "(" in rest or ")" in rest:
        raise CaseNumberError("括号位置不对：只有年份需要加括号，如(2024)")
    court, rest = _split_court(rest)
    type_code, rest = _split_type(rest)
    seq, rest = _split_seq(rest, type_code)
    if rest.startswith("号"):
        rest = rest[1:]
    if rest:
        raise CaseNumberError(f"案号末尾有多余内容（从“{rest[0]}”开始），案号应以“号”结尾")
    return CaseNumber(year=year, court_code=court, type_code=type_code, seq=seq)

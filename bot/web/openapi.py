"""The OpenAPI 3.1 document of the management-system API, generated from the pydantic models."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, Field
from pydantic.json_schema import models_json_schema

from bot.case_lookup.catalogue import Catalogue
from bot.case_lookup.payloads import CasePayload, EventPayload

REF = "#/components/schemas/{model}"

CASE_EXAMPLE: dict[str, Any] = {
    "court_name": "杭州市上城区人民法院",
    "filed_on": "2024-03-01",
    "amount": "125000.00",
    "cause": "民间借贷纠纷",
    "basis_document": "(2023)浙0102民初4567号民事判决书",
    "status": "open",
    "password": "k7Q2m9",
    "parties": [
        {"role": "applicant", "kind": "person", "name": "张三", "id_number": "330102199001011234"},
        {
            "role": "respondent",
            "kind": "organisation",
            "name": "杭州某某贸易有限公司",
            "phone": "0571-87654321",
        },
    ],
    "staff": [
        {
            "staff_no": "SC0102-031",
            "name": "李明",
            "title": "审判员",
            "office_phone": "0571-88881234",
            "role": "presiding",
            "assigned_on": "2024-03-02",
        }
    ],
}
EVENT_EXAMPLE: dict[str, Any] = {
    "event_id": "EV-2024-000123",
    "kind": "property_frozen",
    "occurred_at": "2024-03-05T10:00:00+08:00",
    "summary": "冻结被执行人银行存款人民币5万元",
    "details": {"amount": "50000.00", "measure": "冻结", "item": "银行存款"},
}


class PartyRecord(BaseModel):
    role: str
    kind: str
    name: str
    id_number: str | None
    phone: str | None


class StaffRecord(BaseModel):
    staff_no: str
    name: str
    title: str
    office_phone: str | None
    role: str
    assigned_on: date
    ended_on: date | None


class EventRecord(BaseModel):
    event_id: str
    kind: str
    category: str
    occurred_at: datetime
    summary: str
    details: dict[str, Any]


class CaseRecord(BaseModel):
    """A stored case as GET returns it: everything but the password, of which only its presence."""

    case_no: str
    court_code: str
    court_name: str
    case_type: str
    filed_on: date
    amount: Decimal | None
    cause: str
    basis_document: str
    status: str
    closing_type: str | None
    closed_on: date | None
    has_password: bool
    parties: list[PartyRecord]
    staff: list[StaffRecord]
    events: list[EventRecord]
    updated_at: datetime


class WriteResult(BaseModel):
    case_no: str
    result: Literal["inserted", "updated", "duplicate"]
    event_id: str | None = None


class FieldError(BaseModel):
    path: str = Field(description="出错字段，如 parties.0.id_number；空串表示整个请求体")
    reason: str


class ErrorBody(BaseModel):
    errors: list[FieldError]


def _response(description: str, model: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": REF.format(model=model)}}},
    }


def _errors(*codes: int) -> dict[str, Any]:
    words = {
        400: "请求体不是有效的 JSON",
        401: "缺少或错误的访问令牌",
        404: "案件不存在",
        409: "并发写入冲突，请重试",
        413: "请求体过大",
        422: "数据校验未通过",
    }
    return {str(code): _response(words[code], "ErrorBody") for code in codes}


def _enum(schema: dict[str, Any], values: list[str]) -> None:
    """Put the catalogue's codes on a string property (or the string branch of an optional one)."""
    for branch in schema.get("anyOf", [schema]):
        if branch.get("type") == "string":
            branch["enum"] = values


def document(catalogue: Catalogue) -> dict[str, Any]:
    _, schemas = models_json_schema(
        [
            (CasePayload, "validation"),
            (EventPayload, "validation"),
            (CaseRecord, "serialization"),
            (WriteResult, "serialization"),
            (ErrorBody, "serialization"),
        ],
        ref_template=REF,
    )
    components = schemas["$defs"]
    _enum(components["EventPayload"]["properties"]["kind"], sorted(catalogue.kinds))
    _enum(components["CasePayload"]["properties"]["closing_type"], sorted(catalogue.closing_types))
    components["CasePayload"]["examples"] = [CASE_EXAMPLE]
    components["EventPayload"]["examples"] = [EVENT_EXAMPLE]
    case_no = {
        "name": "case_no",
        "in": "path",
        "required": True,
        "description": "案号，规范形式如 (2024)浙0102执1234号（需 URL 编码），也接受全角括号、〔〕等常见写法",
        "schema": {"type": "string", "minLength": 1, "maxLength": 100},
        "example": "(2024)浙0102执1234号",
    }
    secured: list[dict[str, list[str]]] = [{"bearer": []}]
    case_path = {
        "parameters": [case_no],
        "put": {
            "operationId": "putCase",
            "summary": "新增或更新案件（当事人、承办人员按所送内容整体替换）",
            "security": secured,
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": {"$ref": REF.format(model="CasePayload")}}},
            },
            "responses": {
                "200": _response("已新增或更新", "WriteResult"),
                **_errors(400, 401, 409, 413, 422),
            },
        },
        "get": {
            "operationId": "getCase",
            "summary": "读取案件（不含查询密码）",
            "security": secured,
            "responses": {"200": _response("案件", "CaseRecord"), **_errors(401, 404, 422)},
        },
    }
    events_path = {
        "parameters": [case_no],
        "post": {
            "operationId": "postEvent",
            "summary": "推送案件事件（按 event_id 幂等）",
            "security": secured,
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": {"$ref": REF.format(model="EventPayload")}}},
            },
            "responses": {
                "201": _response("已记录", "WriteResult"),
                "200": _response("重复推送，未作改动", "WriteResult"),
                **_errors(400, 401, 404, 409, 413, 422),
            },
        },
    }
    return {
        "openapi": "3.1.0",
        "info": {"title": "12368 热线：执行管理系统接口", "version": "1"},
        "paths": {"/api/v1/cases/{case_no}": case_path, "/api/v1/cases/{case_no}/events": events_path},
        "components": {
            "schemas": components,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
    }

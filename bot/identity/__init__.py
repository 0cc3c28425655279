"""Identifiers of people and organisations: ID numbers, credit codes, mobile numbers, and masking."""

from bot.identity.id_number import IdNumberError, check_id_number, id_check_digit, is_id_number
from bot.identity.masking import mask_id_number, mask_in_text, mask_name, mask_phone
from bot.identity.phone import PhoneError, is_mobile, normalize_mobile
from bot.identity.uscc import UsccError, check_uscc, is_uscc

__all__ = [
    "IdNumberError",
    "PhoneError",
    "UsccError",
    "check_id_number",
    "check_uscc",
    "id_check_digit",
    "is_id_number",
    "is_mobile",
    "is_uscc",
    "mask_id_number",
    "mask_in_text",
    "mask_name",
    "mask_phone",
    "normalize_mobile",
]

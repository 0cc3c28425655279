"""Where a ticket goes: the case's judge (承办人, or the panel of an 执异/执复 case) or a court's command centre."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.case_lookup.progress import PANEL_TYPES, current_staff
from bot.storage.models import Case, StaffAssignment


@dataclass(frozen=True)
class CaseStaff:
    """The people a party may contact about their case under §3.2 of the rules, in order."""

    presiding: StaffAssignment | None
    panel: tuple[StaffAssignment, ...]  # for 执异 / 执复: every current member, the presiding judge first

    @property
    def handler(self) -> StaffAssignment | None:
        """Whom a judge-contact request is routed to: the 承办人, else the first panel member."""
        return self.presiding or (self.panel[0] if self.panel else None)


def case_staff(case: Case) -> CaseStaff:
    running = [item for item in current_staff(case) if item.role != "clerk"]
    presiding = next((item for item in running if item.role == "presiding"), None)
    panel = tuple(running) if case.case_type in PANEL_TYPES else ()
    return CaseStaff(presiding, panel)


def find_case(session: Session, case_no: str) -> Case | None:
    return session.scalar(select(Case).where(Case.case_no == case_no))

"""The assistance part of the demo (run by `manage.py seed_demo` after the members' status reports).

Two open cases: one opened by YMTC's latest report, which asks for the secretariat's help with logistics (through
the same service a filed report calls), and one the secretariat opened itself for a Wuhan supplier's permit, assigned
and with a note of each kind. Running it again creates nothing.
"""

from django.contrib.auth import get_user_model
from django.db import transaction

from members.models import Organisation, StatusReport
from members.rules import actor_for_user

from . import services
from .models import AssistanceCase, CaseNote

PERMIT_CASE = "复工审批：区政府的复工许可材料已提交一周，尚未批复，影响石英件恢复供货。"


@transaction.atomic
def seed_demo() -> int:
    created = 0
    asking = StatusReport.objects.needing_help().select_related("organisation").order_by("-report_date").first()
    if asking is not None:
        created += len(services.cases_open_from_report(report=asking))

    supplier = Organisation.objects.filter(slug="guanggu-quartz").first()
    secretariat = get_user_model().objects.filter(is_staff=True, is_active=True).order_by("pk").first()
    if supplier is None or secretariat is None:
        return created
    if AssistanceCase.objects.filter(organisation=supplier, kind="permits", description=PERMIT_CASE).exists():
        return created
    actor = actor_for_user(secretariat)
    case = services.case_open(
        actor=actor, organisation=supplier, kind="permits", description=PERMIT_CASE, assignee=secretariat
    )
    services.case_add_note(actor=actor, case=case, text="已联系东湖高新区经信局，对方答复本周内批复。")
    services.case_add_note(
        actor=actor,
        case=case,
        text="秘书处已向东湖高新区经信局说明情况并转交材料，预计本周内批复，请保持电话畅通。",
        for_member=True,
    )
    return created + 1 + CaseNote.objects.filter(case=case).count()

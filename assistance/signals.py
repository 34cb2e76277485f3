"""assistance follows members' status reports: a report asking for the secretariat's help opens cases.

members may not import assistance, so members sends `status_report_saved` and this listens, inside the
transaction that saved the report (a case is opened with its report, or neither is).
"""

from django.dispatch import receiver

from members.signals import status_report_saved

from .services import cases_open_from_report


@receiver(status_report_saved, dispatch_uid="assistance.open_cases_from_report")
def open_cases_from_report(sender, report, **kwargs):
    cases_open_from_report(report=report)

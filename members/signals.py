"""Signals members sends so that other apps can follow its data without members importing them.

`status_report_saved(sender=StatusReport, report=..., created=..., actor=...)`: sent by
`members.services.status_report_file` inside its transaction, after the report and its days of stock are written;
assistance opens cases from it, and supply may feed a fab's reported days of stock into its requests' priority.
"""

from django.dispatch import Signal

status_report_saved = Signal()

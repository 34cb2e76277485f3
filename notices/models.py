"""Notices (announcements, acknowledgements) live here; the alert pipeline's tables in alert_models.py."""

from .alert_models import Event  # noqa: F401

"""How one alert travels: email (email.py), partner webhooks (webhook.py), group-chat robots (robots.py).

Each channel raises DeliveryError when a message did not arrive; the outbox (notices.alerts.services) decides
whether to retry.
"""


class DeliveryError(Exception):
    """The receiver did not take the message (refused, unreachable, timed out)."""

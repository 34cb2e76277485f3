"""Small display helpers of the supply pages: quantities without trailing zeros, priority parts in words."""

from decimal import Decimal

from django import template

from supply import priority

register = template.Library()


@register.filter
def qty(value) -> str:
    """50.000 → "50", 12.500 → "12.5" (never "5E+1")."""
    if value is None or value == "":
        return ""
    return f"{Decimal(value).normalize():f}"


@register.filter
def priority_part(part: dict) -> str:
    return priority.describe_part(part)


@register.filter
def priority_explanation(parts: list[dict]) -> str:
    return priority.explain(parts)

"""Small display helpers of the supply pages: quantities, units and money for the reader's language (supply.display),
priority parts in words."""

from django import template

from supply import display, priority

register = template.Library()


@register.filter
def qty(value) -> str:
    """50.000 → "50", 12.500 → "12.5", 20000 → "20,000" (never "5E+1")."""
    return display.quantity(value)


@register.filter
def unit_label(code) -> str:
    """ "pcs" → "片/件" (Chinese) or "pieces (片/件)" (English)."""
    return display.unit_label(code)


@register.filter
def money(value, currency) -> str:
    """{{ commitment.unit_price|money:commitment.currency }} → "1,200.50 元"."""
    return display.money(value, currency)


@register.filter
def priority_part(part: dict) -> str:
    return priority.describe_part(part)


@register.filter
def priority_explanation(parts: list[dict]) -> str:
    return priority.explain(parts)

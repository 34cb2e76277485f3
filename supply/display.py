"""Quantities with their units as a person reads them, in the active language: "20,000 片/件", "300 升". Numbers and
money are alliance_portal.formatting's; this adds supply's units. Pages (supply_ui's filters) and admin lists
(supply.admin.common.amount) show them through here."""

from alliance_portal.formatting import currency_label, money, quantity

from .models import Unit

__all__ = ["amount", "currency_label", "money", "quantity", "unit_label"]


def unit_label(code: str | None) -> str:
    """A unit's name in the active language; an unknown code as it is."""
    if not code:
        return ""
    return str(Unit(code).label) if code in Unit.values else code


def amount(value, unit: str | None) -> str:
    return f"{quantity(value)} {unit_label(unit)}".strip()

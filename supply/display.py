"""Quantities, units and money as a person reads them, in the active language: "20,000 片/件", "300 升",
"1,200.50 元". Every page and admin list of supply shows them through these (templates by supply_ui's filters)."""

from decimal import Decimal

from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from .models import Unit

# The currencies a commitment's price may be in, by their names in the reader's language.
CURRENCY_NAMES = {
    "CNY": _("yuan"),
    "USD": _("US dollars"),
    "EUR": _("euros"),
    "JPY": _("yen"),
    "KRW": _("won"),
}


def quantity(value) -> str:
    """50.000 → "50", 12.500 → "12.5", 20000 → "20,000" (grouped as the language writes numbers; never "5E+1")."""
    if value is None or value == "":
        return ""
    plain = Decimal(f"{Decimal(value).normalize():f}")
    return number_format(plain, use_l10n=True, force_grouping=True)


def unit_label(code: str | None) -> str:
    """A unit's name in the active language; an unknown code as it is."""
    if not code:
        return ""
    return str(Unit(code).label) if code in Unit.values else code


def amount(value, unit: str | None) -> str:
    return f"{quantity(value)} {unit_label(unit)}".strip()


def currency_label(code: str | None) -> str:
    if not code:
        return ""
    return str(CURRENCY_NAMES.get(code, code))


def money(value, currency: str | None) -> str:
    """1200.5 CNY → "1,200.50 元" ("1,200.50 yuan" in English)."""
    if value is None or value == "":
        return "—"
    figure = number_format(Decimal(value), decimal_pos=2, use_l10n=True, force_grouping=True)
    return f"{figure} {currency_label(currency)}".strip()

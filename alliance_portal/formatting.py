"""Numbers and money as a person reads them, in the active language: "20,000", "12.5", "1,200.50 元". Every app's
pages and admin lists format through these (templates by members' `portal_ui` filters `qty` and `money`), so a
figure reads the same wherever it is shown."""

from decimal import Decimal, InvalidOperation

from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

# Currencies by their names in the reader's language; another code is shown as it is.
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
    try:
        plain = Decimal(f"{Decimal(value).normalize():f}")
    except (InvalidOperation, ValueError, TypeError):
        return str(value)
    return number_format(plain, use_l10n=True, force_grouping=True)


def currency_label(code: str | None) -> str:
    if not code:
        return ""
    return str(CURRENCY_NAMES.get(code, code))


def money(value, currency: str | None) -> str:
    """1200.5 CNY → "1,200.50 元" ("1,200.50 yuan" in English); no amount → "—"."""
    if value is None or value == "":
        return "—"
    try:
        amount = Decimal(value)
    except (InvalidOperation, ValueError, TypeError):
        return str(value)
    figure = number_format(amount, decimal_pos=2, use_l10n=True, force_grouping=True)
    return f"{figure} {currency_label(currency)}".strip()

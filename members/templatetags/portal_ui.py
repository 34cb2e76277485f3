"""Bootstrap rendering of any Django form field, so every app's forms look alike without a form library."""

from datetime import timedelta

from django import template
from django.forms import BoundField
from django.forms.boundfield import BoundWidget
from django.utils.safestring import SafeString
from django.utils.translation import ngettext

from alliance_portal import formatting

register = template.Library()

_WIDGET_CLASS = {
    "checkbox": "form-check-input",
    "checkboxselectmultiple": "form-check-input",
    "radioselect": "form-check-input",
    "select": "form-select",
    "selectmultiple": "form-select",
    "nullbooleanselect": "form-select",
}


def _css_class(bound_field: BoundField) -> str:
    classes = [_WIDGET_CLASS.get(bound_field.widget_type, "form-control")]
    if own := bound_field.field.widget.attrs.get("class"):
        classes.append(own)
    if bound_field.errors:
        classes.append("is-invalid")
    return " ".join(classes)


@register.simple_tag
def bootstrap_widget(bound_field: BoundField) -> SafeString:
    attrs: dict[str, str | bool] = {"class": _css_class(bound_field)}
    described_by = []
    if bound_field.errors:
        attrs["aria-invalid"] = "true"
        described_by.append(f"{bound_field.auto_id}_error")
    if bound_field.help_text or length_hint(bound_field):
        described_by.append(f"{bound_field.auto_id}_helptext")
    if described_by and bound_field.auto_id:
        attrs["aria-describedby"] = " ".join(described_by)
    return bound_field.as_widget(attrs=attrs)


@register.simple_tag
def bootstrap_option(option: BoundWidget, bound_field: BoundField) -> SafeString:
    """One checkbox or radio of a multiple-choice field, without the label Django wraps around it."""
    option.data["attrs"] = {**option.data["attrs"], "class": _css_class(bound_field)}
    return option.tag(wrap_label=False)


@register.filter
def in_minutes(value: timedelta | None) -> int:
    if not value:
        return 0
    return max(1, round(value.total_seconds() / 60))


@register.simple_tag
def page_numbers(page_obj) -> list:
    """The page numbers to link to around the current page, with ellipses."""
    return list(page_obj.paginator.get_elided_page_range(page_obj.number, on_each_side=2, on_ends=1))


# Free text whose limit a person should see next to the box (a form's CharField with max_length).
_TEXT_WIDGETS = {"text", "textarea"}


@register.filter
def length_hint(bound_field: BoundField) -> str:
    """ "At most N characters." for a free-text field with a limit (the box's maxlength says it to the browser)."""
    limit = getattr(bound_field.field, "max_length", None)
    if not limit or bound_field.widget_type not in _TEXT_WIDGETS:
        return ""
    return ngettext("At most %(limit)d character.", "At most %(limit)d characters.", limit) % {"limit": limit}


@register.filter
def percent_of(value, total) -> int:
    """Whole per cent of `total` that `value` is, 0 to 100 (for a bar's width class `pct-N`); 0 when total is 0."""
    try:
        done, whole = float(value or 0), float(total or 0)
    except (TypeError, ValueError):
        return 0
    if whole <= 0:
        return 0
    return max(0, min(100, int(done * 100 // whole)))


@register.filter
def money(value, currency) -> str:
    """{{ pledge.amount|money:pledge.currency }} → "1,200.50 元" (alliance_portal.formatting)."""
    return formatting.money(value, currency)


@register.filter
def number(value) -> str:
    """A quantity grouped for the reader's language without trailing zeros: 20000.000 → "20,000"."""
    return formatting.quantity(value)

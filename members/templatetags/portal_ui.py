"""Bootstrap rendering of any Django form field, so every app's forms look alike without a form library."""

from datetime import timedelta
from html import escape  # what django.utils.html.escape calls, without its lazy-string wrapper

from django import template
from django.forms import BoundField
from django.forms.boundfield import BoundWidget
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
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


_TEMPLATE_ONLY = {"checkbox", "checkboxselectmultiple", "radioselect"}


@register.simple_tag
def bootstrap_field(bound_field: BoundField) -> SafeString:
    """{% include "includes/form_field.html" with field=... %} in Python, the same markup, for a text box or a
    select (any other field goes through the template): a page of filters (the secretariat's queue) paid more for
    the include per field than for the field itself. tests/members/test_portal_ui.py compares the two."""
    if bound_field.is_hidden or bound_field.widget_type in _TEMPLATE_ONLY:
        return render_to_string("includes/form_field.html", {"field": bound_field})
    field = bound_field.field
    if field.required:
        mark = '<span class="text-danger" aria-hidden="true"> *</span>'
    elif getattr(field, "required_when", None):
        hidden = "" if field.widget.attrs.get("required") else " hidden"
        mark = f'<span class="text-danger" aria-hidden="true" data-required-mark{hidden}> *</span>'
    else:
        mark = ""
    auto_id = escape(str(bound_field.auto_id))
    errors = (
        f'<div class="invalid-feedback d-block" id="{auto_id}_error">'
        f"{'<br>'.join(escape(str(error)) for error in bound_field.errors)}</div>"
        if bound_field.errors
        else ""
    )
    help_text, hint = str(bound_field.help_text or ""), length_hint(bound_field)
    helps = (
        f'<div class="form-text" id="{auto_id}_helptext">{escape(help_text)}{" " if help_text and hint else ""}'
        f"{escape(hint)}</div>"
        if help_text or hint
        else ""
    )
    return mark_safe(  # noqa: S308  # nosec B308, B703  # every text escaped above; the widget is a SafeString
        f'\n<div class="mb-3 portal-field">\n\n  <label class="form-label" for="{escape(bound_field.id_for_label)}">'
        f"{escape(str(bound_field.label))}{mark}</label>\n  {bootstrap_widget(bound_field)}\n  {errors}\n{helps}\n\n"
        "\n</div>\n\n"
    )


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

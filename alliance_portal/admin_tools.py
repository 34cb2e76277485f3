"""Admin scaffolding every app's admin shares, written once.

- `HistoryAdmin`: history to read, never to revert (a revert would write an old row back past the services).
- `QueuePaginator` / `QueueCountMixin`: changelists that never count a whole large table.
- `WorkflowOnlyMixin`: rows that change only through their workflow (the actions, which call the services).
- `apply_to_each`: runs a service on each selected row and turns every refusal into a message naming the row.
- `action_form_page`: the intermediate page of an action that needs input (a reason, a priority).
- `admin_actor`: the signed-in staff user as the services know it.
- `LengthHintMixin` (in `HistoryAdmin`, `ModelAdmin`, `TabularInline`, `StackedInline`, the bases every admin
  uses): each typed text box says its limit under it, "At most N characters.", as the portal's forms do
  (`portal_ui.length_hint`).

A service's refusal (ConflictError, NotAllowed, ValidationError) is always an admin message, never a 500.
"""

import json
from collections.abc import Callable
from typing import Any, ClassVar, cast

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import connections
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils.functional import cached_property
from django.utils.text import format_lazy
from django.utils.translation import gettext, ngettext_lazy
from simple_history.admin import SimpleHistoryAdmin

from members.rules import Actor, actor_for_user

from .errors import ConflictError, NotAllowed


def admin_actor(request) -> Actor:
    """The signed-in user of the admin (staff: the secretariat) as the services know it."""
    return actor_for_user(request.user)


def with_length_hint(formfield):
    """The form field with "At most N characters." after its help text, when it is a text box with a limit (the
    `maxlength` tells the browser; this tells the person)."""
    limit = getattr(formfield, "max_length", None)
    if not limit or not isinstance(getattr(formfield, "widget", None), forms.TextInput | forms.Textarea):
        return formfield
    hint = ngettext_lazy("At most %(limit)d character.", "At most %(limit)d characters.", "limit") % {"limit": limit}
    formfield.help_text = format_lazy("{} {}", formfield.help_text, hint) if formfield.help_text else hint
    return formfield


class LengthHintMixin:
    def formfield_for_dbfield(self, db_field, request, **kwargs):
        return with_length_hint(super().formfield_for_dbfield(db_field, request, **kwargs))


class ModelAdmin(LengthHintMixin, admin.ModelAdmin):
    pass


class TabularInline(LengthHintMixin, admin.TabularInline):
    pass


class StackedInline(LengthHintMixin, admin.StackedInline):
    pass


class HistoryAdmin(LengthHintMixin, SimpleHistoryAdmin):
    """History to read, not to revert: a revert would write an old row back past the services (un-revoking a key,
    un-withdrawing a member, a published notice back to a draft)."""

    def revert_disabled(self, request, obj=None):
        return True

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


# --- counting without counting the table ---------------------------------------------------------------------------


class QueuePaginator(Paginator):
    """Counts at most COUNT_CAP rows, so a page view costs the same with a thousand rows or a million.

    Past the cap the exact number is not worth a scan: on PostgreSQL the planner's estimate stands in (EXPLAIN, which
    reads no rows), elsewhere the count stops at the cap; the page then says "about" or "more than" (the app's
    admin/<app>/pagination.html, e.g. admin/supply/pagination.html). On PostgreSQL the estimate is asked every time,
    even when the capped count turns out exact, so a page makes the same queries whatever the size of the table.
    """

    COUNT_CAP = 1000

    count_is_exact = True

    @cached_property
    def count(self) -> int:
        rows: Any = self.object_list  # a QuerySet in the admin; a plain list is counted as it is
        if not hasattr(rows, "query"):
            return len(rows)
        estimate = self._estimate(rows)
        bounded = rows.order_by()[: self.COUNT_CAP + 1].count()
        if bounded <= self.COUNT_CAP:
            return bounded
        self.count_is_exact = False
        return max(estimate or 0, self.COUNT_CAP + 1)

    @property
    def count_is_estimated(self) -> bool:
        return not self.count_is_exact and self.count > self.COUNT_CAP + 1

    def _estimate(self, rows) -> int | None:
        """The planner's row estimate for this very query (no row is read); for the whole table it comes from
        pg_class.reltuples, for a filtered list from the column statistics."""
        if connections[rows.db].vendor != "postgresql":
            return None
        plan = rows.order_by().explain(format="json")
        try:
            return int(json.loads(plan)[0]["Plan"]["Plan Rows"])
        except (ValueError, KeyError, IndexError, TypeError):
            return None


class QueueCountMixin:
    paginator: ClassVar[type[Paginator]] = QueuePaginator  # a class attribute, as ModelAdmin declares it
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER  # a facet is a count per filter choice, over the whole list


# --- workflow rows and their actions -------------------------------------------------------------------------------


def refusal_message(obj: Any, reason: str) -> str:
    return gettext("%(object)s: %(reason)s") % {"object": obj, "reason": reason}


def service_error_text(error: Exception) -> str:
    """What a service's refusal says to a person."""
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    if isinstance(error, (ConflictError, NotAllowed)):
        return str(error.message)
    return str(error)


SERVICE_ERRORS = (ConflictError, NotAllowed, ValidationError)


def apply_to_each(
    modeladmin: admin.ModelAdmin,
    request,
    queryset,
    service: Callable[[Any], object],
    success: Callable[[int], str],
) -> int:
    """Runs `service(obj)` on each selected row; a refusal is one message naming the row, the rest go on.
    `success(n)` is an ngettext with a %(count)d placeholder. Returns how many rows the service accepted."""
    done = 0
    for obj in queryset:
        try:
            service(obj)
        except SERVICE_ERRORS as error:
            modeladmin.message_user(request, refusal_message(obj, service_error_text(error)), messages.ERROR)
        else:
            done += 1
    if done:
        modeladmin.message_user(request, success(done) % {"count": done}, messages.SUCCESS)
    return done


class WorkflowOnlyMixin:
    """Rows that change only through their workflow: no add, no delete, a read-only change page; the changelist
    actions (which need the change permission) are the way to move them."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request)

    def _apply(self, request, queryset, service, success) -> int:
        return apply_to_each(cast(admin.ModelAdmin, self), request, queryset, service, success)


def action_form_page(modeladmin, request, queryset, *, action: str, form, title: str, intro: str):
    """Renders the page that asks for the input (a reason, a priority) before an action runs on the selected rows."""
    select_across = request.POST.get("select_across") == "1"
    shown = list(queryset[:20])
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": title,
        "intro": intro,
        "opts": modeladmin.model._meta,
        "form": form,
        "action": action,
        "objects": shown,
        "more": max(queryset.count() - len(shown), 0) if len(shown) == 20 else 0,
        "select_across": select_across,
        # With "select all" the rows of the page are still posted (Django wants some), the action takes the filter.
        "selected": request.POST.getlist(helpers.ACTION_CHECKBOX_NAME),
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        "media": modeladmin.media,
    }
    return TemplateResponse(request, "admin/action_form.html", context)


class ServiceRefusalsAsMessagesMixin:
    """A change page whose save calls a service: a refusal the form could not foresee (a rule checked again under a
    lock, a right) rolls the whole save back and comes back to the same page as an error message, never a 500."""

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except SERVICE_ERRORS as error:
            self.message_user(request, service_error_text(error), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())


def adopt(target: Any, saved: Any) -> None:
    """Make the admin's unsaved object the row a service created, so the log entry and the redirect point at it."""
    for field in type(saved)._meta.concrete_fields:
        setattr(target, field.attname, getattr(saved, field.attname))
    target._state.adding = False
    target._state.db = saved._state.db


class ReadOnlyInline(TabularInline):
    """Rows shown with their parent that change only through the parent's workflow (transitions, lines,
    checkpoints)."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ReadOnlyAdminMixin:
    """A list to read (a log, a report): nothing is added, changed or deleted here."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

"""The secretariat works assistance cases here as on the portal pages: every change goes through the services
(actions for assigning, notes, resolving, closing), so the events go out and the stale flag follows."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from alliance_portal.admin_tools import (
    HistoryAdmin,
    ModelAdmin,
    QueueCountMixin,
    ReadOnlyAdminMixin,
    TabularInline,
    action_form_page,
    admin_actor,
    apply_to_each,
)

from . import services
from .models import DESCRIPTION_LENGTH, NOTE_LENGTH, AssistanceCase, CaseNote, MissingReportReminder

S = AssistanceCase.Status


class CaseNoteInline(TabularInline):
    model = CaseNote
    extra = 0
    can_delete = False
    fields = ("created_at", "author", "for_member", "text")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False  # notes are added with the action, which tells the member


class StaleFilter(admin.SimpleListFilter):
    title = _("stale")
    parameter_name = "stale"

    def lookups(self, request, model_admin):
        return [("yes", _("No note for the set number of days"))]

    def queryset(self, request, queryset):
        return queryset.filter(is_stale=True) if self.value() == "yes" else queryset


class ResolutionForm(forms.Form):
    resolution = forms.CharField(
        label=_("Resolution"), max_length=DESCRIPTION_LENGTH, widget=forms.Textarea(attrs={"rows": 3})
    )


class NoteForm(forms.Form):
    text = forms.CharField(label=_("Note"), max_length=NOTE_LENGTH, widget=forms.Textarea(attrs={"rows": 3}))
    for_member = forms.BooleanField(label=_("For the member (they see it and are told)"), required=False)


class CaseAdminForm(forms.ModelForm):
    class Meta:
        model = AssistanceCase
        fields = ("organisation", "kind", "description", "assignee")


@admin.register(AssistanceCase)
class AssistanceCaseAdmin(QueueCountMixin, HistoryAdmin):
    form = CaseAdminForm
    list_display = ("id", "kind", "organisation", "status", "assignee", "created_at", "last_activity_at", "stale")
    list_filter = ("status", StaleFilter, "kind", "assignee")
    list_select_related = ("organisation", "assignee")
    search_fields = ("description", "organisation__name_zh", "organisation__name_en")
    autocomplete_fields = ("organisation",)
    inlines = (CaseNoteInline,)
    actions = ("assign_to_me", "add_note", "resolve_selected", "close_selected")
    readonly_fields = (
        "status",
        "resolution",
        "source_report",
        "opened_by",
        "created_at",
        "resolved_at",
        "last_activity_at",
    )

    def get_queryset(self, request):
        return super().get_queryset(request).with_stale_flag()

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return self.readonly_fields
        # An existing case moves only through the actions.
        return (*self.readonly_fields, "organisation", "kind", "description", "assignee")

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("stale"), boolean=True, ordering="last_activity_at")
    def stale(self, obj):
        return getattr(obj, "is_stale", False)

    def save_model(self, request, obj, form, change):
        if change:
            return  # nothing editable on an existing case outside the actions
        case = services.case_open(
            actor=admin_actor(request),
            organisation=obj.organisation,
            kind=obj.kind,
            description=obj.description,
            assignee=obj.assignee,
        )
        obj.pk = case.pk
        obj._state.adding = False

    @admin.action(description=_("Assign the selected cases to me"), permissions=["change"])
    def assign_to_me(self, request, queryset):
        actor = admin_actor(request)
        apply_to_each(
            self,
            request,
            queryset,
            lambda case: services.case_assign(actor=actor, case=case, assignee=request.user),
            lambda n: ngettext("Assigned %(count)d case to you.", "Assigned %(count)d cases to you.", n),
        )

    @admin.action(description=_("Add a note to the selected cases…"), permissions=["change"])
    def add_note(self, request, queryset):
        form = NoteForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            actor = admin_actor(request)
            apply_to_each(
                self,
                request,
                queryset,
                lambda case: services.case_add_note(
                    actor=actor, case=case, text=form.cleaned_data["text"], for_member=form.cleaned_data["for_member"]
                ),
                lambda n: ngettext("Added the note to %(count)d case.", "Added the note to %(count)d cases.", n),
            )
            return None
        return action_form_page(
            self,
            request,
            queryset,
            action="add_note",
            form=form,
            title=gettext("Add a note"),
            intro=gettext("An internal note stays in the secretariat; a note for the member is shown to it and sent."),
        )

    def _with_resolution(self, request, queryset, *, action, to_status, title, intro, success):
        form = ResolutionForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            actor = admin_actor(request)
            apply_to_each(
                self,
                request,
                queryset,
                lambda case: services.case_transition(
                    actor=actor, case=case, to_status=to_status, resolution=form.cleaned_data["resolution"]
                ),
                success,
            )
            return None
        return action_form_page(self, request, queryset, action=action, form=form, title=title, intro=intro)

    @admin.action(description=_("Resolve the selected cases…"), permissions=["change"])
    def resolve_selected(self, request, queryset):
        return self._with_resolution(
            request,
            queryset,
            action="resolve_selected",
            to_status=S.RESOLVED,
            title=gettext("Resolve assistance cases"),
            intro=gettext("The member is told the resolution."),
            success=lambda n: ngettext("Resolved %(count)d case.", "Resolved %(count)d cases.", n),
        )

    @admin.action(description=_("Close the selected cases…"), permissions=["change"])
    def close_selected(self, request, queryset):
        return self._with_resolution(
            request,
            queryset,
            action="close_selected",
            to_status=S.CLOSED,
            title=gettext("Close assistance cases"),
            intro=gettext("A closed case cannot be reopened; say why it is closed."),
            success=lambda n: ngettext("Closed %(count)d case.", "Closed %(count)d cases.", n),
        )


@admin.register(MissingReportReminder)
class MissingReportReminderAdmin(QueueCountMixin, ReadOnlyAdminMixin, ModelAdmin):
    """The reminders sent to members that had not reported: one a day each, at most."""

    list_display = ("reminded_on", "organisation", "last_report_date")
    list_filter = ("reminded_on",)
    list_select_related = ("organisation",)
    search_fields = ("organisation__name_zh", "organisation__name_en")
    date_hierarchy = "reminded_on"

"""The secretariat's admin for notices: the notices with their history and attachments, and the acknowledgements.

Every write goes through notices.services with the signed-in secretariat as the actor, as from the web pages and the
API: composing and editing a draft (notice_create / notice_update), attachments (notice_attach), and the actions
(publish, archive, remind), whose refusals are messages. Once published, a notice is what the members were sent:
its change page is read-only except `pinned` (notice_set_pinned); an archived notice is read-only. History is there
to read, never to revert. The notice pages (/notices/secretariat/) are where the secretariat composes with a preview
and the audience count.
"""

from django import forms
from django.contrib import admin
from django.contrib.admin import helpers
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy

from alliance_portal.admin_tools import (
    HistoryAdmin,
    ModelAdmin,
    ServiceRefusalsAsMessagesMixin,
    TabularInline,
    admin_actor,
    adopt,
    apply_to_each,
)

from . import services
from .forms import add_notice_errors, attachment_content_type
from .models import Acknowledgement, Notice, NoticeAttachment

N = Notice.Status
EDITABLE = (N.DRAFT, N.SCHEDULED)
# What the workflow still changes on a published notice.
EDITABLE_ONCE_PUBLISHED = ("pinned",)


def _editable(notice: Notice | None) -> bool:
    return notice is None or notice.status in EDITABLE


class AttachmentInline(TabularInline):
    model = NoticeAttachment
    extra = 0
    fields = ["file", "name", "content_type", "size", "uploaded_at"]
    readonly_fields = ["name", "content_type", "size", "uploaded_at"]

    def has_add_permission(self, request, obj=None):
        return _editable(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return _editable(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return _editable(obj) and super().has_delete_permission(request, obj)

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        form = formset.form

        def clean_file(self):
            upload = self.cleaned_data.get("file")
            if upload and hasattr(upload, "content_type"):
                self.instance.content_type = attachment_content_type(upload)
                self.instance.name = upload.name[:200]
                self.instance.size = upload.size
            return upload

        form.clean_file = clean_file
        return formset


class AcknowledgementInline(TabularInline):
    model = Acknowledgement
    extra = 0
    readonly_fields = ("organisation", "user", "api_key", "at")
    fields = readonly_fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class NoticeAdminForm(forms.ModelForm):
    class Meta:
        model = Notice
        fields = [*services.NOTICE_FIELDS, "organisations"]

    def clean(self):
        cleaned = super().clean()
        if _editable(self.instance if self.instance.pk else None):
            add_notice_errors(self, cleaned, notice=self.instance if self.instance.pk else None)
        return cleaned


@admin.register(Notice)
class NoticeAdmin(ServiceRefusalsAsMessagesMixin, HistoryAdmin):
    form = NoticeAdminForm
    list_display = [
        "notice_title",
        "category",
        "status",
        "audience_kind",
        "pinned",
        "requires_ack",
        "is_public",
        "published_at",
    ]
    list_filter = ["status", "category", "audience_kind", "pinned", "requires_ack", "is_public"]
    search_fields = ["title_zh", "title_en"]
    date_hierarchy = "created_at"
    filter_horizontal = ["organisations"]
    inlines = [AttachmentInline, AcknowledgementInline]
    # Scheduling is publishing at a time (the notice pages or the API), so publish_at is not typed in here.
    RECORD_FIELDS = [
        "status",
        "publish_at",
        "published_at",
        "created_by",
        "created_at",
        "updated_at",
        "auto_reminded_at",
        "escalated_at",
        "last_reminded_at",
    ]
    actions = ["publish_now", "archive", "remind"]
    fieldsets = [
        (None, {"fields": ["title_zh", "title_en", "body_zh", "body_en", "category"]}),
        (_("Audience"), {"fields": ["audience_kind", "kinds", "provinces", "organisations"]}),
        (
            _("Publication"),
            {"fields": ["status", "publish_at", "published_at", "pinned", "requires_ack", "is_public"]},
        ),
        (
            _("Record"),
            {
                "fields": [
                    "created_by",
                    "created_at",
                    "updated_at",
                    "auto_reminded_at",
                    "escalated_at",
                    "last_reminded_at",
                ]
            },
        ),
    ]

    def get_readonly_fields(self, request, obj=None):
        if _editable(obj):
            return self.RECORD_FIELDS
        editable = EDITABLE_ONCE_PUBLISHED if obj.status == N.PUBLISHED else ()
        shown = [name for _title, options in self.fieldsets for name in options["fields"]]
        return [name for name in shown if name not in editable]

    def save_model(self, request, obj, form, change):
        actor = admin_actor(request)
        data = form.cleaned_data
        fields = {name: data[name] for name in services.NOTICE_FIELDS if name in data}
        if not change:
            saved = services.notice_create(actor=actor, organisations=data.get("organisations") or [], **fields)
            adopt(obj, saved)
        elif _editable(Notice.objects.get(pk=obj.pk)):
            services.notice_update(actor=actor, notice=obj, organisations=data.get("organisations"), **fields)
        elif "pinned" in form.changed_data:
            services.notice_set_pinned(actor=actor, notice=obj, pinned=data["pinned"])

    def save_related(self, request, form, formsets, change):
        # The audience (organisations) was written by the service; only the attachments are left.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def save_formset(self, request, form, formset, change):
        formset.save(commit=False)  # what changed, for the change message; written below through the service
        if formset.model is not NoticeAttachment:
            return  # acknowledgements are read-only
        actor = admin_actor(request)
        for attachment in formset.new_objects:
            services.notice_attach(
                actor=actor,
                notice=form.instance,
                file=attachment.file,
                content_type=attachment.content_type,
            )
        for attachment in formset.deleted_objects:
            attachment.delete()

    def _each(self, request, queryset, service, success) -> None:
        actor = admin_actor(request)
        apply_to_each(self, request, queryset, lambda notice: service(actor=actor, notice=notice), success)

    @admin.display(description=pgettext_lazy("notice", "title"), ordering="title_zh")
    def notice_title(self, obj):
        return obj.title

    @admin.action(description=_("Publish now"))
    def publish_now(self, request, queryset):
        """A notice that reaches more than a handful of organisations is published after a page that says how many
        (services.reach_to_confirm); the service refuses a number that is no longer right."""
        if request.POST.get("confirm") != "1":
            wide = [(notice, reach) for notice in queryset if (reach := services.reach_to_confirm(notice)) is not None]
            if wide:
                context = {
                    **self.admin_site.each_context(request),
                    "title": _("Confirm the publication"),
                    "opts": self.model._meta,
                    "wide": wide,
                    "selected": request.POST.getlist(helpers.ACTION_CHECKBOX_NAME),
                    "select_across": request.POST.get("select_across") == "1",
                    "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
                }
                return TemplateResponse(request, "admin/notices/confirm_reach.html", context)

        def confirmed(notice: Notice) -> int:
            value = request.POST.get(f"confirmed_reach_{notice.pk}", "")
            return int(value) if value.isdigit() else 0

        actor = admin_actor(request)
        apply_to_each(
            self,
            request,
            queryset,
            lambda notice: services.notice_publish(actor=actor, notice=notice, confirmed_reach=confirmed(notice)),
            lambda n: ngettext("%(count)d notice published.", "%(count)d notices published.", n),
        )
        return None

    @admin.action(description=_("Archive"))
    def archive(self, request, queryset):
        self._each(
            request,
            queryset,
            services.notice_archive,
            lambda n: ngettext("%(count)d notice archived.", "%(count)d notices archived.", n),
        )

    @admin.action(description=_("Remind the organisations that have not acknowledged"))
    def remind(self, request, queryset):
        self._each(
            request,
            queryset,
            services.notice_remind,
            lambda n: ngettext("%(count)d notice reminded.", "%(count)d notices reminded.", n),
        )


@admin.register(Acknowledgement)
class AcknowledgementAdmin(ModelAdmin):
    list_display = ["notice", "organisation", "user", "at"]
    list_filter = ["notice"]
    search_fields = ["organisation__name_zh", "organisation__name_en", "notice__title_en", "notice__title_zh"]
    list_select_related = ["notice", "organisation", "user"]
    readonly_fields = ["notice", "organisation", "user", "api_key", "at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


from .alerts import admin as alerts_admin  # noqa: E402, F401 - the alert pipeline's admin, kept in its own module

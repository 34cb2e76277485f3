"""The secretariat's admin for notices: the notices with their history and attachments, and the acknowledgements.

Publishing, archiving and reminding go through notices.services, as from the web pages and the API; the notice
pages (/notices/secretariat/) are where the secretariat composes with a preview and the audience count.
"""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from alliance_portal.errors import ConflictError

from . import services
from .forms import attachment_content_type
from .models import Acknowledgement, Notice, NoticeAttachment


class AttachmentInline(admin.TabularInline):
    model = NoticeAttachment
    extra = 0
    fields = ["file", "name", "content_type", "size", "uploaded_at"]
    readonly_fields = ["name", "content_type", "size", "uploaded_at"]

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


class AcknowledgementInline(admin.TabularInline):
    model = Acknowledgement
    extra = 0
    fields = ["organisation", "user", "api_key", "at"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Notice)
class NoticeAdmin(SimpleHistoryAdmin):
    list_display = [
        "title",
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
    readonly_fields = [
        "status",
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

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def _each(self, request, queryset, call, done_message):
        done = 0
        for notice in queryset:
            try:
                call(notice)
            except ConflictError as error:
                self.message_user(request, f"{notice}: {error.message}", messages.ERROR)
            else:
                done += 1
        if done:
            self.message_user(request, done_message(done), messages.SUCCESS)

    @admin.action(description=_("Publish now"))
    def publish_now(self, request, queryset):
        self._each(
            request,
            queryset,
            lambda notice: services.notice_publish(notice=notice, by=request.user),
            lambda n: ngettext("%(count)d notice published.", "%(count)d notices published.", n) % {"count": n},
        )

    @admin.action(description=_("Archive"))
    def archive(self, request, queryset):
        self._each(
            request,
            queryset,
            lambda notice: services.notice_archive(notice=notice, by=request.user),
            lambda n: ngettext("%(count)d notice archived.", "%(count)d notices archived.", n) % {"count": n},
        )

    @admin.action(description=_("Remind the organisations that have not acknowledged"))
    def remind(self, request, queryset):
        self._each(
            request,
            queryset,
            lambda notice: services.notice_remind(notice=notice, by=request.user),
            lambda n: ngettext("%(count)d notice reminded.", "%(count)d notices reminded.", n) % {"count": n},
        )


@admin.register(Acknowledgement)
class AcknowledgementAdmin(admin.ModelAdmin):
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

"""REST API of notices: `notices`, filtered to the caller's audience, and the `acknowledge` action.

A partner's key reads the notices addressed to its organisation, a signed-in member those of theirs, the secretariat
every notice (drafts and scheduled included). A notice outside the caller's audience is a 404. Acknowledging needs a
write key or the admin or member role; it is once per organisation, so a second call answers the first
acknowledgement again. The secretariat (signed-in staff) may also draft, publish and archive notices.
"""

import django_filters
from django.db.models import Exists, OuterRef, Subquery
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions, permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from alliance_portal.api import CreateWithOutputMixin, ListWithOutputMixin, column_max_length
from alliance_portal.api_auth import HasScope, get_caller
from alliance_portal.api_schema import PortalAutoSchema
from alliance_portal.errors import NotAllowed
from alliance_portal.filters import UpdatedSinceFilter
from alliance_portal.idempotency import IdempotentCreateMixin, idempotent
from members.models import Organisation
from members.regions import Province
from members.rules import MSG_NO_ORGANISATION

from . import services
from .models import Acknowledgement, Notice, NoticeAttachment
from .selectors import visible_notices


class AttachmentSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField(help_text=_("Download it with the same credentials."))

    class Meta:
        model = NoticeAttachment
        fields = ["id", "name", "content_type", "size", "url"]
        read_only_fields = fields

    def get_url(self, obj) -> str:
        path = reverse("notices:attachment", args=[obj.notice_id, obj.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path


class NoticeSerializer(serializers.ModelSerializer):
    # Stored when the notice is written (Notice.save): a read renders no Markdown.
    body_html_zh = serializers.CharField(read_only=True, help_text=_("body_zh rendered to HTML and sanitised."))
    body_html_en = serializers.CharField(read_only=True, help_text=_("body_en rendered to HTML and sanitised."))
    kinds = serializers.ListField(
        child=serializers.ChoiceField(choices=Organisation.Kind.choices),
        read_only=True,
        help_text=_("With audience_kind=kinds: the kinds of organisation addressed."),
    )
    provinces = serializers.ListField(
        child=serializers.ChoiceField(choices=Province.choices),
        read_only=True,
        help_text=_("With audience_kind=provinces: the provinces addressed."),
    )
    acknowledged = serializers.BooleanField(
        read_only=True, help_text=_("The caller's organisation has acknowledged this notice.")
    )
    acknowledged_at = serializers.DateTimeField(read_only=True, allow_null=True)
    attachments = AttachmentSerializer(many=True, read_only=True)

    class Meta:
        model = Notice
        fields = [
            "id",
            "title_zh",
            "title_en",
            "body_zh",
            "body_en",
            "body_html_zh",
            "body_html_en",
            "category",
            "status",
            "audience_kind",
            "kinds",
            "provinces",
            "pinned",
            "requires_ack",
            "is_public",
            "publish_at",
            "published_at",
            "updated_at",
            "acknowledged",
            "acknowledged_at",
            "attachments",
        ]
        read_only_fields = fields


BODY_MAX = column_max_length(Notice, "body_zh")


class NoticeWriteSerializer(serializers.Serializer):
    """A draft notice of the secretariat; publishing is its own action."""

    title_zh = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    title_en = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    body_zh = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=BODY_MAX, help_text=_("Markdown.")
    )
    body_en = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=BODY_MAX, help_text=_("Markdown.")
    )
    category = serializers.ChoiceField(choices=Notice.Category.choices)
    audience_kind = serializers.ChoiceField(choices=Notice.Audience.choices)
    kinds = serializers.ListField(
        child=serializers.ChoiceField(choices=Organisation.Kind.choices),
        required=False,
        default=list,
        max_length=len(Organisation.Kind.choices),
    )
    provinces = serializers.ListField(
        child=serializers.ChoiceField(choices=Province.choices),
        required=False,
        default=list,
        max_length=len(Province.choices),
    )
    organizations = serializers.SlugRelatedField(
        many=True,
        slug_field="slug",
        queryset=Organisation.objects.filter(status=Organisation.Status.ACTIVE),
        required=False,
        default=list,
        help_text=_("With audience_kind=organisations: the short names (slugs) of the organisations addressed."),
    )
    pinned = serializers.BooleanField(required=False, default=False)
    requires_ack = serializers.BooleanField(required=False, default=False)
    is_public = serializers.BooleanField(required=False, default=False)


class PublishSerializer(serializers.Serializer):
    publish_at = serializers.DateTimeField(
        required=False, allow_null=True, default=None, help_text=_("Omitted, null or past: publish now.")
    )


class IsSecretariat(permissions.BasePermission):
    message = _("Only the secretariat can do this.")

    def has_permission(self, request, view):
        return get_caller(request).actor.is_secretariat


class NoticeFilter(django_filters.FilterSet):
    category = django_filters.ChoiceFilter(choices=Notice.Category.choices, label=_("Category"))
    status = django_filters.ChoiceFilter(
        choices=Notice.Status.choices,
        label=_("Status (members only ever see published and archived notices; the secretariat sees all)"),
    )
    updated_since = UpdatedSinceFilter()
    unacknowledged = django_filters.BooleanFilter(
        method="filter_unacknowledged",
        label=_("true: only published notices asking for acknowledgement that your organisation has not acknowledged"),
    )

    class Meta:
        model = Notice
        fields: list[str] = []

    def filter_unacknowledged(self, queryset, name, value):
        waiting = {"status": Notice.Status.PUBLISHED, "requires_ack": True, "acknowledged": False}
        return queryset.filter(**waiting) if value else queryset.exclude(**waiting)


class CanAcknowledge(permissions.BasePermission):
    """An organisation's own act: its refusal (no organisation, not in good standing, read-only) is members.rules'."""

    message = _("Your role in your organisation is read-only; ask its administrator.")

    def has_permission(self, request, view):
        actor = get_caller(request).actor
        if actor.organisation is None:
            self.message = MSG_NO_ORGANISATION
            return False
        refusal = actor.refusal()
        if refusal is not None:
            self.message = refusal.message
            return False
        return True


@extend_schema_view(
    list=extend_schema(
        description=_(
            "The notices addressed to the caller's organisation (a key's, or the signed-in member's), pinned first "
            "then newest; the secretariat sees every notice, drafts included. `unacknowledged=true` lists what "
            "your organisation still has to acknowledge."
        )
    ),
    retrieve=extend_schema(description=_("One notice; a notice not addressed to your organisation is a 404.")),
    create=extend_schema(description=_("The secretariat drafts a notice (signed-in staff only); publish it next.")),
)
class NoticeViewSet(IdempotentCreateMixin, CreateWithOutputMixin, ListWithOutputMixin, viewsets.ReadOnlyModelViewSet):
    """The secretariat's notices, bilingual, with their Markdown and its sanitised HTML, and whether the caller's
    organisation has acknowledged them."""

    serializer_class = NoticeSerializer
    write_serializer_class = NoticeWriteSerializer
    filterset_class = NoticeFilter
    permission_classes = [HasScope]
    search_fields = ["title_zh", "title_en"]
    ordering_fields = ["published_at", "updated_at"]
    ordering = ["-pinned", "-published_at", "-pk"]
    idempotent_actions = ("create", "acknowledge", "publish", "archive")
    schema = PortalAutoSchema()

    def get_queryset(self):
        caller = get_caller(self.request)
        notices = visible_notices(organisation=caller.organisation, is_staff=caller.is_staff)
        acknowledgements = Acknowledgement.objects.filter(notice=OuterRef("pk"), organisation_id=caller.organisation_id)
        notices = notices.annotate(
            acknowledged=Exists(acknowledgements),
            acknowledged_at=Subquery(acknowledgements.order_by().values("at")[:1]),  # one at most
        )
        if self.action != "list":
            return notices.prefetch_related("attachments")
        # A list page loads its rows' attachments itself (prepare_page), only for the rows that have any.
        return notices.annotate(has_attachments=Exists(NoticeAttachment.objects.filter(notice=OuterRef("pk"))))

    def prepare_page(self, rows):
        """The attachments of the page's rows that have any, in one plain query (none when no row has one, as on
        most pages), put where `notice.attachments.all()` reads them: Django's prefetch machinery costs more than
        the query itself."""
        found: dict[int, list[NoticeAttachment]] = {notice.pk: [] for notice in rows}
        with_files = [notice.pk for notice in rows if notice.has_attachments]
        for attachment in NoticeAttachment.objects.filter(notice_id__in=with_files) if with_files else ():
            found[attachment.notice_id].append(attachment)
        for notice in rows:
            notice.__dict__.setdefault("_prefetched_objects_cache", {})["attachments"] = found[notice.pk]

    def get_permissions(self):
        permissions_ = super().get_permissions()
        if self.action in ("create", "publish", "archive"):
            permissions_.append(IsSecretariat())
        return permissions_

    def retrieve(self, request, *args, **kwargs):
        return Response(self.get_serializer(self.get_object()).data)

    def perform_create(self, serializer):
        fields = dict(serializer.validated_data)
        organisations = fields.pop("organizations", [])
        serializer.instance = services.notice_create(
            actor=get_caller(self.request).actor, organisations=organisations, **fields
        )

    def get_created_instance(self, instance):
        return self.get_queryset().get(pk=instance.pk)

    def _answer(self, notice) -> Response:
        return Response(self.get_output_serializer(self.get_queryset().get(pk=notice.pk)).data)

    @extend_schema(
        request=PublishSerializer,
        responses={200: NoticeSerializer},
        description=_(
            "The secretariat publishes a draft or scheduled notice now, or schedules it for `publish_at`; "
            "409 if it is already published or archived."
        ),
    )
    @action(detail=True, methods=["post"])
    @idempotent
    def publish(self, request, pk=None):
        notice = self.get_object()
        body = PublishSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.notice_publish(actor=get_caller(request).actor, notice=notice, at=body.validated_data["publish_at"])
        return self._answer(notice)

    @extend_schema(request=None, responses={200: NoticeSerializer}, description=_("The secretariat archives a notice."))
    @action(detail=True, methods=["post"])
    @idempotent
    def archive(self, request, pk=None):
        notice = self.get_object()
        services.notice_archive(actor=get_caller(request).actor, notice=notice)
        return self._answer(notice)

    @extend_schema(
        request=None,
        responses={200: NoticeSerializer},
        description=_(
            "Your organisation acknowledges the notice (once per organisation: calling again changes nothing and "
            "answers the same). Admins, members and write keys; 409 if the notice asks for no acknowledgement."
        ),
    )
    @action(detail=True, methods=["post"], permission_classes=[HasScope, CanAcknowledge])
    @idempotent
    def acknowledge(self, request, pk=None):
        notice = self.get_object()
        try:
            services.notice_acknowledge(actor=get_caller(request).actor, notice=notice)
        except NotAllowed as error:
            if error.code == services.NOT_IN_AUDIENCE:
                raise exceptions.NotFound() from None
            raise
        return self._answer(notice)

"""`assistance-cases`: the difficulties the secretariat helps members with, and their notes (a sub-resource).

An organisation (its users and keys) reads its own cases and only the notes written for it; another organisation's
case is a 404. The secretariat reads everything and works the cases: opens one, assigns it, writes notes (internal
or for the member), resolves, closes or reopens it. Each step is an action (POST) answering the case as it now is; a
step the case's status does not allow is a 409. Nothing is deleted.
"""

from typing import Any

import django_filters
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from alliance_portal.api import CreateWithOutputMixin, ETagRetrieveMixin, ListWithOutputMixin
from alliance_portal.api_auth import HasScope, IsStaffOrReadOnly, get_caller
from alliance_portal.api_schema import PortalAutoSchema
from alliance_portal.filters import UpdatedSinceFilter
from alliance_portal.idempotency import IdempotentCreateMixin, idempotent
from alliance_portal.pagination import UncountedPagination
from members.models import Difficulty, Organisation, StatusReport

from . import selectors, services
from .models import DESCRIPTION_LENGTH, NOTE_LENGTH, AssistanceCase, CaseNote

S = AssistanceCase.Status


class CaseNoteSerializer(serializers.ModelSerializer):
    author = serializers.SerializerMethodField()

    class Meta:
        model = CaseNote
        fields = ["id", "text", "for_member", "author", "created_at"]
        read_only_fields = fields

    def get_author(self, obj) -> str | None:
        return (obj.author.get_full_name() or obj.author.get_username()) if obj.author else None


class CaseNoteWriteSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=NOTE_LENGTH)
    for_member = serializers.BooleanField(
        default=False, help_text=_("true: the member sees it and is told; false (default): internal.")
    )


class AssistanceCaseSerializer(serializers.ModelSerializer):
    type = serializers.ChoiceField(source="kind", choices=Difficulty.choices, read_only=True)
    organization: serializers.SlugRelatedField[Organisation] = serializers.SlugRelatedField(
        source="organisation", slug_field="slug", read_only=True
    )
    assignee = serializers.SerializerMethodField(help_text=_("Who in the secretariat works the case."))
    source_report: serializers.PrimaryKeyRelatedField[StatusReport] = serializers.PrimaryKeyRelatedField(
        read_only=True, help_text=_("Id of the status report that opened it (status-reports), if one did.")
    )
    is_stale = serializers.BooleanField(
        read_only=True, help_text=_("Open or in progress with no note for the set number of days.")
    )
    notes = serializers.SerializerMethodField(help_text=_("Every note for the secretariat; the member's own only."))
    allowed_transitions = serializers.SerializerMethodField()

    class Meta:
        model = AssistanceCase
        fields = [
            "id",
            "type",
            "organization",
            "description",
            "status",
            "assignee",
            "resolution",
            "source_report",
            "is_stale",
            "created_at",
            "updated_at",
            "resolved_at",
            "last_activity_at",
            "notes",
            "allowed_transitions",
        ]
        read_only_fields = fields

    def get_assignee(self, obj) -> str | None:
        return (obj.assignee.get_full_name() or obj.assignee.get_username()) if obj.assignee else None

    @extend_schema_field(CaseNoteSerializer(many=True))
    def get_notes(self, obj) -> list[dict[str, Any]]:
        notes = getattr(obj, "visible_notes", None)
        if notes is None:
            notes = selectors.visible_notes(get_caller(self.context["request"]).actor, obj)
        # many=True makes a ListSerializer, whose data is a list (a ReturnList); the stubs say ReturnDict.
        return CaseNoteSerializer(notes, many=True).data  # type: ignore[return-value]

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=S.choices)))
    def get_allowed_transitions(self, obj) -> list[str]:
        return services.allowed_statuses(obj, get_caller(self.context["request"]).actor)


class AssistanceCaseCreateSerializer(serializers.Serializer):
    organization = serializers.SlugRelatedField(slug_field="slug", queryset=Organisation.objects.all())
    type = serializers.ChoiceField(choices=Difficulty.choices)
    description = serializers.CharField(max_length=DESCRIPTION_LENGTH)
    assignee = serializers.PrimaryKeyRelatedField(
        queryset=get_user_model().objects.filter(is_staff=True, is_active=True),
        required=False,
        allow_null=True,
        help_text=_("User id of someone of the secretariat."),
    )


class AssignSerializer(serializers.Serializer):
    assignee = serializers.PrimaryKeyRelatedField(
        queryset=get_user_model().objects.filter(is_staff=True, is_active=True),
        help_text=_("User id of someone of the secretariat."),
    )


class ResolutionSerializer(serializers.Serializer):
    resolution = serializers.CharField(
        max_length=DESCRIPTION_LENGTH, required=False, allow_blank=True, help_text=_("What was done, or why.")
    )


class CaseFilter(django_filters.FilterSet):
    organization = django_filters.CharFilter(field_name="organisation__slug", label=_("Short name (slug)"))
    type = django_filters.ChoiceFilter(field_name="kind", choices=Difficulty.choices, label=_("Type"))
    status = django_filters.ChoiceFilter(choices=S.choices, label=_("Status"))
    stale = django_filters.BooleanFilter(field_name="is_stale", label=_("No note for the set number of days"))
    updated_since = UpdatedSinceFilter()

    class Meta:
        model = AssistanceCase
        fields: list[str] = []


class CaseWritePermission(permissions.BasePermission):
    """Only the secretariat works cases; members read their own."""

    message = _("Only the secretariat can do this.")

    def has_permission(self, request, view):
        return request.method in permissions.SAFE_METHODS or get_caller(request).is_staff


def _step_schema(description, body=None):
    return extend_schema(description=description, request=body, responses={200: AssistanceCaseSerializer})


@extend_schema_view(
    list=extend_schema(description=_("Your organisation's cases (the secretariat sees all), newest first.")),
    create=extend_schema(description=_("Secretariat only: opens a case for a member.")),
)
class AssistanceCaseViewSet(
    IdempotentCreateMixin, CreateWithOutputMixin, ListWithOutputMixin, ETagRetrieveMixin, viewsets.GenericViewSet
):
    """Assistance cases and their notes."""

    serializer_class = AssistanceCaseSerializer
    write_serializer_class = AssistanceCaseCreateSerializer
    filterset_class = CaseFilter
    pagination_class = UncountedPagination
    ordering_fields = ["created_at", "updated_at", "last_activity_at"]
    ordering = ["-created_at", "-pk"]
    permission_classes = [HasScope, CaseWritePermission]
    idempotent_actions = ("create", "assign", "resolve", "close", "reopen", "notes")
    schema = PortalAutoSchema()

    def _actor(self):
        return get_caller(self.request).actor

    def get_queryset(self):
        return selectors.with_notes(selectors.visible_cases(self._actor()), self._actor())

    def get_permissions(self):
        if self.action == "create":
            return [HasScope(), IsStaffOrReadOnly()]
        return super().get_permissions()

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.case_open(
            actor=self._actor(),
            organisation=data["organization"],
            kind=data["type"],
            description=data["description"],
            assignee=data.get("assignee"),
        )

    def get_created_instance(self, instance):
        return self.get_queryset().get(pk=instance.pk)

    def _answer(self, case) -> Response:
        case = self.get_queryset().get(pk=case.pk)
        return Response(self.get_output_serializer(case).data, headers={"ETag": self.etag_for(case)})

    @_step_schema(
        _("Assigns the case to someone of the secretariat; an open case is then in progress."), AssignSerializer
    )
    @action(detail=True, methods=["post"])
    @idempotent
    def assign(self, request, pk=None):
        case = self.get_object()
        body = AssignSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.case_assign(actor=self._actor(), case=case, assignee=body.validated_data["assignee"])
        return self._answer(case)

    def _transition(self, to_status: str):
        case = self.get_object()
        body = ResolutionSerializer(data=self.request.data)
        body.is_valid(raise_exception=True)
        services.case_transition(
            actor=self._actor(), case=case, to_status=to_status, resolution=body.validated_data.get("resolution", "")
        )
        return self._answer(case)

    @_step_schema(_("Resolves the case, saying what was done; the member is told."), ResolutionSerializer)
    @action(detail=True, methods=["post"])
    @idempotent
    def resolve(self, request, pk=None):
        return self._transition(S.RESOLVED)

    @_step_schema(_("Closes the case (done, or not to be pursued), saying why."), ResolutionSerializer)
    @action(detail=True, methods=["post"])
    @idempotent
    def close(self, request, pk=None):
        return self._transition(S.CLOSED)

    @_step_schema(_("Takes a resolved case up again (in progress)."))
    @action(detail=True, methods=["post"])
    @idempotent
    def reopen(self, request, pk=None):
        return self._transition(S.IN_PROGRESS)

    @extend_schema(
        methods=["GET"],
        description=_("The case's notes: all of them for the secretariat, those written for it for the member."),
        responses={200: CaseNoteSerializer(many=True)},
    )
    @extend_schema(
        methods=["POST"],
        description=_("Secretariat only: adds a note, internal or for the member (who is told)."),
        request=CaseNoteWriteSerializer,
        responses={201: CaseNoteSerializer},
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None, filterset_class=None)
    @idempotent
    def notes(self, request, pk=None):
        case = self.get_object()
        if request.method == "GET":
            notes = selectors.visible_notes(self._actor(), case)
            return Response(CaseNoteSerializer(notes, many=True).data)
        return self._add_note(request, case)

    def _add_note(self, request, case):
        body = CaseNoteWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        note = services.case_add_note(
            actor=self._actor(),
            case=case,
            text=body.validated_data["text"],
            for_member=body.validated_data["for_member"],
        )
        return Response(CaseNoteSerializer(note).data, status=status.HTTP_201_CREATED)

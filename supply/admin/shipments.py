"""Commitments' shipments in the admin: read-only, with their checkpoints; they change through their workflow
(supply.services: the carrier's steps, the fab's receipt on the commitment)."""

from django.contrib import admin

from alliance_portal.admin_tools import HistoryAdmin, ReadOnlyInline, WorkflowOnlyMixin

from ..models import Shipment, ShipmentCheckpoint


class CheckpointInline(ReadOnlyInline):
    model = ShipmentCheckpoint
    readonly_fields = ("at", "kind", "place", "note", "recorded_by", "recorded_by_key")
    fields = readonly_fields


@admin.register(Shipment)
class CommitmentShipmentAdmin(WorkflowOnlyMixin, HistoryAdmin):
    list_display = ["id", "commitment", "carrier", "tracking_number", "status", "un_number", "storage_class"]
    list_filter = ["status", "carrier"]
    search_fields = ["tracking_number", "carrier__name_zh", "carrier__name_en", "commitment__request__material"]
    list_select_related = ["commitment", "commitment__supplier", "carrier"]
    inlines = [CheckpointInline]

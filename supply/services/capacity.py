"""What suppliers say they can ship (capacity per category) and which fabs have qualified which supplier."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from members.models import MaterialCategory, Organisation
from members.rules import Actor, require_write

from ..models import Qualification, SupplierCapacity


@transaction.atomic
def capacity_save(
    *,
    actor: Actor,
    category: MaterialCategory,
    quantity_per_week: Decimal,
    unit: str,
    lead_time_days: int,
    notes: str = "",
    supplier: Organisation | None = None,
) -> SupplierCapacity:
    """A supplier states (or re-states) its capacity for a category, or the secretariat records what a supplier
    told it (`supplier`); either way the figures are confirmed as of now."""
    supplier = supplier if supplier is not None else actor.organisation
    require_write(actor, organisation=supplier, kinds={Organisation.Kind.SUPPLIER})
    if supplier is None or supplier.kind != Organisation.Kind.SUPPLIER:
        raise ValidationError({"supplier": _("Only a materials supplier states capacity.")})
    capacity, _created = SupplierCapacity.objects.select_for_update().get_or_create(
        supplier=supplier,
        category=category,
        defaults={"quantity_per_week": quantity_per_week, "unit": unit, "lead_time_days": lead_time_days},
    )
    capacity.quantity_per_week = quantity_per_week
    capacity.unit = unit
    capacity.lead_time_days = lead_time_days
    capacity.notes = notes
    capacity.confirmed_at = timezone.now()
    capacity.full_clean()
    capacity.save()
    return capacity


@transaction.atomic
def qualification_add(
    *, fab: Organisation, supplier: Organisation, category: MaterialCategory, actor: Actor, note: str = ""
) -> Qualification:
    """The fab (or the secretariat for it) records that it has qualified a supplier for a category."""
    require_write(actor, organisation=fab)
    if fab.kind != Organisation.Kind.FAB:
        raise ValidationError({"fab": _("Only a fab qualifies suppliers.")})
    if supplier.kind != Organisation.Kind.SUPPLIER:
        raise ValidationError({"supplier": _("Only a materials supplier can be qualified.")})
    qualification, _created = Qualification.objects.get_or_create(
        fab=fab, supplier=supplier, category=category, defaults={"note": note}
    )
    return qualification

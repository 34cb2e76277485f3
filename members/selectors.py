from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet

from .models import Membership, Organisation, RiskArea, RiskLevel


def membership_for(user: AbstractBaseUser | AnonymousUser) -> Membership | None:
    """The user's membership, with its organisation; cached on the user object for the request."""
    if not user.is_authenticated:
        return None
    if not hasattr(user, "_membership_cache"):
        user._membership_cache = Membership.objects.select_related("organisation").filter(user=user).first()
    return user._membership_cache


def organisation_directory() -> QuerySet[Organisation]:
    """Active organisations with only their public fields' relations loaded."""
    return (
        Organisation.objects.public()
        .only("slug", "name_zh", "name_en", "kind", "province", "city", "city_en", "status")
        .prefetch_related("categories_supplied", "categories_consumed")
        .order_by("name_en")
    )


def current_risk_level(*, province: str, city: str) -> str:
    """The risk level in force for a city; a city the authorities have not listed counts as low."""
    area = RiskArea.objects.filter(province=province, city=city).only("level").first()
    return area.level if area else RiskLevel.LOW

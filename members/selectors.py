import time

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Prefetch, Q, QuerySet

from .models import MaterialCategory, Membership, Organisation, RiskArea, RiskLevel


def membership_for(user: User | AnonymousUser) -> Membership | None:
    """The user's membership, with its organisation; cached on the user object for the request."""
    if not user.is_authenticated:
        return None
    # The cache is an attribute the user model does not declare, set on this one object (hence the ignores).
    if not hasattr(user, "_membership_cache"):
        membership = Membership.objects.select_related("organisation").filter(user=user).first()
        user._membership_cache = membership  # type: ignore[attr-defined]
    cached: Membership | None = user._membership_cache  # type: ignore[attr-defined]
    return cached


DIRECTORY_FIELDS = ("slug", "name_zh", "name_en", "kind", "province", "city", "city_en", "status")


def organisation_directory(
    *, search: str = "", kind: str = "", province: str = "", category: MaterialCategory | None = None
) -> QuerySet[Organisation]:
    """Active organisations with only their public fields (never credit codes, addresses or contacts) loaded,
    optionally filtered; a category matches whether the organisation supplies or consumes it."""
    organisations = Organisation.objects.public()
    if search:
        organisations = organisations.filter(Q(name_zh__icontains=search) | Q(name_en__icontains=search))
    if kind:
        organisations = organisations.filter(kind=kind)
    if province:
        organisations = organisations.filter(province=province)
    if category is not None:
        # Subqueries rather than joins: an organisation both supplying and consuming it is listed once.
        supplied = Organisation.categories_supplied.through.objects.filter(materialcategory=category)
        consumed = Organisation.categories_consumed.through.objects.filter(materialcategory=category)
        organisations = organisations.filter(
            Q(pk__in=supplied.values("organisation_id")) | Q(pk__in=consumed.values("organisation_id"))
        )
    categories = MaterialCategory.objects.only("code", "name_zh", "name_en", "sort_order")
    return (
        organisations.only(*DIRECTORY_FIELDS)
        .prefetch_related(
            Prefetch("categories_supplied", queryset=categories), Prefetch("categories_consumed", queryset=categories)
        )
        .order_by("name_en", "pk")
    )


def current_risk_level(*, province: str, city: str) -> str:
    """The risk level in force for a city; a city the authorities have not listed counts as low."""
    area = RiskArea.objects.filter(province=province, city=city).only("level").first()
    return area.level if area else RiskLevel.LOW


CATEGORY_INDEX_SECONDS = 60
_category_index: "tuple[float, dict[int, MaterialCategory]] | None" = None


def category_index() -> dict[int, MaterialCategory]:
    """Every material category by id (its code, names, group and sort order loaded), read from the database at most
    once a minute per process: the categories are the alliance's reference list, changed rarely through the admin (a
    save or delete in this process forgets them at once: `forget_category_index`). The supply queue's category filter
    lists them from here (`supply.forms.category_filter_choices`), and a list page of organisations names its
    categories by id and takes their codes from here."""
    global _category_index  # noqa: PLW0603 - a per-process memo
    now = time.monotonic()
    if _category_index is None or now - _category_index[0] > CATEGORY_INDEX_SECONDS:
        categories = MaterialCategory.objects.only("id", "code", "name_zh", "name_en", "group", "sort_order")
        _category_index = (now, {category.pk: category for category in categories})
    return _category_index[1]


def forget_category_index() -> None:
    global _category_index  # noqa: PLW0603
    _category_index = None


def category_changed(sender: type, **kwargs: object) -> None:
    forget_category_index()

from django.http import HttpRequest

from members.selectors import membership_for


def portal(request: HttpRequest) -> dict:
    """The signed-in user's membership, for navigation by role."""
    user = getattr(request, "user", None)
    membership = None
    # An API key's caller (the browsable docs render a template for it) is no person: it has no membership.
    if user is not None and user.is_authenticated and user.pk is not None:
        membership = membership_for(user)
    return {
        "membership": membership,
        "is_secretariat": bool(user is not None and user.is_authenticated and user.is_staff),
    }

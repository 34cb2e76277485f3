"""Sign-in backend: Django's ModelBackend, whose per-request user look-up also reads the user's membership and
organisation, in the same query (members.selectors.membership_for finds it cached on the user). A signed-in page or
API list then costs one query for the person instead of two.

Listed before ModelBackend in settings.AUTHENTICATION_BACKENDS: new sign-ins use it; sessions made before it keep
working through ModelBackend.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ObjectDoesNotExist


class MembershipModelBackend(ModelBackend):
    def get_user(self, user_id):
        user_model = get_user_model()
        user = user_model._default_manager.select_related("membership__organisation").filter(pk=user_id).first()
        if user is None or not self.user_can_authenticate(user):
            return None
        try:
            membership = user.membership
        except ObjectDoesNotExist:
            membership = None
        user._membership_cache = membership  # what membership_for() looks for
        return user

from django.apps import AppConfig


class AlliancePortalConfig(AppConfig):
    name = "alliance_portal"

    def ready(self) -> None:
        # The API-key cache forgets a key when it or its organisation changes, in every process (web, admin,
        # Celery), whether or not it ever serves the API.
        from . import fast_load, key_cache  # noqa: F401

        # Rows become model instances without Model.__init__ where that changes nothing (see fast_load).
        fast_load.install()

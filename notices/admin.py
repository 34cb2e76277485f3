# Register your models here.

from . import admin_alerts  # noqa: E402, F401 - the alert pipeline's admin, kept in its own module

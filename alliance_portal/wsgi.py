"""
WSGI config for alliance_portal project.

It exposes the WSGI callable as a module-level variable named ``application``.

For more information on this file, see
https://docs.djangoproject.com/en/5.2/howto/deployment/wsgi/

The garbage collector is tuned for a web worker (bench/api_floor.py measured it): the objects made at start-up (the
code, the settings, the URL patterns) are frozen out of every collection, and the youngest generation is collected
after 5,000 new objects rather than 700. A list page makes a few thousand short-lived objects; with the defaults the
collector ran twice a page and walked what start-up made each time, about a tenth of a page's time.
"""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "alliance_portal.settings")

application = get_wsgi_application()

GC_YOUNGEST_THRESHOLD = 5_000

gc.collect()
gc.freeze()
gc.set_threshold(GC_YOUNGEST_THRESHOLD, *gc.get_threshold()[1:])

"""
WSGI config for stockton_improve project.

It exposes the WSGI callable as a module-level variable named ``application``.

For more information on this file, see
https://docs.djangoproject.com/en/5.2/howto/deployment/wsgi/
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stockton_improve.settings.production")

application = get_wsgi_application()

# Each worker loads WeasyPrint (Pango, fonts, the PDF's stylesheets) as it starts, so the first
# board pack PDF it serves does not wait most of a second for it; being loaded by the end of
# the first request, it is frozen out of the garbage collector's walks then (kit/memory.py).
from board import pdf  # noqa: E402 (needs the apps loaded above)

pdf.load()

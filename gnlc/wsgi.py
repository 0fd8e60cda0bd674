import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gnlc.settings")
application = get_wsgi_application()

# After Django is set up: stop at start-up, saying what to run, where no page could be
# served (gnlc/core/startup.py).
from gnlc.core import startup  # noqa: E402

startup.check()

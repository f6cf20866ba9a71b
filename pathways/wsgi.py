"""WSGI entry point for production servers (and `runserver`, which loads it too)."""

import os
import threading

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pathways.settings")
application = get_wsgi_application()


def _warm_up_charts() -> None:
    # The chart renderer's first drawing takes a second (its JavaScript engine starts);
    # done here, beside the server's start, the first dashboard does not wait for it.
    from pathways.outcomes.charts import warm_up

    warm_up()


threading.Thread(target=_warm_up_charts, name="warm-up-charts", daemon=True).start()

from django.contrib import admin
from django.urls import include, path

from pathways.api.endpoints import api
from pathways.web import health_views

urlpatterns = [
    path("healthz", health_views.healthz, name="healthz"),
    path("readyz", health_views.readyz, name="readyz"),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("", include("pathways.web.urls")),
]

# Every uncaught error, raised in any middleware or view, ends here: 503 while the
# database is unavailable, the designed 500 page otherwise (pathways.web.unavailable).
handler500 = "pathways.web.unavailable.server_error"

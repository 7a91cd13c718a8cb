from django.contrib import admin
from django.urls import include, path

from cmeledger.api.api import api
from cmeledger.lib.health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("accounts/", include("cmeledger.accounts.urls")),
    path("", include("cmeledger.front.urls")),
]

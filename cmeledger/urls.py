from django.contrib import admin
from django.urls import include, path

from cmeledger.api.api import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("accounts/", include("cmeledger.accounts.urls")),
    path("", include("cmeledger.front.urls")),
]

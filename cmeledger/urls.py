from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from cmeledger.api.api import api
from cmeledger.lib.health import healthz

# The admin signs in through allauth like every page, so its rate limits and two-factor
# step apply there too; the admin's own password form is never shown.
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]

# A PermissionDenied from a page shows the same refusal as the role decorators.
handler403 = "cmeledger.permissions.forbidden"
# Rendered without the request or the database, either of which may be what failed.
handler500 = "cmeledger.front.errors.server_error"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("accounts/", include("cmeledger.accounts.urls")),
    path("", include("cmeledger.front.urls")),
]

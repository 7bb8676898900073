"""URLs of a tenant's site (demo.localhost, acme.localhost, ...)."""

from django.contrib import admin
from django.urls import include, path

from crm import views


crm_patterns = (
    [
        path("", views.dashboard, name="dashboard"),
        path("login/", views.login_view, name="login"),
        path("logout/", views.logout_view, name="logout"),
    ],
    "crm",
)

urlpatterns = [
    path("", include(crm_patterns)),
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("customers/", include("customers.urls")),
    path("sales/", include("sales.urls")),
    path("activity/", include("activity.urls")),
    path("map/", include("mapview.urls")),
]

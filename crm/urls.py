"""URLs of a tenant's site (demo.localhost, acme.localhost, ...)."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from crm import views

crm_patterns = (
    [
        path("", views.dashboard, name="dashboard"),
        path("login/", views.login_view, name="login"),
        path("logout/", views.logout_view, name="logout"),
        path("search/", views.search, name="search"),
        path("me/settings/", views.my_settings, name="my_settings"),
        path("me/settings/company/", views.company_settings, name="company_settings"),
    ],
    "crm",
)

urlpatterns = [
    path("", include(crm_patterns)),
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("admin/", admin.site.urls),
    path("customers/", include("customers.urls")),
    path("fields/", include("customfields.urls")),
    path("sales/", include("sales.urls")),
    path("activity/", include("activity.urls")),
    path("map/", include("mapview.urls")),
]

if settings.BENCH_INSTRUMENT:
    from crm.lib.bench import bench_bare_view

    urlpatterns.append(path("__bench/bare/<str:key>", bench_bare_view))

handler403 = "crm.views.error_403"
handler404 = "crm.views.error_404"
handler500 = "crm.views.error_500"

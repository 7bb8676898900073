"""URLs of the public schema's host (operators): the admin for tenants and domains."""

from django.contrib import admin
from django.urls import path

from crm import views

urlpatterns = [
    path("", views.public_home, name="public_home"),
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("admin/", admin.site.urls),
]

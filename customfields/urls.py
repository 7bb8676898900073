from django.urls import path

from customfields import views

app_name = "customfields"

urlpatterns = [
    path("", views.field_list, name="field_list"),
    path("new/", views.field_create, name="field_create"),
    path("<int:pk>/edit/", views.field_edit, name="field_edit"),
    path("standard/", views.standard_fields, name="standard_fields"),
    path("layouts/", views.layout_list, name="layout_list"),
    path("layouts/<str:key>/", views.layout_edit, name="layout_edit"),
]

from django.urls import path

from mapview import near, views

app_name = "mapview"

urlpatterns = [
    path("", views.map_page, name="map"),
    path("data/", views.map_data, name="map_data"),
    path("near/", near.near_list, name="near"),
    path("customers/<int:pk>/popup/", views.customer_popup, name="customer_popup"),
    path("customers/<int:pk>/location/", views.customer_location, name="customer_location"),
    path("customers/<int:pk>/geocode/", views.customer_geocode, name="customer_geocode"),
    path("missing/", views.missing_list, name="missing"),
    path("selection/preview/", views.selection_preview, name="selection_preview"),
    path("selections/", views.selection_list, name="selection_list"),
    path("selections/new/", views.selection_save, name="selection_save"),
    path("selections/add/", views.selection_add, name="selection_add"),
    path("selections/<int:pk>/", views.selection_detail, name="selection_detail"),
    path("selections/<int:pk>/export/", views.selection_export, name="selection_export"),
    path("selections/<int:pk>/owner/", views.selection_owner, name="selection_owner"),
    path("selections/<int:pk>/rename/", views.selection_rename, name="selection_rename"),
    path("selections/<int:pk>/delete/", views.selection_delete, name="selection_delete"),
]

from django.urls import path

from sales import views

app_name = "sales"

urlpatterns = [
    path("projects/", views.project_list, name="project_list"),
    path("projects/board/", views.project_kanban, name="project_kanban"),
    path("projects/board/column/", views.project_kanban_column, name="project_kanban_column"),
    path("projects/new/", views.project_create, name="project_create"),
    path("projects/bulk/", views.project_bulk, name="project_bulk"),
    path("projects/export/", views.project_export, name="project_export"),
    path("projects/customer-search/", views.customer_search, name="customer_search"),
    path("projects/<int:pk>/", views.project_detail, name="project_detail"),
    path("projects/<int:pk>/edit/", views.project_update, name="project_update"),
    path("projects/<int:pk>/move/", views.project_move, name="project_move"),
    path("projects/<int:pk>/owner/", views.project_owner, name="project_owner"),
    path("projects/<int:pk>/reopen/", views.project_reopen, name="project_reopen"),
    path("projects/<int:pk>/contacts/", views.project_contact_add, name="project_contact_add"),
    path("projects/<int:pk>/contacts/<int:link_id>/remove/", views.project_contact_remove,
         name="project_contact_remove"),
]

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
    path(
        "projects/<int:pk>/contacts/<int:link_id>/remove/",
        views.project_contact_remove,
        name="project_contact_remove",
    ),
    path(
        "projects/<int:pk>/follow-up-done/",
        views.project_followup_done,
        name="project_followup_done",
    ),
    # Leads: the same views over lead processes (404 while the tenant's lead function is off).
    path("leads/", views.lead_list, name="lead_list"),
    path("leads/board/", views.project_kanban, {"lead": True}, name="lead_kanban"),
    path(
        "leads/board/column/",
        views.project_kanban_column,
        {"lead": True},
        name="lead_kanban_column",
    ),
    path("leads/new/", views.project_create, {"lead": True}, name="lead_create"),
    path("leads/bulk/", views.project_bulk, {"lead": True}, name="lead_bulk"),
    path("leads/export/", views.project_export, {"lead": True}, name="lead_export"),
    path("projects/<int:pk>/group/", views.project_group_join, name="project_group_join"),
    path("projects/<int:pk>/group/leave/", views.project_group_leave, name="project_group_leave"),
    # the two answers to "these two projects compete": group them as alternatives, or dismiss
    path(
        "projects/<int:pk>/conflicts/<int:other>/group/",
        views.conflict_group,
        name="conflict_group",
    ),
    path(
        "projects/<int:pk>/conflicts/<int:other>/dismiss/",
        views.conflict_dismiss,
        name="conflict_dismiss",
    ),
    # Project groups and competing offers
    path("groups/", views.group_list, name="group_list"),
    path("groups/<int:pk>/", views.group_detail, name="group_detail"),
    path("groups/<int:pk>/edit/", views.group_update, name="group_update"),
    path("groups/<int:pk>/delete/", views.group_delete, name="group_delete"),
    path("settings/", views.tenant_settings, name="tenant_settings"),
]

from django.urls import path

from activity import views
from activity.views import log

app_name = "activity"

urlpatterns = [
    path("", log.activity_list, name="activity_list"),
    path("summary/", log.activity_summary, name="activity_summary"),
    path("timeline/", views.timeline, name="timeline"),
    path("new/", views.activity_create, name="activity_create"),
    path("new/for-customers/", views.activity_bulk_create, name="activity_bulk_create"),
    path("<int:pk>/", views.activity_detail, name="activity_detail"),
    path("<int:pk>/edit/", views.activity_edit, name="activity_edit"),
    path("<int:pk>/delete/", views.activity_delete, name="activity_delete"),
    path("<int:pk>/done/", views.activity_done, name="activity_done"),
]

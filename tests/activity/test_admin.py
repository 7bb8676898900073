"""The tenant admin lists activities; system entries cannot be changed or deleted there either."""

from django.urls import reverse

from activity.models import Activity
from tests.builders.activity import make_activity
from tests.builders.sales import make_project


def test_admin_lists_activities_and_protects_system_entries(tenant, client_for, dave, alice):
    own = make_activity(employee=alice, subject="Admin sees me")
    system = make_activity(
        kind="won", is_system=True, project=make_project(), payload={"project": "X"}
    )
    client = client_for(dave)
    listing = client.get(reverse("admin:activity_activity_changelist"))
    assert listing.status_code == 200 and b"Admin sees me" in listing.content
    assert client.get(reverse("admin:activity_activity_change", args=[own.pk])).status_code == 200
    response = client.post(
        reverse("admin:activity_activity_delete", args=[system.pk]), {"post": "yes"}
    )
    assert response.status_code == 403
    changelist = reverse("admin:activity_activity_changelist")
    client.post(
        changelist,
        {"action": "delete_selected", "_selected_action": [own.pk, system.pk], "post": "yes"},
    )
    assert Activity.objects.filter(pk__in=[own.pk, system.pk]).count() == 2  # refused as a whole
    client.post(
        changelist, {"action": "delete_selected", "_selected_action": [own.pk], "post": "yes"}
    )
    assert not Activity.objects.filter(pk=own.pk).exists()

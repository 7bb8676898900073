"""The text search (?q=) of the sales list, the lead list, the kanban and the project groups
(issue 17): folded like the global search, and read through its trigram indexes."""

from __future__ import annotations

import pytest
from django.db import connection
from django.urls import reverse

from tests.builders.customers import make_customer
from tests.builders.sales import make_group, make_process, make_project


def _page(client, url: str, q: str) -> str:
    response = client.get(url, {"q": q})
    assert response.status_code == 200
    return response.content.decode()


def test_the_sales_and_lead_lists_find_title_or_customer_folded(tenant, client_for, alice):
    by_title = make_project(title="Pumpe für Müller-Werke")
    by_customer = make_project(customer=make_customer(name="Mueller Kranbau GmbH"), title="Halle")
    other = make_project(customer=make_customer(name="Schmidt AG"), title="Dach Süd")
    lead = make_project(
        process=make_process(kind="lead"),
        customer=make_customer(name="Gebäude Service KG", status="lead"),
        title="Erstkontakt",
    )
    client = client_for(alice)
    page = _page(client, reverse("sales:project_list"), "müller")
    assert by_title.title in page and f"/sales/projects/{by_customer.pk}/" in page
    assert other.title not in page
    page = _page(client, reverse("sales:project_list"), "MUELLER")  # spelt out, upper case
    assert by_title.title in page and f"/sales/projects/{by_customer.pk}/" in page
    page = _page(client, reverse("sales:lead_list"), "gebaude")
    assert lead.title in page
    assert "Dach Süd" in _page(client, reverse("sales:project_list"), "dach sud")


def test_a_percent_sign_in_the_list_search_is_a_letter(tenant, client_for, alice):
    make_project(title="Rabatt 50% Aktion")
    make_project(title="Rabatt 500 Aktion")
    page = _page(client_for(alice), reverse("sales:project_list"), "50%")
    assert "Rabatt 50% Aktion" in page and "Rabatt 500 Aktion" not in page


def test_the_groups_are_found_by_name_member_title_or_member_customer(tenant, client_for, alice):
    by_name = make_group(projects=[make_project(title="Eins")], name="Paket Österreich")
    by_member = make_group(projects=[make_project(title="Grosse Halle Nord")], name="Zwei")
    customer = make_customer(name="Weißbier Brauerei")
    by_customer = make_group(projects=[make_project(customer=customer)], name="Drei")
    make_group(projects=[make_project(title="Nichts")], name="Vier")
    client = client_for(alice)
    url = reverse("sales:group_list")

    def found(q):
        page = _page(client, url, q)
        return {g.pk for g in (by_name, by_member, by_customer) if f"/groups/{g.pk}/" in page}

    assert found("osterreich") == {by_name.pk}
    assert found("große halle") == {by_member.pk}  # ß folds to ss
    assert found("weissbier") == {by_customer.pk}
    assert "Vier" not in _page(client, url, "weissbier")


@pytest.mark.parametrize("lists", ["projects", "groups"])
def test_the_list_search_reads_the_trigram_indexes(tenant, lists):
    # issue 17 at 100,000 customers: an icontains over title OR the joined customer's name read
    # every project (27,000-43,000 buffers, 1-2 s). Now the folded match is what the global
    # search's trigram indexes serve: the customers' ids from theirs, then a bitmap over the
    # projects' title index OR their customer index (for the groups also their name's index).
    # On a few test rows the planner reads tables sequentially, so, as for the global search's
    # test, sequential and plain index scans are off: the filter can still use the indexes.
    from crm.lib.search import trgm_available
    from sales.filters import GroupFilter, ProjectFilter
    from sales.models import ProjectGroup, SalesProject

    if not trgm_available():
        pytest.skip("no pg_trgm (the embedded PostgreSQL): no trigram index to read")
    with connection.cursor() as cursor:
        for setting in ("enable_seqscan", "enable_indexscan", "enable_indexonlyscan"):
            cursor.execute(f"SET LOCAL {setting} = off")
    if lists == "projects":
        projects = SalesProject.objects.all()
        qs = ProjectFilter(queryset=projects).filter_text(projects, "q", "Müller")
        indexes = ["customer_name_fold_trgm", "project_title_fold_trgm"]
    else:
        groups = ProjectGroup.objects.all()
        qs = GroupFilter(queryset=groups).filter_text(groups, "q", "Müller")
        indexes = ["group_name_fold_trgm", "customer_name_fold_trgm", "project_title_fold_trgm"]
    plan = qs.explain()
    assert "Seq Scan" not in plan, plan
    for index in indexes:
        assert index in plan, plan
    assert "%muller%" in plan  # folded


def test_a_text_without_letters_does_not_filter(tenant, client_for, alice):
    project = make_project(title="Ohne Filter")
    assert project.title in _page(client_for(alice), reverse("sales:project_list"), "   ")

"""Hostile query strings against every page of the tenant site (Hypothesis): never a 500.

Generated, so that a new page or a new filter is covered without touching this file:

* the URL patterns come from the tenant URL conf (the walk of tests/crm/test_isolation_matrix.py),
  ids filled with real objects of the test tenant;
* the query parameters of each page are the ones it actually reads: the page is requested once
  while ``request.GET`` records every key asked for, and the fields of every FilterSet (and its
  form) in the response's context are added;
* the test tenant has a filterable custom field of every kind (its ``cf_...`` filters come in
  with the FilterSets);
* values: unknown ids, ids of nothing, huge and negative numbers, NUL bytes, unknown choices,
  impossible dates, repeated parameters; sent as plain GET and as an htmx request.

``HYPOTHESIS_EXAMPLES`` (default 15) / 3 examples per page; each example sends both requests.
"""

from __future__ import annotations

import os

import pytest
from django.core.handlers.wsgi import WSGIRequest
from django.db import transaction
from django.http import QueryDict
from django.utils.functional import cached_property
from django_filters import FilterSet
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from crm.models import User
from tests.crm.test_isolation_matrix import _kind_for, _path, tenant_routes

pytestmark = pytest.mark.slow

# a third of the forms' examples per page (default 5: about 75 pages, 3 minutes);
# HYPOTHESIS_EXAMPLES=200 for more
EXAMPLES = max(3, int(os.environ.get("HYPOTHESIS_EXAMPLES", "15")) // 3)
_READ: set[str] = set()


class RecordingQueryDict(QueryDict):
    """A QueryDict that notes every key a view asks for (copies note into the same set)."""

    def __getitem__(self, key):
        _READ.add(key)
        return super().__getitem__(key)

    def get(self, key, default=None):
        _READ.add(key)
        return super().get(key, default)

    def getlist(self, key, default=None):
        _READ.add(key)
        return super().getlist(key, default)

    def __contains__(self, key):
        _READ.add(key)
        return super().__contains__(key)


def _recording_get(self):
    return RecordingQueryDict(self.environ.get("QUERY_STRING", ""), encoding=self._encoding)


HOSTILE = st.one_of(
    st.sampled_from(
        [
            "abc",
            "",
            " ",
            "0",
            "-1",
            "-0",
            "1.5",
            "1e309",
            "NaN",
            "inf",
            "999999",
            "2147483648",
            "9" * 40,
            "-9223372036854775809",
            "a\x00b",
            "\x00",
            "%00",
            "Q",
            "XX",
            "foo",
            "true",
            "false",
            "on",
            "none",
            "null",
            "' OR 1=1 --",
            "<script>alert(1)</script>",
            "2026-02-30",
            "0000-00-00",
            "99999-01-01",
            "-name",
            "nonsense",
            "-nonsense",
            "__all__",
            "1,2,3",
            "[]",
            "{}",
            "../../etc/passwd",
            "𝕏" * 50,
            "é" * 500,
            "-180,-90,180,90",
            "1,2,3,4",
            "nan,nan,nan,nan",
            "200,100,-200,-100",
        ]
    ),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.text(max_size=20),
    st.text(max_size=6).map(lambda s: f"{s}\x00"),
)
VALUES = st.lists(HOSTILE, min_size=1, max_size=3)  # more than one: the parameter repeated


def _objects(dave) -> dict:
    """One object of every kind an URL can name, in the active tenant."""
    from django.core.files.base import ContentFile

    from customers.models import ImportJob
    from tests.builders.activity import make_activity
    from tests.builders.customers import make_contact, make_customer
    from tests.builders.mapview import make_selection
    from tests.builders.sales import make_group, make_project

    customer = make_customer(
        name="Hostile Query GmbH", latitude=52.5, longitude=13.4, geocode_status="found"
    )
    contact = make_contact(customer=customer)
    project = make_project(customer=customer, title="Hostile query project")
    other = make_project(customer=customer, title="Hostile query alternative")
    group = make_group(projects=[project, other], name="Hostile query group")
    activity = make_activity(customer=customer, project=project, subject="Hostile query call")
    selection = make_selection(customers=[customer], name="Hostile query selection", owner=dave)
    job = ImportJob(original_name="hostile.csv", created_by=dave)
    job.file.save("hostile.csv", ContentFile(b"name;city\nx;y\n"), save=False)
    job.save()
    from tests.builders.customfields import make_field

    definition = make_field(key="hostile_field", label_en="Hostile field", filterable=True)
    # custom-field filters of every kind (issue 19): their parameters come from the FilterSets
    options = [{"value": "a", "en": "A", "de": "A"}, {"value": "b", "en": "B", "de": "B"}]
    for entity, key, kind in (
        ("customer", "hostile_amount", "money"),
        ("customer", "hostile_date", "date"),
        ("customer", "hostile_yes", "boolean"),
        ("customer", "hostile_choice", "choice"),
        ("customer", "hostile_tags", "multi_choice"),
        ("customer", "hostile_user", "user"),
        ("contact", "hostile_badge", "number"),
        ("project", "hostile_ends", "date"),
        ("lead", "hostile_source", "multi_choice"),
    ):
        make_field(
            entity=entity,
            key=key,
            field_type=kind,
            filterable=True,
            sortable=True,
            options=options if "choice" in kind else [],
        )
    return {
        "field_definition": definition.pk,
        "customer": customer.pk,
        "contact": contact.pk,
        "project": project.pk,
        "group": group.pk,
        "activity": activity.pk,
        "selection": selection.pk,
        "import_job": job.pk,
    }


def _fill(route: str, namespace: str, ids: dict) -> str:
    if "<" not in route:
        return "/" + route
    kind = _kind_for(namespace, route) if "<int:" in route else None
    return _path(route, ids, kind)


def _filterset_fields(response) -> set[str]:
    names: set[str] = set()
    for ctx in response.context or []:
        for value in ctx.flatten().values() if hasattr(ctx, "flatten") else []:
            if isinstance(value, FilterSet):
                form = value.form
                for name, field in form.fields.items():
                    widget = field.widget
                    subs = getattr(widget, "widgets", None)
                    suffixes = getattr(widget, "suffixes", None)
                    if subs and suffixes:
                        names.update(
                            f"{form.add_prefix(name)}_{s}" if s else form.add_prefix(name)
                            for s in suffixes
                        )
                    else:
                        names.add(form.add_prefix(name))
    return names


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def _read_params(client, path: str) -> list[str]:
    """The query parameters the page at ``path`` reads (plain and htmx)."""
    _READ.clear()
    found: set[str] = set()
    for headers in ({}, {"HTTP_HX_REQUEST": "true"}):
        response = client.get(path + "?_probe=1", **headers)
        _body(response)
        found |= _filterset_fields(response)
    found |= _READ
    found.discard("_probe")
    return sorted(found)


ROUTES = [(ns, route, name) for ns, route, name in tenant_routes()]


@pytest.fixture
def recording(monkeypatch):
    prop = cached_property(_recording_get)
    prop.__set_name__(WSGIRequest, "GET")
    monkeypatch.setattr(WSGIRequest, "GET", prop)


_PARAMS: dict[tuple[str, str], list[str]] = {}


@pytest.fixture
def objects(tenant):
    return _objects(User.objects.get(email="dave@alpha.test"))


@pytest.mark.parametrize(
    ("namespace", "route", "name"), ROUTES, ids=[f"{ns}:{n or r}" for ns, r, n in ROUTES]
)
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
@given(data=st.data())
def test_no_query_string_gives_a_500(
    tenant, client_for, recording, objects, namespace, route, name, data
):
    client = client_for(User.objects.get(email="dave@alpha.test"))
    path = _fill(route, namespace, objects)
    savepoint = transaction.savepoint()
    try:
        if (namespace, route) not in _PARAMS:
            _PARAMS[namespace, route] = _read_params(client, path)
        params = _PARAMS[namespace, route] or ["page"]
        query = data.draw(
            st.dictionaries(st.sampled_from(params), VALUES, min_size=1, max_size=len(params))
        )
        for headers in ({}, {"HTTP_HX_REQUEST": "true"}):
            response = client.get(path, query, **headers)
            _body(response)
            assert response.status_code < 500, (
                f"GET {path} {query} {headers} -> {response.status_code}"
            )
    finally:
        transaction.savepoint_rollback(savepoint)


def test_the_walk_reads_the_filters_of_the_lists(tenant, client_for, recording, dave):
    """The introspection finds the parameters, or the test above would fuzz nothing."""
    client = client_for(dave)
    assert {"q", "owner", "team", "size_class", "country", "page", "sort"} <= set(
        _read_params(client, "/customers/")
    )
    assert {"q", "customer", "owner"} <= set(_read_params(client, "/customers/contacts/"))
    assert {"phase", "process", "status", "expected_from"} <= set(
        _read_params(client, "/sales/projects/")
    )


def test_the_walk_reads_the_custom_field_filters(tenant, client_for, recording, objects, dave):
    client = client_for(dave)
    assert {
        "cf_hostile_field",
        "cf_hostile_amount_from",
        "cf_hostile_amount_to",
        "cf_hostile_date_from",
        "cf_hostile_yes",
        "cf_hostile_choice",
        "cf_hostile_tags",
        "cf_hostile_user",
    } <= set(_read_params(client, "/customers/"))
    assert {"cf_hostile_amount_from", "cf_hostile_tags"} <= set(_read_params(client, "/map/"))
    assert {"cf_hostile_badge_from"} <= set(_read_params(client, "/customers/contacts/"))
    assert {"cf_hostile_ends_to"} <= set(_read_params(client, "/sales/projects/"))
    assert {"cf_hostile_ends_to", "cf_hostile_source"} <= set(_read_params(client, "/sales/leads/"))

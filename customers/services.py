"""Every write about customers and contact persons. Keyword-only, typed, atomic; events after the
change."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Case, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from crm import events
from crm.permissions import require_edit_owned
from customers import normalize
from customers.models import ContactPerson, Customer, SizeClassThresholds
from customfields.services import unique_guard

CUSTOMER_FIELDS = (
    "kind",
    "name",
    *Customer.PROFILE_FIELDS,
    "owner",
    "annual_revenue",
    "employees",
    "size_class",
    "size_class_manual",
    "custom",
)
CONTACT_FIELDS = (
    "first_name",
    "last_name",
    "position",
    "email",
    "phone",
    "mobile",
    "notes",
    "custom",
)
_DERIVED = ("name_key", "email_domain", "phone_digits", "search_text")


# --- size classes ------------------------------------------------------------------------------


def size_thresholds_get() -> SizeClassThresholds:
    """The tenant's size-class thresholds (created with defaults on first use)."""
    thresholds = SizeClassThresholds.objects.order_by("pk").first()
    return thresholds or SizeClassThresholds.objects.create()


def size_class_derive(
    *, annual_revenue: Decimal | None, employees: int | None, thresholds: SizeClassThresholds
) -> str:
    """The highest class whose revenue or employee threshold is reached; D below all of them."""
    for cls in ("a", "b", "c"):
        min_revenue = getattr(thresholds, f"{cls}_min_revenue")
        min_employees = getattr(thresholds, f"{cls}_min_employees")
        if (annual_revenue is not None and annual_revenue >= min_revenue) or (
            employees is not None and employees >= min_employees
        ):
            return cls.upper()
    return Customer.SizeClass.D


def size_class_case(thresholds: SizeClassThresholds) -> Case:
    """The same rule as size_class_derive, as an SQL expression for bulk updates."""
    whens = [
        When(
            Q(annual_revenue__gte=getattr(thresholds, f"{cls}_min_revenue"))
            | Q(employees__gte=getattr(thresholds, f"{cls}_min_employees")),
            then=Value(cls.upper()),
        )
        for cls in ("a", "b", "c")
    ]
    return Case(*whens, default=Value(Customer.SizeClass.D))


@transaction.atomic
def size_thresholds_save(*, thresholds: SizeClassThresholds) -> int:
    """Save the thresholds and re-derive the class of every customer whose class is not set by
    hand."""
    thresholds.full_clean()
    thresholds.save()
    return Customer.objects.filter(size_class_manual=False).update(
        size_class=size_class_case(thresholds)
    )


# --- customers ---------------------------------------------------------------------------------


def _contact_names(customer: Customer) -> list[str]:
    if customer.pk is None:
        return []
    return [c.full_name for c in customer.contacts.only("first_name", "last_name", "customer_id")]


def customer_keys_refresh(customer: Customer, *, contact_names: list[str] | None = None) -> None:
    """Recompute the derived keys (duplicate check, search) on the instance; does not save."""
    customer.name_key = normalize.name_key(customer.name)[:200]
    customer.email_domain = normalize.email_domain(customer.email, customer.website)[:200]
    customer.phone_digits = normalize.phone_digits(customer.phone, customer.country)[:50]
    customer.search_text = normalize.customer_search_text(
        name=customer.name,
        city=customer.city,
        postal_code=customer.postal_code,
        contact_names=_contact_names(customer) if contact_names is None else contact_names,
    )


def _clean_values(values: dict[str, Any]) -> dict[str, Any]:
    out = dict(values)
    for key in ("name", "street", "postal_code", "city", "phone", "email", "website", "industry"):
        if key in out and isinstance(out[key], str):
            out[key] = out[key].strip()
    if isinstance(out.get("country"), str):
        out["country"] = out["country"].strip().upper()
    return out


def _require_edit(*, user, owner_id: int | None) -> None:
    # ``user`` None: the system (receivers, seeders, commands); anyone else needs edit rights.
    if user is not None:
        require_edit_owned(user=user, owner_id=owner_id)


def _full_clean(instance) -> None:
    instance.full_clean(exclude=["created_by", "converted_by"], validate_unique=False)


@transaction.atomic
def customer_create(*, user, status: str = Customer.Status.CUSTOMER, **fields: Any) -> Customer:
    """Create a lead or customer (owner defaults to the user); size class derived unless set by
    hand."""
    unknown = set(fields) - set(CUSTOMER_FIELDS)
    if unknown:
        raise TypeError(f"customer_create() got unexpected fields {sorted(unknown)}")
    if status not in Customer.Status.values:
        raise ValidationError({"status": _("Unknown status.")})
    fields = _clean_values(fields)
    author = user if getattr(user, "is_authenticated", False) else None
    fields.setdefault("owner", author)
    _require_edit(user=user, owner_id=fields["owner"].pk if fields["owner"] else None)
    customer = Customer(status=status, created_by=author, **fields)
    if not customer.size_class_manual:
        customer.size_class = size_class_derive(
            annual_revenue=customer.annual_revenue,
            employees=customer.employees,
            thresholds=size_thresholds_get(),
        )
    customer_keys_refresh(customer, contact_names=[])
    _full_clean(customer)
    with unique_guard():
        customer.save()
    events.customer_created.send(sender=Customer, customer=customer, user=author)
    if any(getattr(customer, f) for f in ("street", "postal_code", "city")):
        events.customer_address_changed.send(sender=Customer, customer=customer)
    return customer


def _custom_changed_send(*, entity: str, record, user, before: dict) -> None:
    """``custom_fields_changed`` when the save changed a "tracked" custom field."""
    from customfields.services import tracked_changes

    changes = tracked_changes(entity=entity, before=before, after=record.custom)
    if changes:
        events.custom_fields_changed.send(
            sender=type(record),
            entity=entity,
            record=record,
            user=user if getattr(user, "is_authenticated", False) else None,
            changes=changes,
        )


@transaction.atomic
def customer_update(*, customer: Customer, user, data: dict[str, Any]) -> list[str]:
    """Change a customer's fields (never its status); returns the changed field names."""
    _require_edit(user=user, owner_id=customer.owner_id)
    unknown = set(data) - set(CUSTOMER_FIELDS)
    if unknown:
        raise ValidationError(
            _("These fields cannot be changed here: %(fields)s")
            % {"fields": ", ".join(sorted(unknown))}
        )
    data = _clean_values(data)
    changed = [f for f, v in data.items() if getattr(customer, f) != v]
    if not changed:
        return []
    custom_before = dict(customer.custom or {})
    if "owner" in changed:
        _require_edit(user=user, owner_id=data["owner"].pk if data["owner"] else None)
    for field, value in data.items():
        setattr(customer, field, value)
    update_fields = set(changed) | set(_DERIVED) | {"updated_at"}
    if not customer.size_class_manual:
        derived = size_class_derive(
            annual_revenue=customer.annual_revenue,
            employees=customer.employees,
            thresholds=size_thresholds_get(),
        )
        if derived != customer.size_class:
            customer.size_class = derived
            update_fields.add("size_class")
            if "size_class" not in changed:
                changed.append("size_class")
    address_changed = any(f in changed for f in Customer.ADDRESS_FIELDS)
    if address_changed:
        customer.geocode_status = Customer.GeocodeStatus.PENDING
        update_fields.add("geocode_status")
    customer_keys_refresh(customer)
    _full_clean(customer)
    with unique_guard():
        customer.save(update_fields=sorted(update_fields))
    if "name" in changed:
        contacts = list(customer.contacts.all())
        for contact in contacts:
            _contact_keys_refresh(contact, customer_name=customer.name)
        ContactPerson.objects.bulk_update(contacts, ["search_text"], batch_size=500)
    author = user if getattr(user, "is_authenticated", False) else None
    events.customer_updated.send(sender=Customer, customer=customer, user=author, changed=changed)
    if "custom" in changed:
        _custom_changed_send(entity="customer", record=customer, user=author, before=custom_before)
    if address_changed:
        events.customer_address_changed.send(sender=Customer, customer=customer)
    return changed


@transaction.atomic
def customer_convert_lead(*, customer_id: int, user, project=None) -> bool:
    """Turn a lead into a customer exactly once; False when it already is a customer."""
    customer = Customer.objects.select_for_update().get(pk=customer_id)
    if customer.status == Customer.Status.CUSTOMER:
        return False
    customer.status = Customer.Status.CUSTOMER
    customer.converted_at = timezone.now()
    customer.converted_by = user if getattr(user, "is_authenticated", False) else None
    customer.save(update_fields=["status", "converted_at", "converted_by", "updated_at"])
    events.lead_converted.send(
        sender=Customer, customer=customer, user=customer.converted_by, project=project
    )
    return True


def customer_touch_activity(*, customer_id: int, at: datetime) -> None:
    """Move the customer's last activity forward to ``at`` (never backwards)."""
    Customer.objects.filter(pk=customer_id).filter(
        Q(last_activity_at__isnull=True) | Q(last_activity_at__lt=at)
    ).update(last_activity_at=at)


def contact_touch_activity(*, contact_id: int, at: datetime) -> None:
    """Move the contact person's last activity forward to ``at`` (never backwards)."""
    ContactPerson.objects.filter(pk=contact_id).filter(
        Q(last_activity_at__isnull=True) | Q(last_activity_at__lt=at)
    ).update(last_activity_at=at)


# --- coordinates and geocoding status: stored on the customer, computed by the map ------------
# The map (mapview) finds coordinates; only these services write them (customers owns the table).


def customer_location_set(
    *, customer_id: int, latitude: float | None, longitude: float | None, status: str
) -> None:
    """Store a location (a pin set by hand, or a result); no event, no change of updated_at."""
    if status not in Customer.GeocodeStatus.values:
        raise ValidationError({"geocode_status": _("Unknown geocoding status.")})
    Customer.objects.filter(pk=customer_id).update(
        latitude=latitude, longitude=longitude, geocode_status=status, geocoded_at=timezone.now()
    )


def customer_geocode_pending_set(*, customer_id: int) -> None:
    """Mark the customer's coordinates as outdated (they are to be found again)."""
    Customer.objects.filter(pk=customer_id).update(geocode_status=Customer.GeocodeStatus.PENDING)


def customer_geocode_result_store(
    *,
    customer_id: int,
    address: dict[str, str],
    latitude: float | None,
    longitude: float | None,
    status: str,
    only_pending: bool = True,
) -> bool:
    """Store a geocoding result if the address is still ``address`` (and, with ``only_pending``, the
    customer still pending): a newer change has queued its own geocoding. True when stored."""
    unchanged = Customer.objects.filter(pk=customer_id, **address)
    if only_pending:
        unchanged = unchanged.filter(geocode_status=Customer.GeocodeStatus.PENDING)
    return bool(
        unchanged.update(
            latitude=latitude,
            longitude=longitude,
            geocode_status=status,
            geocoded_at=timezone.now(),
        )
    )


def customer_geocode_failed_set(*, customer_id: int) -> None:
    """Give up geocoding a pending customer (status failed; a later sweep may retry)."""
    Customer.objects.filter(pk=customer_id, geocode_status=Customer.GeocodeStatus.PENDING).update(
        geocode_status=Customer.GeocodeStatus.FAILED, geocoded_at=timezone.now()
    )


_LOCATIONS_SQL = """
    UPDATE {table} AS c
       SET latitude = v.lat, longitude = v.lon, geocode_status = v.status, geocoded_at = %s
      FROM unnest(%s::bigint[], %s::float8[], %s::float8[], %s::text[]) AS v(id, lat, lon, status)
     WHERE c.id = v.id
       AND (c.latitude IS DISTINCT FROM v.lat OR c.longitude IS DISTINCT FROM v.lon
            OR c.geocode_status IS DISTINCT FROM v.status)
"""  # unchanged rows are skipped: every written row costs an entry in each of the table's indexes


def customer_locations_store(*, rows: list[tuple[int, float | None, float | None, str]]) -> None:
    """Store many results, (id, latitude, longitude, status) each, in one statement."""
    if not rows:
        return
    ids, lats, lons, statuses = (list(col) for col in zip(*rows, strict=True))
    with connection.cursor() as cursor:
        cursor.execute(
            _LOCATIONS_SQL.format(table=connection.ops.quote_name(Customer._meta.db_table)),
            [timezone.now(), ids, lats, lons, statuses],
        )


@transaction.atomic
def customers_assign_owner(*, user, customer_ids: Iterable[int], owner) -> tuple[int, int]:
    """Give the customers a new owner; those the user may not edit are skipped. (assigned,
    skipped)."""
    from customers.selectors import customer_editable_q, owner_choices

    if owner is not None and not owner_choices(user=user).filter(pk=owner.pk).exists():
        raise ValidationError({"owner": _("You cannot hand customers to this user.")})
    ids = list(dict.fromkeys(int(pk) for pk in customer_ids))
    editable = list(
        Customer.objects.filter(pk__in=ids)
        .filter(customer_editable_q(user=user))
        .values_list("pk", flat=True)
    )
    changed_ids = list(
        Customer.objects.filter(pk__in=editable).exclude(owner=owner).values_list("pk", flat=True)
    )
    Customer.objects.filter(pk__in=changed_ids).update(owner=owner, updated_at=timezone.now())
    if events.customer_updated.has_listeners(Customer):
        for customer in Customer.objects.filter(pk__in=changed_ids).iterator(chunk_size=500):
            events.customer_updated.send(
                sender=Customer, customer=customer, user=user, changed=["owner"]
            )
    return len(editable), len(ids) - len(editable)


# --- contact persons ---------------------------------------------------------------------------


def _contact_keys_refresh(contact: ContactPerson, *, customer_name: str) -> None:
    contact.search_text = normalize.contact_search_text(
        first_name=contact.first_name,
        last_name=contact.last_name,
        email=contact.email,
        position=contact.position,
        customer_name=customer_name,
    )


def _customer_search_refresh(customer: Customer) -> None:
    customer_keys_refresh(customer)
    Customer.objects.filter(pk=customer.pk).update(search_text=customer.search_text)


@transaction.atomic
def contact_create(*, user, customer: Customer, **fields: Any) -> ContactPerson:
    """Add a contact person to a customer."""
    _require_edit(user=user, owner_id=customer.owner_id)
    unknown = set(fields) - set(CONTACT_FIELDS)
    if unknown:
        raise TypeError(f"contact_create() got unexpected fields {sorted(unknown)}")
    fields = {k: v.strip() if isinstance(v, str) and k != "notes" else v for k, v in fields.items()}
    contact = ContactPerson(customer=customer, **fields)
    _contact_keys_refresh(contact, customer_name=customer.name)
    contact.full_clean()
    with unique_guard():
        contact.save()
    _customer_search_refresh(customer)
    return contact


@transaction.atomic
def contact_update(*, contact: ContactPerson, user, data: dict[str, Any]) -> list[str]:
    """Change a contact person's fields; returns the changed field names."""
    _require_edit(user=user, owner_id=contact.customer.owner_id)
    unknown = set(data) - set(CONTACT_FIELDS)
    if unknown:
        raise ValidationError(
            _("These fields cannot be changed here: %(fields)s")
            % {"fields": ", ".join(sorted(unknown))}
        )
    changed = [f for f, v in data.items() if getattr(contact, f) != v]
    if not changed:
        return []
    custom_before = dict(contact.custom or {})
    for field in changed:
        setattr(contact, field, data[field])
    _contact_keys_refresh(contact, customer_name=contact.customer.name)
    contact.full_clean()
    with unique_guard():
        contact.save(update_fields=[*changed, "search_text", "updated_at"])
    if "custom" in changed:
        _custom_changed_send(entity="contact", record=contact, user=user, before=custom_before)
    if {"first_name", "last_name"} & set(changed):
        _customer_search_refresh(contact.customer)
    return changed


@transaction.atomic
def contact_delete(*, contact: ContactPerson, user) -> None:
    """Delete a contact person (its project links go with it)."""
    customer = contact.customer
    _require_edit(user=user, owner_id=customer.owner_id)
    contact.delete()
    _customer_search_refresh(customer)

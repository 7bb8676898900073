"""Every write of the map: geocoding (its results stored through customers.services, which owns the
customer table), pins set by hand, saved selections."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from crm.lib.broker import task_send_safely
from crm.permissions import require_edit_owned, user_can_edit_owned
from customers import services as customers_services
from customers.models import Customer
from mapview.geocoding import (
    Address,
    Geocoder,
    GeocoderError,
    GeocoderTransientError,
    address_key,
    get_geocoder,
)
from mapview.models import Selection, SelectionItem

log = logging.getLogger(__name__)
Status = Customer.GeocodeStatus
BATCH_SIZE = 5000


# --- queueing ---------------------------------------------------------------------------------


def _queue_safely(task, args: list) -> bool:
    """Queue ``task``; False when the broker is down: the customers stay pending and the beat
    sweep ``mapview-geocode-pending`` catches up."""
    return task_send_safely(task, args)


def geocode_queue(*, customer_id: int) -> bool:
    """Queue the geocoding of one customer; False when the broker is down."""
    return _queue_safely("mapview.tasks.geocode_customer", [customer_id])


def customers_geocode_request_many(*, customer_ids: list[int]) -> None:
    """Geocode many new customers (a CSV import) in one background batch after the commit."""
    ids = list(customer_ids)
    if ids:
        transaction.on_commit(lambda: _queue_safely("mapview.tasks.geocode_customers", [ids]))


def customer_geocode_request(*, customer: Customer) -> None:
    """Mark the customer's coordinates as outdated and geocode it once the change is committed."""
    if customer.geocode_status != Status.PENDING:  # customers.services already reset it on changes
        customers_services.customer_geocode_pending_set(customer_id=customer.pk)
        customer.geocode_status = Status.PENDING
    customer_id = customer.pk
    transaction.on_commit(lambda: geocode_queue(customer_id=customer_id))


# --- geocoding one customer (the task) ----------------------------------------------------------


def _address(row: dict) -> Address:
    return Address(
        row["street"] or "", row["postal_code"] or "", row["city"] or "", row["country"] or ""
    )


def customer_geocode(
    *, customer_id: int, geocoder: Geocoder | None = None, force: bool = False
) -> str | None:
    """Geocode one customer unless already done; returns its geocoding status (None: gone).

    Idempotent: a customer that is no longer pending is left alone, and the result is written
    only if the address is still the one that was geocoded (a newer change queues its own task).
    Passing geocoder failures (GeocoderTransientError) propagate so the task can retry.
    """
    row = (
        Customer.objects.filter(pk=customer_id)
        .values("geocode_status", "street", "postal_code", "city", "country")
        .first()
    )
    if row is None:
        return None
    if row["geocode_status"] != Status.PENDING and not force:
        return row["geocode_status"]
    geocoder = geocoder or get_geocoder()
    try:
        result = geocoder.geocode(_address(row))  # outside any transaction: it may take a while
    except GeocoderTransientError:
        raise
    except GeocoderError as exc:
        log.warning("geocoding customer %s failed: %s", customer_id, exc)
        result, status = None, Status.FAILED
    else:
        status = Status.FOUND if result else Status.NOT_FOUND
    updated = customers_services.customer_geocode_result_store(
        customer_id=customer_id,
        address={k: row[k] for k in ("street", "postal_code", "city", "country")},
        latitude=result.latitude if result else None,
        longitude=result.longitude if result else None,
        status=status,
        only_pending=not force,
    )
    return (
        status
        if updated
        else Customer.objects.filter(pk=customer_id)
        .values_list("geocode_status", flat=True)
        .first()
    )


def customer_geocode_failed(*, customer_id: int) -> None:
    """Give up on a customer after the last retry (status failed; a later sweep may retry)."""
    customers_services.customer_geocode_failed_set(customer_id=customer_id)


# --- geocoding many customers -------------------------------------------------------------------


@dataclass
class BatchResult:
    total: int = 0
    found: int = 0
    not_found: int = 0
    failed: int = 0
    distinct_addresses: int = 0
    by_status: dict = field(default_factory=dict)
    interrupted: str = ""  # why the run stopped early (the geocoding service is down)


def customers_geocode_batch(
    *,
    statuses: Iterable[str] = (Status.PENDING,),
    customer_ids: Iterable[int] | None = None,
    geocoder: Geocoder | None = None,
    limit: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    batch_size: int = BATCH_SIZE,
) -> BatchResult:
    """Geocode every customer of the current tenant in the given statuses, in batches.

    Customers sharing an address (country, postal code, city; plus street for geocoders that use
    it) are resolved once, and the results are written with one UPDATE per batch, so the offline
    geocoder handles 100,000 customers in well under a minute. Manual pins are never overwritten.
    """
    geocoder = geocoder or get_geocoder()
    qs = Customer.objects.filter(geocode_status__in=[s for s in statuses if s != Status.MANUAL])
    if customer_ids is not None:
        qs = qs.filter(pk__in=list(customer_ids))
    total = qs.count() if limit is None else min(qs.count(), limit)
    result = BatchResult(total=total)
    resolved: dict[Address, tuple[float | None, float | None, str]] = {}
    last_id, done = 0, 0
    while done < total:
        chunk = list(
            qs.filter(pk__gt=last_id)
            .order_by("pk")
            .values_list("pk", "street", "postal_code", "city", "country")[
                : min(batch_size, total - done)
            ]
        )
        if not chunk:
            break
        rows = []
        for pk, street, postal_code, city, country in chunk:
            address = Address(street or "", postal_code or "", city or "", country or "")
            key = address_key(address, uses_street=geocoder.uses_street)
            if key not in resolved:
                try:
                    found = geocoder.geocode(address)
                except GeocoderTransientError as exc:
                    # The service is down (after its own retries): stop, the rest stays as it is.
                    result.interrupted = str(exc) or exc.__class__.__name__
                    break
                except GeocoderError as exc:
                    log.warning("geocoding %s failed: %s", key, exc)
                    resolved[key] = (None, None, Status.FAILED)
                else:
                    resolved[key] = (
                        (found.latitude, found.longitude, Status.FOUND)
                        if found
                        else (None, None, Status.NOT_FOUND)
                    )
            lat, lon, status = resolved[key]
            rows.append((pk, lat, lon, status))
            result.by_status[status] = result.by_status.get(status, 0) + 1
        with transaction.atomic():
            customers_services.customer_locations_store(rows=rows)
        done += len(rows)
        if progress:
            progress(done, total)
        if result.interrupted:
            break
        last_id = chunk[-1][0]
    result.found = result.by_status.get(Status.FOUND, 0)
    result.not_found = result.by_status.get(Status.NOT_FOUND, 0)
    result.failed = result.by_status.get(Status.FAILED, 0)
    result.distinct_addresses = len(resolved)
    return result


# --- pins set by hand -----------------------------------------------------------------------------


def _coordinate(value, *, low: float, high: float, field_name: str) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValidationError({field_name: _("Enter a number.")}) from None
    if not low <= number <= high or number != number:  # NaN fails every comparison
        raise ValidationError(
            {
                field_name: _("Enter a value between %(low)s and %(high)s.")
                % {"low": low, "high": high}
            }
        )
    return number


@transaction.atomic
def customer_set_location(*, customer: Customer, user, latitude, longitude) -> Customer:
    """Pin a customer by hand: the coordinates stay until its address changes."""
    require_edit_owned(user=user, owner_id=customer.owner_id)
    lat = _coordinate(latitude, low=-90, high=90, field_name="latitude")
    lon = _coordinate(longitude, low=-180, high=180, field_name="longitude")
    customer.latitude, customer.longitude = round(lat, 6), round(lon, 6)
    customer.geocode_status = Status.MANUAL
    customers_services.customer_location_set(
        customer_id=customer.pk,
        latitude=customer.latitude,
        longitude=customer.longitude,
        status=Status.MANUAL,
    )
    return customer


@transaction.atomic
def customer_geocode_again(*, customer: Customer, user) -> None:
    """Forget a manual pin or a failed attempt and geocode the address again."""
    require_edit_owned(user=user, owner_id=customer.owner_id)
    customer_geocode_request(customer=customer)


# --- selections
# -------------------------------------------------------------------------------------


def _clean_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError({"name": _("Give the selection a name.")})
    if len(name) > 120:
        raise ValidationError({"name": _("At most 120 characters.")})
    return name


@transaction.atomic
def selection_create(
    *, name: str, owner, customer_ids: Iterable[int], definition: dict | None = None
) -> Selection:
    """Save the customers picked on the map under a name."""
    ids = sorted(set(customer_ids))
    if not ids:
        raise ValidationError(
            _("The selection is empty: draw a shape around some customers first.")
        )
    selection = Selection.objects.create(
        name=_clean_name(name), owner=owner, definition=definition or {}, customer_count=len(ids)
    )
    SelectionItem.objects.bulk_create(
        [SelectionItem(selection=selection, customer_id=pk) for pk in ids], batch_size=5000
    )
    return selection


@transaction.atomic
def selection_rename(*, selection: Selection, user, name: str) -> Selection:
    """Rename a selection (its owner, their manager or an admin)."""
    require_edit_owned(user=user, owner_id=selection.owner_id)
    selection.name = _clean_name(name)
    selection.save(update_fields=["name", "updated_at"])
    return selection


@transaction.atomic
def selection_delete(*, selection: Selection, user) -> None:
    """Delete a selection; its customers stay untouched."""
    require_edit_owned(user=user, owner_id=selection.owner_id)
    selection.delete()


@transaction.atomic
def selection_add_customers(*, selection: Selection, user, customer_ids: Iterable[int]) -> int:
    """Add customers to a saved selection (e.g. from the customer overview); returns how many were
    new."""
    require_edit_owned(user=user, owner_id=selection.owner_id)
    wanted = set(Customer.objects.filter(pk__in=list(customer_ids)).values_list("pk", flat=True))
    present = set(
        SelectionItem.objects.filter(selection=selection, customer_id__in=wanted).values_list(
            "customer_id", flat=True
        )
    )
    new = sorted(wanted - present)
    SelectionItem.objects.bulk_create(
        [SelectionItem(selection=selection, customer_id=pk) for pk in new], batch_size=5000
    )
    selection.customer_count = SelectionItem.objects.filter(selection=selection).count()
    selection.save(update_fields=["customer_count", "updated_at"])
    return len(new)


@transaction.atomic
def selection_remove_customers(*, selection: Selection, user, customer_ids: Iterable[int]) -> int:
    """Take customers out of a selection; returns how many were removed."""
    require_edit_owned(user=user, owner_id=selection.owner_id)
    removed, _detail = SelectionItem.objects.filter(
        selection=selection, customer_id__in=list(customer_ids)
    ).delete()
    selection.customer_count = SelectionItem.objects.filter(selection=selection).count()
    selection.save(update_fields=["customer_count", "updated_at"])
    return removed


def selection_change_owner(*, selection: Selection, user, owner) -> tuple[int, int]:
    """Give every customer of the selection that the user may edit to ``owner``: (changed,
    skipped)."""
    from customers.services import customers_assign_owner

    ids = SelectionItem.objects.filter(selection=selection).values_list("customer_id", flat=True)
    return customers_assign_owner(user=user, customer_ids=list(ids), owner=owner)


def user_may_edit_selection(*, user, selection: Selection) -> bool:
    return user_can_edit_owned(user=user, owner_id=selection.owner_id)

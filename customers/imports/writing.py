"""Writing a checked plan: one import per tenant at a time, refused when its rows were written
meanwhile, COPY in batches, one ``customers_imported`` event."""

from __future__ import annotations

from django.db import connection, transaction
from django.utils.translation import gettext as _

from crm import events
from customers import normalize
from customers.bulk import copy_rows, reserve_ids
from customers.imports.checks import ImportPlan
from customers.imports.progress import import_progress_set
from customers.imports.reading import ImportFileError
from customers.models import ContactPerson, Customer, ImportJob

__all__ = ["BATCH_SIZE", "plan_write"]


BATCH_SIZE = 5000


def _check_not_written_meanwhile(*, plan: ImportPlan) -> None:
    """Refuse when a customer of the plan exists by now (another import of the tenant wrote it while
    this one was being checked): the check must run again, so that such rows are skipped."""
    keys = {
        (normalize.name_key(c["name"])[:200], c["postal_code"], normalize.text_fold(c["city"]))
        for c in plan.customers
    }
    names = sorted({key for key, _pc, _city in keys})
    for start in range(0, len(names), BATCH_SIZE):
        rows = Customer.objects.filter(name_key__in=names[start : start + BATCH_SIZE]).values_list(
            "name_key", "postal_code", "city"
        )
        existing = {(key, "pc", pc) for key, pc, _city in rows if pc} | {
            (key, "city", normalize.text_fold(city)) for key, _pc, city in rows if city
        }
        if any(
            (key, "pc", pc) in existing or (key, "city", city) in existing for key, pc, city in keys
        ):
            raise ImportFileError(
                _(
                    "Another import added some of these customers while this one was waiting; "
                    "nothing was imported. Check the file again: existing customers will be "
                    "skipped."
                )
            )


@transaction.atomic
def plan_write(*, job: ImportJob, plan: ImportPlan) -> tuple[int, int]:
    """COPY customers and contacts in batches; progress goes to the cache after each batch."""
    # One import per tenant writes at a time (the lock ends with the transaction); without it two
    # imports of the same file, both checked before either wrote, would create every row twice.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(hashtext(%s))",
            ["customers.import_write:" + connection.schema_name],
        )
    if job.skip_existing:
        _check_not_written_meanwhile(plan=plan)
    total = len(plan.customers)
    ids = reserve_ids(Customer, total)
    contact_ids = iter(reserve_ids(ContactPerson, plan.contact_count))
    for start in range(0, total, BATCH_SIZE):
        batch = plan.customers[start : start + BATCH_SIZE]
        people_batch = []
        for offset, customer in enumerate(batch):
            pk = ids[start + offset]
            people = plan.contacts[start + offset]
            customer["id"] = pk
            customer["import_job_id"] = job.pk  # the customer's timeline names its import
            customer["name_key"] = normalize.name_key(customer["name"])[:200]
            customer["email_domain"] = normalize.email_domain(
                customer["email"], customer["website"]
            )[:200]
            customer["phone_digits"] = normalize.phone_digits(
                customer["phone"], customer["country"]
            )[:50]
            customer["search_text"] = normalize.customer_search_text(
                name=customer["name"],
                city=customer["city"],
                postal_code=customer["postal_code"],
                contact_names=[
                    " ".join(p for p in (c["first_name"], c["last_name"]) if p) for c in people
                ],
            )
            for contact in people:
                contact["id"] = next(contact_ids)
                contact["customer_id"] = pk
                contact["search_text"] = normalize.contact_search_text(
                    first_name=contact["first_name"],
                    last_name=contact["last_name"],
                    email=contact["email"],
                    position=contact["position"],
                    customer_name=customer["name"],
                )
                people_batch.append(contact)
        copy_rows(Customer, batch)
        copy_rows(ContactPerson, people_batch)
        import_progress_set(
            job_id=job.pk, phase="write", done=min(total, start + BATCH_SIZE), total=total
        )
    events.customers_imported.send(
        sender=Customer,
        customer_ids=ids,
        user=job.created_by,
        job=job,
        contact_count=plan.contact_count,
    )
    return total, plan.contact_count

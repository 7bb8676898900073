"""Sample customers and contact persons for seed_demo (order 20). Written with COPY, so the large
tenant (100,000 customers, 200,000 contacts) takes seconds, not minutes."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from django.db import connection, transaction
from django.utils.translation import gettext

from crm.lib.seeding import SeedContext, report_counts
from customers import normalize, seed_data
from customers.bulk import copy_rows, indexes_rebuilt_after, reserve_ids
from customers.models import ContactPerson, Customer
from customers.services import size_class_derive, size_thresholds_get

LEAD_SHARE = 0.2
PERSON_SHARE = 0.04
UNOWNED_SHARE = 0.03


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", normalize.text_fold(text)).strip("-")[:40] or "firma"


def _weighted(rng, pairs):
    return rng.choices([p for p, _w in pairs], weights=[w for _p, w in pairs])[0]


def _company_name(rng, country: str, city: str) -> str:
    legal = _weighted(rng, seed_data.LEGAL_FORMS[country])
    surname = rng.choice(seed_data.SURNAMES)
    pattern = rng.random()
    if pattern < 0.35:
        name = f"{surname} {rng.choice(seed_data.TRADES)}"
    elif pattern < 0.55:
        name = f"{rng.choice(seed_data.STEMS)}{rng.choice(seed_data.ENDINGS)}"
    elif pattern < 0.70:
        return f"{rng.choice(seed_data.SHOPS)} {surname}" + (
            " e.K." if country == "DE" and rng.random() < 0.5 else ""
        )
    elif pattern < 0.82:
        name = f"{surname} & {rng.choice(seed_data.SURNAMES)}"
    elif pattern < 0.92:
        stem = f"{rng.choice(seed_data.STEMS)}{rng.choice(seed_data.ENDINGS)}"
        name = f"{stem} {city.split()[0].split('/')[0]}"
    else:
        name = f"{surname} {rng.choice(seed_data.TRADES)} {city.split()[0].split('/')[0]}"
    return f"{name} {legal}"


def _phone(rng, country: str, area: str) -> str:
    return f"{seed_data.COUNTRY_PHONE[country]} {area} {rng.randint(100000, 9999999)}"


def seed_customers(ctx: SeedContext) -> None:
    """About 20 % leads, ~2 contacts per customer, owners spread over the seeded users."""
    rng = ctx.rng
    n = ctx.customers
    users = [u.pk for u in ctx.made.get("users", [])]
    thresholds = size_thresholds_get()
    now = ctx.now
    by_country: dict[str, list[tuple]] = {}
    for entry in seed_data.CITIES:
        by_country.setdefault(entry[2], []).append(entry)
    countries = list(seed_data.COUNTRY_WEIGHT)
    country_weights = [seed_data.COUNTRY_WEIGHT[c] for c in countries]

    customer_ids = reserve_ids(Customer, n)
    customers: list[dict] = []
    contacts: list[dict] = []
    for pk in customer_ids:
        country = rng.choices(countries, weights=country_weights)[0]
        city, postal_code, _c, area = rng.choice(by_country[country])
        is_person = rng.random() < PERSON_SHARE
        tld = seed_data.COUNTRY_TLD[country]
        if is_person:
            first, last = rng.choice(seed_data.FIRST_NAMES), rng.choice(seed_data.SURNAMES)
            name = f"{first} {last}"
            mail_host = rng.choice(["gmx.de", "web.de", "gmail.com", "bluewin.ch", "aon.at"])
            email = f"{_slug(first)}.{_slug(last)}@{mail_host}"
            website, revenue, employees = "", None, None
        else:
            name = _company_name(rng, country, city)
            domain = f"{_slug(normalize.name_key(name))}.{tld}"
            email, website = f"info@{domain}", f"www.{domain}"
            employees = max(1, int(rng.lognormvariate(3.0, 1.4)))
            revenue = Decimal(int(employees * rng.uniform(80_000, 250_000)))
        manual = rng.random() < 0.05
        size_class = (
            rng.choice("ABCD")
            if manual
            else size_class_derive(
                annual_revenue=revenue, employees=employees, thresholds=thresholds
            )
        )
        status = Customer.Status.LEAD if rng.random() < LEAD_SHARE else Customer.Status.CUSTOMER
        owner_id = rng.choice(users) if users and rng.random() >= UNOWNED_SHARE else None
        created = now - dt.timedelta(days=rng.randint(0, 3 * 365), minutes=rng.randint(0, 1440))
        phone = _phone(rng, country, area)
        street = f"{rng.choice(seed_data.STREETS)} {rng.randint(1, 180)}"
        people = []
        for _n in range(rng.choice((0, 1, 1, 2, 2, 2, 3, 3, 4, 2)) if not is_person else 0):
            first, last = rng.choice(seed_data.FIRST_NAMES), rng.choice(seed_data.SURNAMES)
            people.append(f"{first} {last}")
            contact_email = f"{_slug(first)}.{_slug(last)}@{email.split('@', 1)[1]}"
            position = rng.choice(seed_data.POSITIONS)
            mobile = ""
            if rng.random() < 0.6:
                prefix = rng.choice(seed_data.MOBILE_PREFIXES[country])
                mobile = (
                    f"{seed_data.COUNTRY_PHONE[country]} {prefix} {rng.randint(1000000, 9999999)}"
                )
            contacts.append(
                {
                    "customer_id": pk,
                    "first_name": first,
                    "last_name": last,
                    "position": position,
                    "email": contact_email,
                    "phone": f"{phone[:-3]}{rng.randint(100, 999)}",
                    "mobile": mobile,
                    "notes": "",
                    "last_activity_at": None,
                    "created_at": created,
                    "updated_at": created,
                    "search_text": normalize.contact_search_text(
                        first_name=first,
                        last_name=last,
                        email=contact_email,
                        position=position,
                        customer_name=name,
                    ),
                }
            )
        converted_at = None
        if status == Customer.Status.CUSTOMER and rng.random() < 0.25:
            converted_at = min(now, created + dt.timedelta(days=rng.randint(7, 200)))
        customers.append(
            {
                "id": pk,
                "kind": Customer.Kind.PERSON if is_person else Customer.Kind.COMPANY,
                "name": name,
                "status": status,
                "converted_at": converted_at,
                "converted_by_id": owner_id if converted_at else None,
                "street": street,
                "postal_code": postal_code,
                "city": city,
                "country": country,
                "phone": phone,
                "email": email,
                "website": website,
                "industry": "" if is_person else rng.choice(seed_data.INDUSTRIES),
                "owner_id": owner_id,
                "annual_revenue": revenue,
                "employees": employees,
                "size_class": size_class,
                "size_class_manual": manual,
                "latitude": None,
                "longitude": None,
                "geocode_status": Customer.GeocodeStatus.PENDING,
                "geocoded_at": None,
                "last_activity_at": None,
                "name_key": normalize.name_key(name)[:200],
                "email_domain": normalize.email_domain(email, website)[:200],
                "phone_digits": normalize.phone_digits(phone, country)[:50],
                "search_text": normalize.customer_search_text(
                    name=name, city=city, postal_code=postal_code, contact_names=people
                ),
                "created_at": created,
                "updated_at": created,
                "created_by_id": owner_id,
            }
        )
    contact_ids = reserve_ids(ContactPerson, len(contacts))
    for contact, cid in zip(contacts, contact_ids, strict=True):
        contact["id"] = cid
    with transaction.atomic():
        if len(customers) >= 20_000:
            with indexes_rebuilt_after(Customer, ContactPerson):
                copy_rows(Customer, customers)
                copy_rows(ContactPerson, contacts)
        else:
            copy_rows(Customer, customers)
            copy_rows(ContactPerson, contacts)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {Customer._meta.db_table}")
        cursor.execute(f"ANALYZE {ContactPerson._meta.db_table}")

    ctx.made["customer_ids"] = customer_ids
    ctx.made["lead_ids"] = [c["id"] for c in customers if c["status"] == Customer.Status.LEAD]
    ctx.made["customer_owner_ids"] = {c["id"]: c["owner_id"] for c in customers}
    ctx.made["contact_ids"] = contact_ids
    contacts_by_customer: dict[int, list[int]] = {}
    for contact in contacts:
        contacts_by_customer.setdefault(contact["customer_id"], []).append(contact["id"])
    ctx.made["contacts_by_customer"] = contacts_by_customer
    ctx.stdout(
        gettext("customers: %(customers)s (%(leads)s leads), contact persons: %(contacts)s")
        % report_counts(
            {
                "customers": len(customers),
                "leads": len(ctx.made["lead_ids"]),
                "contacts": len(contacts),
            }
        )
    )

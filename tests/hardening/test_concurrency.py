"""Races against the real database with threads (committed rows, each thread its own connection).

Moving the same project, converting the same lead and winning two alternatives of one group are
proven in tests/sales/test_concurrency.py, tests/sales/test_leads.py and
tests/customers/test_services.py; here: two people importing the same file into one tenant at
once, and the loser's message of a move race as the page shows it.
"""

from __future__ import annotations

import threading
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections
from django_tenants.utils import schema_context

from crm.models import User
from customers import imports
from customers.models import ContactPerson, Customer, ImportJob

pytestmark = pytest.mark.slow


def _run_together(*calls):
    """Run each call in its own thread, released at the same moment; their results or exceptions."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(i, call):
        try:
            with schema_context("alpha"):
                barrier.wait(timeout=10)
                results[i] = call()
        except Exception as exc:  # noqa: BLE001 - the test inspects what each thread got
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


@pytest.fixture
def two_checked_imports(django_db_setup, django_db_blocker, settings, tmp_path):
    """Two committed import jobs of the same file by two users, checked and ready to run; removed
    after."""
    settings.MEDIA_ROOT = tmp_path / "media"
    tag = uuid.uuid4().hex[:8]
    names = [
        f"Race Import {tag} {i} GmbH" for i in range(2000)
    ]  # big enough that both checks overlap
    body = "Name;PLZ;Ort;Nachname\n" + "".join(
        f"{n};{10000 + i};Berlin;Person{i}\n" for i, n in enumerate(names)
    )
    jobs = []
    with django_db_blocker.unblock(), schema_context("alpha"):
        for email in ("dave@alpha.test", "carol@alpha.test"):
            user = User.objects.get(email=email)
            upload = SimpleUploadedFile("race.csv", body.encode(), content_type="text/csv")
            job = imports.import_job_create(user=user, upload=upload)
            job = imports.import_job_map(
                job=job, mapping=job.mapping, default_owner=user, skip_existing=True
            )
            job.refresh_from_db()
            assert job.state == ImportJob.State.CHECKED, (job.state, job.errors)
            jobs.append(job)
        # both pressed "Import" (the worker has not started either yet)
        ImportJob.objects.filter(pk__in=[j.pk for j in jobs]).update(
            state=ImportJob.State.IMPORTING
        )
        yield {"jobs": jobs, "names": names}
        ContactPerson.objects.filter(customer__name__in=names).delete()
        Customer.objects.filter(name__in=names).delete()
        ImportJob.objects.filter(pk__in=[j.pk for j in jobs]).delete()
    connection.set_schema_to_public()


def test_two_people_importing_the_same_file_at_once_create_each_customer_once(
    two_checked_imports, django_db_blocker
):
    jobs, names = two_checked_imports["jobs"], two_checked_imports["names"]
    with django_db_blocker.unblock():
        results = _run_together(
            *(lambda pk=job.pk: imports.import_job_run(job_id=pk) for job in jobs)
        )
        assert not [r for r in results if isinstance(r, Exception)], results
        with schema_context("alpha"):
            assert Customer.objects.filter(name__in=names).count() == len(names)  # no duplicates
            assert ContactPerson.objects.filter(customer__name__in=names).count() == len(names)
            done = {j.pk: j for j in ImportJob.objects.filter(pk__in=[j.pk for j in jobs])}
            states = sorted(j.state for j in done.values())
            # one imports everything; the other was checked before the first wrote, so it is refused
            # with a message and writes nothing (or, had it started after the first, skips every
            # row)
            if states == [ImportJob.State.DONE, ImportJob.State.REJECTED]:
                loser = next(j for j in done.values() if j.state == ImportJob.State.REJECTED)
                assert "Another import added some of these customers" in loser.message
            else:
                assert states == [ImportJob.State.DONE, ImportJob.State.DONE], states
                assert sorted(j.skipped_rows for j in done.values()) == [0, len(names)]


def test_two_people_moving_one_project_in_the_move_dialog_the_loser_is_told_and_sees_the_winner(
    committed_project, django_db_blocker
):
    from sales.models import PhaseChange, SalesProject
    from tests.conftest import tenant_client

    project = committed_project
    with django_db_blocker.unblock(), schema_context("alpha"):
        tenant = connection.tenant
        clients = {
            name: tenant_client(tenant, User.objects.get(email=f"{name}@alpha.test"))
            for name in ("alice", "carol")
        }
        phases = {
            name: project.process.phases.get(name=name).pk for name in ("Offer", "Negotiation")
        }

    def move(name, phase):
        return lambda: clients[name].post(
            f"/sales/projects/{project.pk}/move/",
            {"process": project.process_id, "phase": phases[phase], "version": project.version},
        )

    with django_db_blocker.unblock():
        responses = _run_together(move("alice", "Offer"), move("carol", "Negotiation"))
        assert not [r for r in responses if isinstance(r, Exception)], responses
        codes = sorted(r.status_code for r in responses)
        assert codes == [200, 302], codes
        loser = next(r for r in responses if r.status_code == 200)
        with schema_context("alpha"):
            stored = SalesProject.objects.select_related("phase").get(pk=project.pk)
            assert stored.version == project.version + 1  # exactly one move, no lost update
            assert PhaseChange.objects.filter(project_id=project.pk).count() == 1
        page = loser.content.decode()
        assert "Someone changed this project in the meantime" in page
        assert (
            f'value="{stored.phase_id}" selected' in page
        )  # the dialog now starts from the winner's phase

"""CSV import pages: upload, column mapping, dry-run report, start, progress (polled by htmx)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from crm.permissions import require_importer
from customers import imports, selectors
from customers.forms import ImportMappingForm, ImportUploadForm
from customers.models import ImportJob


@login_required
def import_upload(request: HttpRequest) -> HttpResponse:
    require_importer(request.user)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = imports.import_job_create(
                user=request.user,
                upload=form.cleaned_data["file"],
                encoding=form.cleaned_data["encoding"],
                delimiter=form.cleaned_data["delimiter"],
            )
        except imports.ImportFileError as exc:
            form.add_error("file", str(exc))
        else:
            return redirect("customers:import_mapping", pk=job.pk)
    return render(
        request,
        "customers/import_upload.html",
        {
            "form": form,
            "jobs": selectors.import_job_list(user=request.user),
            "max_mb": imports.MAX_BYTES // (1024 * 1024),
        },
    )


@login_required
def import_mapping(request: HttpRequest, pk: int) -> HttpResponse:
    require_importer(request.user)
    job = selectors.import_job_get(pk=pk, user=request.user)
    if job.is_active or job.state == ImportJob.State.DONE:
        return redirect("customers:import_detail", pk=job.pk)
    form = ImportMappingForm(request.POST or None, job=job, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            imports.import_job_map(
                job=job,
                mapping=form.mapping(),
                default_owner=form.cleaned_data["default_owner"],
                skip_existing=form.cleaned_data["skip_existing"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect("customers:import_detail", pk=job.pk)
    preview = imports.import_preview(job=job)
    for index, name in enumerate(form.columns):
        form.fields[name].preview_values = [
            row[index] for row in preview if index < len(row) and row[index].strip()
        ]
    return render(request, "customers/import_mapping.html", {"job": job, "form": form})


def _detail_context(job: ImportJob) -> dict:
    return {"job": job, "progress": imports.import_progress_get(job=job), "State": ImportJob.State}


@login_required
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require_importer(request.user)
    job = selectors.import_job_get(pk=pk, user=request.user)
    return render(request, "customers/import_detail.html", _detail_context(job))


@login_required
def import_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The status fragment; it keeps polling itself while the job runs."""
    require_importer(request.user)
    job = selectors.import_job_get(pk=pk, user=request.user)
    return render(request, "customers/import_detail.html#status", _detail_context(job))


@login_required
@require_POST
def import_start(request: HttpRequest, pk: int) -> HttpResponse:
    require_importer(request.user)
    job = selectors.import_job_get(pk=pk, user=request.user)
    try:
        imports.import_job_start(job=job, user=request.user)
    except ValidationError as exc:
        from django.contrib import messages

        messages.error(request, " ".join(exc.messages))
    return redirect("customers:import_detail", pk=job.pk)

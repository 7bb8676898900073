"""Totals: the one place where pipeline values are summed (count, volume, weighted volume), from
the running totals table or aggregated, cached per tenant generation."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db.models import (
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from crm.lib.generations import cached
from sales.models import (
    PipelineTotal,
    Process,
)

__all__ = [
    "ROLLUP_TOPIC",
    "Totals",
    "ZERO",
    "pipeline_rollup",
    "pipeline_totals",
    "rollup_aggregates",
    "rollup_cache_seconds",
    "totals_scope_q",
    "weighted_expression",
]


ZERO = Decimal("0")


def weighted_expression(*, prefix: str = "") -> ExpressionWrapper:
    """volume × probability / 100, as a database expression (``prefix`` reaches it through a
    relation)."""
    return ExpressionWrapper(
        F(f"{prefix}volume") * F(f"{prefix}probability") / Value(Decimal("100")),
        output_field=DecimalField(max_digits=16, decimal_places=2),
    )


@dataclass
class Totals:
    count: int = 0
    volume: Decimal = ZERO
    weighted: Decimal = ZERO


ROLLUP_TOPIC = "sales-rollup"  # the generation every project write bumps (sales.services.flags)


def rollup_cache_seconds() -> int:
    # Off in tests (builders write rows directly); services bump the generation on every commit.
    return getattr(settings, "SALES_ROLLUP_CACHE_SECONDS", 0 if settings.TESTING else 120)


def pipeline_rollup(*, projects: QuerySet, group_by: str | None = None) -> dict:
    """Count, volume and weighted volume of ``projects`` in ONE query, grouped by ``group_by``
    (a field or annotation name) or in total (key None).

    Every pipeline figure of the app (kanban columns, list totals, dashboard, forecast, group
    values) comes from here or from ``rollup_aggregates``: "count" is the number of projects, while
    volume and weighted volume add up only projects that count in the pipeline, so an alternatives
    group counts once (at its counting member, see ``SalesProject.counts_in_pipeline``). Results
    are cached per tenant under a generation that every project write bumps on commit, so a cached
    figure is never older than the last change.
    """
    seconds = rollup_cache_seconds()
    if not seconds:
        return _pipeline_rollup(projects=projects, group_by=group_by)
    try:
        sql = str(projects.order_by().query)
    except EmptyResultSet:
        return _pipeline_rollup(projects=projects, group_by=group_by)
    return cached(
        topic=ROLLUP_TOPIC,
        parts=(group_by, sql),
        seconds=seconds,
        compute=lambda: _pipeline_rollup(projects=projects, group_by=group_by),
    )


def rollup_aggregates(*, prefix: str = "") -> dict:
    """Count, volume and weighted volume as aggregate expressions (``prefix`` reaches the projects
    through a relation, e.g. ``members__`` from a group): every project is counted, only projects
    that count in the pipeline add their volume and weighted volume."""
    counting = Q(**{f"{prefix}counts_in_pipeline": True})
    money = DecimalField(max_digits=18, decimal_places=2)
    return {
        "n": Count(f"{prefix}id"),
        "vol": Coalesce(Sum(f"{prefix}volume", filter=counting), Value(ZERO), output_field=money),
        "wtd": Coalesce(
            Sum(weighted_expression(prefix=prefix), filter=counting),
            Value(ZERO),
            output_field=money,
        ),
    }


def _pipeline_rollup(*, projects: QuerySet, group_by: str | None) -> dict:
    aggregates = rollup_aggregates()
    projects = projects.order_by()
    if group_by is None:
        row = projects.aggregate(**aggregates)
        return {None: Totals(row["n"], row["vol"], row["wtd"])}
    rows = projects.values(group_by).annotate(**aggregates).order_by()
    return {row[group_by]: Totals(row["n"], row["vol"], row["wtd"]) for row in rows}


def totals_scope_q(*, lead: bool | None) -> Q:
    """The ``PipelineTotal`` rows of lead processes (``lead``), of the others, or of all (None)."""
    if lead is True:
        return Q(process__kind=Process.Kind.LEAD)
    if lead is False:
        return ~Q(process__kind=Process.Kind.LEAD)
    return Q()


def pipeline_totals(*, where: Q, by_phase: bool = False) -> dict:
    """Count, volume and weighted volume from the running totals (``PipelineTotal``, kept by
    triggers in every writing transaction): the same figures as ``pipeline_rollup`` for filters
    on process, phase, outcome and owner, in one query over a few hundred rows, never stale.

    ``where`` is a Q over ``PipelineTotal`` (fields process, phase, owner_key); the result is keyed
    by phase id (``by_phase``) or None.
    """
    rows = PipelineTotal.objects.filter(where)
    sums = {"n": Sum("n"), "vol": Sum("volume"), "vxp": Sum("volume_x_probability")}
    if by_phase:
        found = rows.values("phase_id").annotate(**sums).order_by()
        return {row["phase_id"]: _totals_from(row) for row in found if row["n"]}
    return {None: _totals_from(rows.aggregate(**sums))}


def _totals_from(row: dict) -> Totals:
    weighted = (row["vxp"] or ZERO) / 100
    return Totals(int(row["n"] or 0), row["vol"] or ZERO, weighted)

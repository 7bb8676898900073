"""Template against Python rendering of the three hand-rendered pieces, on a seeded tenant:

    .venv/bin/python bench/render_compare.py [--schema demo] [--user admin@demo.test] [--runs 30]

- the kanban cards of the first sales process's board (``sales_tags.kanban_cards`` against the same
  markup as a template include per card, ``bench/templates/bench/kanban_card.html``);
- 50 rows of the project list (``sales.tables.FastBodyMixin`` against django-tables2's own cell
  templates);
- a select of 200 options (``crm.lib.widgets.FastSelect`` against Django's ``Select``);
- the activity summary's weekly charts, 50 of 12 and 50 of 52 weeks
  (``activity_tags.weekly_chart`` against ``bench/templates/bench/weekly_chart.html``).

``--no-db`` runs only the last two, which need no seeded tenant.

Prints the median time of each and the ratio; the figures quoted beside the code come from here.
DEBUG is off, so templates come from the cached loader as in production.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.env import production_like  # noqa: E402 - the repository is on the path only now

production_like(hosts=None)


def _median_ms(fn, runs: int) -> float:
    fn()  # warm-up (template compilation, translations)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--schema", default="demo")
    parser.add_argument("--user", default="admin@demo.test")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--no-db", action="store_true", help="only the select and the charts")
    args = parser.parse_args()

    import django
    from django.conf import settings

    django.setup()
    settings.TEMPLATES[0]["DIRS"] = [*settings.TEMPLATES[0]["DIRS"], ROOT / "bench" / "templates"]

    if not args.no_db:
        _compare_db_pieces(args)
    _compare_select(args.runs)
    _compare_charts(args.runs)


def _compare_db_pieces(args) -> None:
    from django.template import engines
    from django.template.loader import get_template
    from django.test import RequestFactory
    from django_tenants.utils import schema_context

    from crm.models import User
    from sales import selectors
    from sales.tables import ProjectTable
    from sales.views.common import mark_editable, view_urls
    from tenants.models import Tenant

    with schema_context(args.schema):
        tenant = Tenant.objects.get(schema_name=args.schema)
        user = User.objects.get(email=args.user)
        request = RequestFactory().get("/", HTTP_HOST=f"{args.schema}.localhost")
        request.user, request.tenant = user, tenant
        process = selectors.process_list(lead=False)[0]
        projects = selectors.project_queryset(lead=False)
        columns = selectors.kanban_board(
            process=process, projects=projects, sort="volume", phase_ids=None, totals_where=None
        )
        cards = [card for column in columns for card in column.cards]
        mark_editable(cards, user)
        context = {
            "urls": view_urls(False),
            "board_query": f"process={process.pk}",
            "process": process,
            "crm_tenant": tenant,
            "currency": tenant.currency,
            "cards": cards,
        }
        python_cards = engines["django"].from_string(
            "{% load sales_tags %}{% kanban_cards cards %}"
        )
        template_cards = get_template("bench/kanban_cards.html")
        py = _median_ms(lambda: python_cards.render(context, request), args.runs)
        tpl = _median_ms(lambda: template_cards.render(context, request), args.runs)
        print(
            f"kanban cards ({len(cards)}): python {py:.1f} ms, template {tpl:.1f} ms, "
            f"template/python x{tpl / py:.1f}"
        )

        rows = list(
            projects.annotate(weighted=selectors.weighted_expression()).order_by("-volume", "id")[
                :50
            ]
        )

        def fast_body():
            table = ProjectTable(rows, currency=tenant.currency)
            table.paginate(per_page=50)
            return table.as_html(request)

        def template_body():
            table = ProjectTable(rows, currency=tenant.currency)
            table.paginate(per_page=50)
            return get_template("django_tables2/bootstrap5.html").render(
                {"table": table, "request": request}, request
            )

        py = _median_ms(fast_body, args.runs)
        tpl = _median_ms(template_body, args.runs)
        print(
            f"project table ({len(rows)} rows): python body {py:.1f} ms, "
            f"django-tables2 templates {tpl:.1f} ms, "
            f"template/python x{tpl / py:.1f}"
        )


def _compare_select(runs: int) -> None:
    from django import forms

    from crm.lib.widgets import FastSelect

    choices = [(str(i), f"Option {i} Müller & Söhne") for i in range(200)]
    py = _median_ms(lambda: FastSelect(choices=choices).render("owner", "7"), runs)
    tpl = _median_ms(lambda: forms.Select(choices=choices).render("owner", "7"), runs)
    print(
        f"select (200 options): python {py:.2f} ms, template {tpl:.2f} ms, "
        f"template/python x{tpl / py:.1f}"
    )


def _compare_charts(runs: int) -> None:
    import datetime

    from django.template import engines
    from django.template.loader import get_template

    from activity.templatetags.activity_tags import BAR_WIDTH, chart_geometry

    python_charts = engines["django"].from_string(
        "{% load activity_tags %}{% for weeks in charts %}"
        "{% weekly_chart weeks top width=130 height=30 label='Anna Müller' %}{% endfor %}"
    )
    template_charts = get_template("bench/weekly_charts.html")

    def template_render(charts, top):
        shaped = []
        for weeks in charts:
            view_width, bars, hits = chart_geometry(weeks, top, 30)
            shaped.append(
                {
                    "label": "Anna Müller",
                    "view_width": view_width,
                    "width": 130,
                    "height": 30,
                    "axis_y": 29.5,
                    "bars": bars,
                    "hits": hits,
                    "bar_width": BAR_WIDTH,
                }
            )
        return template_charts.render({"charts": shaped})

    monday = datetime.date(2026, 1, 5)
    for count in (12, 52):
        charts = [
            [(monday + datetime.timedelta(weeks=w), (w * 7 + e) % 23) for w in range(count)]
            for e in range(50)
        ]
        context = {"charts": charts, "top": 22}
        py = _median_ms(lambda c=context: python_charts.render(c), runs)
        tpl = _median_ms(lambda c=charts: template_render(c, 22), runs)
        print(
            f"weekly charts (50 of {count} weeks): python {py:.1f} ms, template {tpl:.1f} ms, "
            f"template/python x{tpl / py:.1f}"
        )


if __name__ == "__main__":
    main()

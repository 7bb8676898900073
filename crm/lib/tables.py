"""Shared pieces of the list tables (django-tables2): the body rendered in Python."""

from __future__ import annotations

from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django_tables2 import CheckBoxColumn


class FastBodyMixin:
    """Renders the body rows in Python, one function call per cell, instead of django-tables2's
    per-cell template nodes and signature introspection (a list page has 500-600 cells; measured
    with bench/render_compare.py on 50 rows, django-tables2's cell templates took x7-17 the time
    of this body, e.g. 870 ms against 130 ms on a loaded 2-core machine). Header, sorting and
    pagination stay django-tables2's. The table's template calls ``body_html``; subclasses give
    every standard column's cell in ``cells(record)`` (a dict by column name); a column with a
    ``cell(record)`` method of its own (a custom field's, customfields.columns) gives its cell
    itself. The cells follow the table's columns, so a tenant's layout (their choice and order)
    needs no template of its own. tests/sales/test_tables.py checks the output against
    django-tables2's own rendering."""

    row_key = "data-id"  # the row attribute that carries the record's id
    empty_in_template = False  # the template writes the empty row itself (body_html gives "")

    def cells(self, record) -> dict:
        raise NotImplementedError

    def row_attrs_html(self, record, index: int) -> str:
        """The attributes of a body row (escaped: only ids and fixed words in them)."""
        return f'{self.row_key}="{int(record.pk)}" class="{"odd" if index % 2 else "even"}"'

    def body_html(self) -> SafeString:
        columns = list(self.columns)
        td = [c.attrs["td"].as_html() for c in columns]
        records = [row.record for row in self.paginated_rows]
        if not records:
            if not self.empty_text or self.empty_in_template:
                return mark_safe("")  # noqa: S308
            return format_html('<tr><td colspan="{}">{}</td></tr>', len(columns), self.empty_text)
        names = [c.name for c in columns]
        own = [(c.name, c.column.cell) for c in columns if hasattr(c.column, "cell")]
        out = []
        for i, record in enumerate(records):
            by_name = self.cells(record)
            for name, cell in own:
                by_name[name] = cell(record)
            row = "".join(
                f"<td {attrs}>{conditional_escape(by_name[name])}</td>"
                for name, attrs in zip(names, td, strict=True)
            )
            out.append(f"<tr {self.row_attrs_html(record, i)}>{row}</tr>")
        return mark_safe("\n".join(out))  # noqa: S308 (every cell is escaped or built by format_html)


def check_target(box: str) -> SafeString:
    """A row's checkbox inside a label, so that on a phone the whole 44 px square around it ticks
    it (crm.css: label.crm-check-target); ``box`` is the checkbox's HTML, already escaped."""
    return format_html('<label class="crm-check-target">{}</label>', box)


class CheckTargetColumn(CheckBoxColumn):
    """django-tables2's checkbox column with its boxes (header and rows) in a ``check_target``."""

    @property
    def header(self):
        return check_target(super().header)

    def render(self, value, bound_column, record):
        return check_target(super().render(value, bound_column, record))

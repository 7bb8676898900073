"""Reporting periods of the log page, as half-open ranges of aware datetimes in the tenant's
zone."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

PERIODS = [
    ("week", _("This week")),
    ("last_week", _("Last week")),
    ("month", _("This month")),
    ("last_month", _("Last month")),
    ("30d", _("Last 30 days")),
    ("90d", _("Last 90 days")),
    ("quarter", _("This quarter")),
    ("year", _("This year")),
    ("365d", _("Last 12 months")),
    ("custom", _("From – to")),
]
DEFAULT_PERIOD = "30d"


@dataclass(frozen=True)
class Period:
    """Days ``first`` to ``last`` inclusive; ``start``/``end`` are the matching datetime bounds."""

    first: datetime.date
    last: datetime.date

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    @property
    def start(self) -> datetime.datetime:
        return _midnight(self.first)

    @property
    def end(self) -> datetime.datetime:
        return _midnight(self.last + datetime.timedelta(days=1))

    def previous(self) -> Period:
        """The period of the same length right before this one."""
        return Period(
            first=self.first - datetime.timedelta(days=self.days),
            last=self.first - datetime.timedelta(days=1),
        )


def _midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def period_resolve(
    *,
    name: str | None,
    today: datetime.date | None = None,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> Period:
    """The period a name stands for; "this ..." periods run up to today, so comparisons are fair."""
    today = today or timezone.localdate()
    day = datetime.timedelta(days=1)
    if name == "custom" or (name in (None, "") and (date_from or date_to)):
        last = date_to or today
        first = date_from or (last - 29 * day)
        return Period(first=min(first, last), last=max(first, last))
    if name == "week":
        return Period(first=today - today.weekday() * day, last=today)
    if name == "last_week":
        monday = today - (today.weekday() + 7) * day
        return Period(first=monday, last=monday + 6 * day)
    if name == "month":
        return Period(first=today.replace(day=1), last=today)
    if name == "last_month":
        last = today.replace(day=1) - day
        return Period(first=last.replace(day=1), last=last)
    if name == "90d":
        return Period(first=today - 89 * day, last=today)
    if name == "quarter":
        return Period(first=today.replace(month=(today.month - 1) // 3 * 3 + 1, day=1), last=today)
    if name == "year":
        return Period(first=today.replace(month=1, day=1), last=today)
    if name == "365d":
        return Period(first=today - 364 * day, last=today)
    return Period(first=today - 29 * day, last=today)  # "30d", the default


def weeks_for_chart(
    *, period: Period, minimum: int = 12, maximum: int = 106
) -> list[datetime.date]:
    """Mondays of the weeks the chart shows: those of the period, at least ``minimum`` of them."""
    last_monday = period.last - datetime.timedelta(days=period.last.weekday())
    first_monday = period.first - datetime.timedelta(days=period.first.weekday())
    count = (last_monday - first_monday).days // 7 + 1
    count = max(minimum, min(maximum, count))
    return [last_monday - datetime.timedelta(weeks=count - 1 - i) for i in range(count)]

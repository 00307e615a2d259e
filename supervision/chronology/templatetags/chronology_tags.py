"""Presentation helpers for chronology pages. No queries."""

from __future__ import annotations

from datetime import date

from django import template
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from supervision.cases.models import Person
from supervision.domain.anonymise import anonymise

register = template.Library()


@register.filter
def event_date(day: date, precision: str) -> str:
    """The date as precisely as it is known: "8 January 2025", "January 2025", "2025"."""
    if precision == "year":
        return str(day.year)
    if precision == "month":
        return date_format(day, "F Y")
    shown = date_format(day, "j F Y")
    if precision == "approximate":
        return _("about %(date)s") % {"date": shown}
    return shown


@register.filter
def get_item(mapping: dict[str, object], key: str) -> object:
    return mapping.get(key, "")


@register.filter
def heat(count: int, peak: int) -> int:
    """A shade from 0 to 4 for a heat-map cell."""
    if not count or not peak:
        return 0
    return max(1, min(4, round(4 * count / peak)))


@register.filter
def anon(text: str, replacements: dict[str, str]) -> str:
    """The text with people's names replaced by their roles, when replacements are given."""
    return anonymise(text, replacements) if replacements and text else text


@register.filter
def who(person: Person, labels: dict[int, str]) -> str:
    """A person's role label in the anonymised view, otherwise their name."""
    return labels.get(person.pk, person.full_name) if labels else person.full_name

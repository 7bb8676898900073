"""The filter forms' "Filters" button on a phone: ``{% filters_set filter request %}`` is how many
of the FilterSet's fields the request's query sets (shown on the folded form's button)."""

from django import template

register = template.Library()


@register.simple_tag
def filters_set(filterset, request) -> int:
    """How many of ``filterset``'s form fields have a value in the query string."""
    return sum(1 for name in filterset.form.fields if any(request.GET.getlist(name)))

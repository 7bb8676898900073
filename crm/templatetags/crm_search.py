"""Template helpers of the global search."""

from django import template

from crm.lib.textfold import highlight

register = template.Library()


@register.filter(name="search_highlight")
def search_highlight(text, query):
    """``{{ hit.title|search_highlight:q }}``: the text with the matching parts in <mark>."""
    return highlight(str(text), str(query or ""))

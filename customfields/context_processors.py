"""``std`` in every template: ``{% if std.customer.phone %}`` is False once the tenant switched
the customer's phone off (customfields.standard; read lazily, once per request)."""

from customfields.standard import Switches


def standard_fields(request):
    return {"std": Switches(getattr(request, "user", None))}

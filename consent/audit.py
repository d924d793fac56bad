"""Journal d'audit : chaque création ou modification d'un objet du consentement laisse une trace.

L'utilisateur courant vient d'un ContextVar posé par `CurrentUserMiddleware` (requêtes web) ou par
`acting_as(user)` (services, commandes). Les champs listés dans `audit_masked_fields` sont notés
« modifié » sans leur valeur.
"""

import contextlib
import contextvars
import datetime
import decimal

_current_user = contextvars.ContextVar("paroles_consent_current_user", default=None)
MASK = "•••"


def current_user():
    user = _current_user.get()
    if user is not None and getattr(user, "is_authenticated", False):
        return user
    return None


@contextlib.contextmanager
def acting_as(user):
    token = _current_user.set(user)
    try:
        yield
    finally:
        _current_user.reset(token)


class CurrentUserMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _current_user.set(getattr(request, "user", None))
        try:
            return self.get_response(request)
        finally:
            _current_user.reset(token)


def _jsonable(value):
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, (list, tuple, set)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if hasattr(value, "name") and hasattr(value, "storage"):  # FieldFile
        return value.name or ""
    return str(value)


def snapshot(instance):
    data = {}
    for field in instance._meta.concrete_fields:
        if field.name in ("updated_at",):
            continue
        data[field.attname] = _jsonable(field.value_from_object(instance))
    return data


def diff(before, after, masked=()):
    changes = {}
    for key in sorted(set(before) | set(after)):
        old, new = before.get(key), after.get(key)
        if old != new:
            name = key[:-3] if key.endswith("_id") and key[:-3] in masked else key
            if name in masked:
                changes[name] = [MASK, MASK]
            else:
                changes[key] = [old, new]
    return changes

"""Le câblage des pages vers leurs cas d'usage (exhibitions.wiring, branché dans ExhibitionsConfig.ready)."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from exhibitions import wiring


def test_every_name_is_connected_to_the_function_it_announces():
    for name, target in wiring.NAMES.items():
        function = wiring._connected[name]
        assert f"{function.__module__}.{function.__qualname__}" == f"exhibitions.{target}", name


def test_an_unknown_or_missing_name_fails_loudly(monkeypatch):
    with pytest.raises(ImproperlyConfigured):
        wiring.connect(publish_everything=lambda page: True)
    monkeypatch.setattr(wiring, "_connected", {})
    with pytest.raises(ImproperlyConfigured, match="home_context"):
        wiring.call("home_context", None, None)

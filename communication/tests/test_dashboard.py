"""Tableau de bord : cibles, séparation diffusion/présentiel, groupes sensibles, petits nombres, requêtes bornées."""

import datetime as dt

import pytest
from django.utils import timezone

from communication.dashboard import Filters, build, suppress
from communication.models import CommunicationPlan, PlannedActivity

from .helpers import make_screening

URL = "/admin/communication/tableau-de-bord/"


@pytest.fixture
def plan(setup):
    plan = CommunicationPlan.objects.create(project=setup["project"], title="Plan 2022", objectives="Toucher les PDI",
                                            start_date=dt.date(2022, 1, 1), end_date=dt.date(2022, 12, 31))
    PlannedActivity.objects.create(plan=plan, title="Capsules VBG à Bamako", work=setup["works"][0],
                                   channel="community_talk", partner=setup["aracem"], region=setup["places"]["bamako"],
                                   start_date=dt.date(2022, 1, 1), end_date=dt.date(2022, 3, 31), target=2000)
    return plan


def test_suppress():
    # Arrondi contrôlé : 0, « < 5 » de 1 à 4, puis le multiple de 5 le plus proche.
    assert [suppress(v) for v in (0, 1, 4, 5, 6, 7, 8, 12, 13, 120)] == [0, "< 5", "< 5", 5, 5, 5, 10, 10, 15, 120]


def test_reach_against_target_and_broadcast_apart(setup, plan, coordinator):
    make_screening(setup, women=10, men=5)
    make_screening(setup, women=20, when=timezone.make_aware(dt.datetime(2022, 2, 1, 9)))
    make_screening(setup, partner=setup["atc"], place=setup["places"]["socoura_site"], women=7)
    make_screening(setup, channel="tv", estimated_audience=1_000_000)
    data = build(Filters(), coordinator)
    assert data["totals"]["people"] == 42
    assert data["totals"]["audience"] == 1_000_000
    assert data["totals"]["sessions"] == 3 and data["totals"]["broadcasts"] == 1
    activity = data["activities"][0]
    assert (activity["actual"], activity["target"], activity["percent"]) == (35, 2000, 2)
    partners = {r["label"]: r for r in data["by_partner"]}
    assert partners["ARACEM"]["people"] == 35 and partners["ARACEM"]["target"] == 2000
    regions = {r["label"]: r["people"] for r in data["by_region"]}
    assert regions == {"District de Bamako": 35, "Mopti": 7}
    months = {r["label"]: (r["people"], r["target"]) for r in data["by_month"]}
    assert months["Mar 22"][0] == 42 - 20 and months["Fév 22"][0] == 20
    assert sum(t for _, t in months.values() if t) == pytest.approx(2000, abs=2)


def test_filters(setup, plan, coordinator):
    make_screening(setup, women=10)
    make_screening(setup, partner=setup["atc"], women=7)
    make_screening(setup, women=3, when=timezone.make_aware(dt.datetime(2023, 5, 1, 9)))
    assert build(Filters(partner=setup["atc"]), coordinator)["totals"]["people"] == 7
    assert build(Filters(start=dt.date(2023, 1, 1)), coordinator)["totals"]["people"] == 3
    assert build(Filters(end=dt.date(2022, 12, 31)), coordinator)["totals"]["people"] == 17
    assert build(Filters(channel="police_station"), coordinator)["totals"]["people"] == 0


def test_page_renders_svg_charts_without_scripts(client, setup, plan, coordinator):
    make_screening(setup, women=10, men=5)
    client.force_login(coordinator)
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<svg") >= 5 and "paroles-chart" in html
    assert "Capsules VBG à Bamako" in html
    assert "24 heures" in html  # la règle de comptage des téléchargements est publiée


def test_dashboard_requires_permission(client, setup):
    from media_library.tests.factories import UserFactory

    client.force_login(setup["facilitator"])
    assert client.get(URL).status_code in (302, 403)
    from django.contrib.auth.models import Permission

    staff = UserFactory(username="staff-sans-droit")
    staff.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(staff)
    assert client.get(URL).status_code in (302, 403)


def test_sensitive_counts_hidden_without_permission(client, setup, coordinator):
    make_screening(setup, women=10, sex_workers=7, gender_minorities=3)
    client.force_login(coordinator)
    html = client.get(URL).content.decode()
    assert "sensitive-table" not in html and "Minorités de genre" not in html
    data = build(Filters(), coordinator)
    assert "sex_workers" not in data["totals"] and data["sensitive_by_partner"] == []


def test_sensitive_counts_shown_to_authorised_with_small_numbers_suppressed(client, setup, officer):
    make_screening(setup, women=10, sex_workers=7, gender_minorities=3)
    make_screening(setup, partner=setup["atc"], women=4, sex_workers=2)
    client.force_login(officer)
    html = client.get(URL).content.decode()
    assert "sensitive-table" in html
    data = build(Filters(), officer)
    rows = {r["partner"]: r for r in data["sensitive_by_partner"]}
    assert rows["ARACEM"]["sex_workers"] == 5 and rows["ARACEM"]["gender_minorities"] == "< 5"  # 7, arrondi
    assert rows["ATC"]["sex_workers"] == "< 5"
    assert data["totals"]["sex_workers"] == 10 and data["totals"]["gender_minorities"] == "< 5"  # 9, arrondi
    assert "&lt; 5" in html


def test_query_count_is_bounded(client, setup, plan, coordinator, django_assert_max_num_queries):
    for i in range(30):
        make_screening(setup, women=1 + i, when=timezone.make_aware(dt.datetime(2022, 1 + i % 12, 3, 10)),
                       work=setup["works"][i % 2])
    client.force_login(coordinator)
    with django_assert_max_num_queries(40):
        assert client.get(URL).status_code == 200

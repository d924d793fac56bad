"""Export bailleurs : forme d'un tableau d'indicateurs de cadre logique."""

import csv
import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from communication.dashboard import Filters
from communication.exports import as_csv, as_xlsx, headers, rows
from communication.models import CommunicationPlan, Indicator, PlannedActivity

from .helpers import make_screening


@pytest.fixture
def plan(setup):
    plan = CommunicationPlan.objects.create(project=setup["project"], title="Plan", objectives="…",
                                            start_date=dt.date(2022, 1, 1), end_date=dt.date(2022, 12, 31))
    PlannedActivity.objects.create(plan=plan, title="Causeries ARACEM", channel="", partner=setup["aracem"],
                                   start_date=dt.date(2022, 1, 1), end_date=dt.date(2022, 6, 30), target=1000)
    Indicator.objects.create(plan=plan, code="IExt 2.3", label="Nbre de personnes touchées par les causeries",
                             measure="people", baseline=0, target=5000)
    Indicator.objects.create(plan=plan, code="IExt 2.2", label="Public des diffusions", measure="broadcast",
                             baseline=0, target=500000)
    return plan


def test_rows_shape(setup, plan, coordinator):
    make_screening(setup, women=10, girls=2)
    make_screening(setup, partner=setup["atc"], men=4, when=dt.datetime(2022, 5, 2, 9, tzinfo=dt.timezone.utc))
    make_screening(setup, channel="tv", estimated_audience=250000)
    table = list(rows(Filters(), coordinator))
    assert all(len(r) == len(headers()) for r in table)
    people = [r for r in table if r[0] == "IExt 2.3"]
    overall = [r for r in people if r[3] == "Ensemble" and r[6] == "Tous les partenaires" and r[7] == "Total"]
    assert overall == [["IExt 2.3", "Nbre de personnes touchées par les causeries", "Personnes touchées en présentiel",
                        "Ensemble", "2022-01-01", "2022-12-31", "Tous les partenaires", "Total", 0, 5000, 16, 0]]
    q1 = {(r[6], r[7]): r for r in people if r[3] == "T1 2022"}
    assert q1[("ARACEM", "Total")][10] == 12 and q1[("ARACEM", "Total")][9] == 497  # 1000 × 90/181 jours
    assert q1[("ARACEM", "filles (moins de 18 ans)")][10] == 2
    assert ("ATC", "Total") not in q1
    q2 = {(r[6], r[7]): r for r in people if r[3] == "T2 2022"}
    assert q2[("ATC", "hommes")][10] == 4
    broadcast = [r for r in table if r[0] == "IExt 2.2" and r[3] == "Ensemble" and r[6] == "Tous les partenaires"]
    assert broadcast[0][10] == 250000 and broadcast[0][9] == 500000
    assert not any("sexe" in r[7] for r in table)  # pas de groupe sensible sans la permission


def test_sensitive_rows_for_authorised_are_suppressed(setup, plan, officer):
    make_screening(setup, women=10, sex_workers=3)
    table = list(rows(Filters(), officer))
    sensitive = [r for r in table if "sexe" in r[7] and r[6] == "Tous les partenaires" and r[3] == "Ensemble"]
    assert sensitive and sensitive[0][10] == "< 5"


def test_csv_and_xlsx_downloads(client, setup, plan, coordinator):
    make_screening(setup, women=10)
    client.force_login(coordinator)
    response = client.get("/admin/communication/tableau-de-bord/export.csv")
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    reader = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert reader[0] == headers() and len(reader) > 5
    response = client.get("/admin/communication/tableau-de-bord/export.xlsx")
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(response.content))
    ws = wb.worksheets[0]
    assert [c.value for c in ws[1]] == headers()
    assert ws.max_row == len(reader)
    assert as_csv(Filters(), coordinator) and as_xlsx(Filters(), coordinator)


def test_downloads_indicator_uses_the_published_rule(setup, plan, coordinator):
    import datetime as dt

    from django.utils import timezone

    from media_library.models import ServedFile

    Indicator.objects.create(plan=plan, code="Com 2", label="Téléchargements", measure="downloads", target=200)
    t0 = timezone.make_aware(dt.datetime(2022, 2, 1, 9))
    for minutes in (0, 60, 60 * 30):  # deux dans la même fenêtre de 24 h, un troisième le lendemain
        ServedFile.objects.create(created_at=t0 + dt.timedelta(minutes=minutes), user=setup["facilitator"],
                                  work=setup["works"][0], channel="facilitator_download", purpose="rendu:phone",
                                  object_key="media_library.rendition:1", size=1000)
    table = [r for r in rows(Filters(), coordinator) if r[0] == "Com 2"]
    overall = [r for r in table if r[3] == "Ensemble" and r[7] == "Total"][0]
    assert overall[10] == 2 and overall[9] == 200
    assert [r[10] for r in table if r[3] == "T1 2022"] == [2]

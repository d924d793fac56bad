"""IATI 2.03 : validé contre le schéma XSD officiel (lxml), résultats, ventilations, liens publics."""

import datetime as dt
import os
from pathlib import Path

import pytest
from django.core.management import call_command
from lxml import etree

from communication.models import CommunicationPlan, Indicator, PlannedActivity
from communication.tests.helpers import make_screening
from consent.testing import grant, withdraw_all
from interop.iati.build import build_activities
from media_library.tests.factories import PartnerFactory, WorkFactory

# Le schéma officiel (hors du dépôt) ; ailleurs qu'ici : PAROLES_IATI_XSD=/chemin/iati-activities-schema.xsd
# Le dossier shared/ du projet est à côté du dépôt (en développement comme en CI, qui clone ailleurs).
XSD = Path(os.environ.get("PAROLES_IATI_XSD", Path(__file__).resolve().parents[2].parent / "shared" / "standards"
                          / "iati-2.03" / "iati-activities-schema.xsd"))


@pytest.fixture(scope="module")
def schema():
    if not XSD.exists():
        pytest.fail(f"Schéma IATI 2.03 introuvable : {XSD}")
    return etree.XMLSchema(etree.parse(str(XSD)))


@pytest.fixture
def plan(setup):
    plan = CommunicationPlan.objects.create(project=setup["project"], title="Plan Kafamuya",
                                            objectives="Faire connaître les droits des femmes migrantes.",
                                            start_date=dt.date(2022, 1, 1), end_date=dt.date(2022, 12, 31))
    PlannedActivity.objects.create(plan=plan, title="Causeries ARACEM", partner=setup["aracem"],
                                   start_date=dt.date(2022, 1, 1), end_date=dt.date(2022, 6, 30), target=1000)
    hidden_partner = PartnerFactory(name="Collectif protégé", acronym="CP", is_protected_community=True)
    PlannedActivity.objects.create(plan=plan, title="Causeries protégées", partner=hidden_partner,
                                   start_date=dt.date(2022, 1, 1), end_date=dt.date(2022, 6, 30), target=50)
    Indicator.objects.create(plan=plan, code="IExt 2.3", label="Personnes touchées par les causeries",
                             measure="people", baseline=120, target=5000)
    Indicator.objects.create(plan=plan, code="IExt 2.2", label="Public des diffusions", measure="broadcast",
                             baseline=0, target=500000)
    return plan


def test_valid_against_iati_203_schema_with_results(setup, plan, schema):
    make_screening(setup, women=10, girls=2, men=6, sex_workers=3)
    make_screening(setup, channel="tv", estimated_audience=250000)
    doc = etree.fromstring(build_activities())
    schema.assertValid(doc)
    assert doc.get("version") == "2.03"
    activity = doc.find("iati-activity")
    assert activity.findtext("title/narrative") == "Plan Kafamuya"
    orgs = [n.text for n in activity.findall("participating-org/narrative")]
    assert "Association des Refoulés d'Afrique Centrale au Mali" in orgs
    assert "Collectif protégé" not in orgs  # une communauté protégée n'est jamais nommée
    people = [r for r in activity.findall("result") if r.findtext("title/narrative").startswith("IExt 2.3")][0]
    indicator = people.find("indicator")
    assert indicator.find("baseline").get("value") == "120"
    q1 = [p for p in indicator.findall("period") if p.find("period-start").get("iso-date") == "2022-01-01"][0]
    assert q1.find("period-end").get("iso-date") == "2022-03-31"
    assert q1.find("target").get("value") == "522"  # (1000 + 50) × 90/181 jours, comme l'export bailleurs
    actuals = q1.findall("actual")
    assert actuals[0].get("value") == "18" and actuals[0].find("dimension") is None
    dims = {a.find("dimension").get("value"): a.get("value") for a in actuals[1:]}
    # Règle des petits nombres : 10 femmes et 6 hommes publiés ; 2 filles masquées ; groupes sensibles jamais.
    # Petits nombres : chaque effectif publié est arrondi à 5 près (règle du tableau de bord), 6 → 5.
    assert dims.get("women") == "10" and dims.get("men") == "5"
    assert "girls" not in dims
    assert "sex_workers" not in etree.tostring(doc).decode()
    broadcast = [r for r in activity.findall("result") if r.findtext("title/narrative").startswith("IExt 2.2")][0]
    assert any(a.get("value") == "250000" for a in broadcast.iter("actual"))


def test_document_links_only_to_publicly_visible_works(setup, plan, schema):
    public = WorkFactory(project=setup["project"], title_fr="Photo publique")
    record = grant(public, channels=["website"])
    museum = WorkFactory(project=setup["project"], title_fr="Musée seulement")
    grant(museum, channels=["museum"])
    doc = etree.fromstring(build_activities())
    schema.assertValid(doc)
    titles = [d.findtext("title/narrative") for d in doc.iter("document-link")]
    assert "Photo publique" in titles and "Musée seulement" not in titles
    link = [d for d in doc.iter("document-link") if d.findtext("title/narrative") == "Photo publique"][0]
    assert link.get("url").endswith(public.get_absolute_url())
    withdraw_all(record.participant)
    titles = [d.findtext("title/narrative") for d in etree.fromstring(build_activities()).iter("document-link")]
    assert "Photo publique" not in titles


def test_command_writes_a_valid_file(setup, plan, schema, tmp_path):
    make_screening(setup, women=10)
    out = tmp_path / "iati.xml"
    call_command("export_iati", "--output", str(out), "--no-progress")
    schema.assertValid(etree.parse(str(out)))
    assert not (tmp_path / "iati.xml.tmp").exists()


def test_dashboard_download_needs_the_dashboard_permission(client, setup, plan, coordinator, schema):
    client.force_login(setup["facilitator"])
    assert client.get("/admin/interop/iati.xml").status_code in (302, 403)
    client.force_login(coordinator)
    page = client.get("/admin/communication/tableau-de-bord/")
    assert b"/admin/interop/iati.xml" in page.content
    response = client.get("/admin/interop/iati.xml")
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment;")
    schema.assertValid(etree.fromstring(response.content))

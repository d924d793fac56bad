"""OAI-PMH 2.0 : moissonné par Sickle (client tiers) sur un vrai serveur ; erreurs du protocole."""

import pytest
from lxml import etree

from consent.testing import grant, publish, withdraw_all
from media_library.tests.factories import ProjectFactory, WorkFactory

OAI = {"o": "http://www.openarchives.org/OAI/2.0/"}


def error_code(response):
    return etree.fromstring(response.content).find("o:error", OAI).get("code")


@pytest.fixture
def works(db):
    project = ProjectFactory(name="Kafamuya")
    public = []
    for i in range(5):
        w = WorkFactory(project=project, title_fr=f"Photo publique {i}", title_bm=f"Ja {i}", kind="photovoice")
        publish(w)
        public.append(w)
    withdrawn = WorkFactory(project=project, title_fr="Sera retirée", kind="podcast")
    record = grant(withdrawn)
    hidden = WorkFactory(project=project, title_fr="Jamais publique")
    museum = WorkFactory(project=project, title_fr="Musée seulement")
    grant(museum, channels=["museum"])
    return {"public": public, "withdrawn": withdrawn, "withdrawn_record": record, "hidden": hidden, "museum": museum}


@pytest.mark.slow
def test_harvested_by_sickle_with_resumption_and_deletions(live_server, works, settings):
    from sickle import Sickle
    from sickle.oaiexceptions import IdDoesNotExist, NoSetHierarchy

    settings.PAROLES_OAI_PAGE_SIZE = 2  # 6 notices → 3 pages : les jetons de reprise servent
    harvester = Sickle(live_server.url + "/oai/", max_retries=0)
    identify = harvester.Identify()
    assert identify.protocolVersion == "2.0" and identify.deletedRecord == "persistent"
    assert identify.granularity == "YYYY-MM-DDThh:mm:ssZ"
    formats = [f.metadataPrefix for f in harvester.ListMetadataFormats()]
    assert formats == ["oai_dc"]
    with pytest.raises(NoSetHierarchy):
        list(harvester.ListSets())

    records = list(harvester.ListRecords(metadataPrefix="oai_dc", ignore_deleted=False))
    titles = sorted(r.metadata["title"][0] for r in records)
    assert titles == sorted([f"Photo publique {i}" for i in range(5)] + ["Sera retirée"])
    assert all(not r.header.deleted for r in records)
    first = records[0]
    assert "Ja" in " ".join(first.metadata["title"]) or first.metadata["title"][0] == "Sera retirée"
    assert first.metadata["identifier"][0].startswith(live_server.url + "/archives/")
    ids = [h.identifier for h in harvester.ListIdentifiers(metadataPrefix="oai_dc")]
    assert len(ids) == len(set(ids)) == 6

    withdrawn_id = next(r.header.identifier for r in records if r.metadata["title"][0] == "Sera retirée")
    withdraw_all(works["withdrawn_record"].participant)
    records = list(harvester.ListRecords(metadataPrefix="oai_dc", ignore_deleted=False))
    deleted = [r for r in records if r.header.deleted]
    assert [r.header.identifier for r in deleted] == [withdrawn_id]
    assert deleted[0].xml.find(".//o:metadata", OAI) is None  # aucune métadonnée pour une notice supprimée
    assert b"Sera retir" not in etree.tostring(deleted[0].xml)
    # Persistant : la suppression reste annoncée, par GetRecord aussi.
    again = harvester.GetRecord(identifier=withdrawn_id, metadataPrefix="oai_dc")
    assert again.header.deleted
    # Une œuvre jamais exposée n'existe pas pour le moissonneur.
    prefix = withdrawn_id.rsplit(":", 1)[0] + ":"
    for never in (works["hidden"], works["museum"]):
        with pytest.raises(IdDoesNotExist):
            harvester.GetRecord(identifier=f"{prefix}{never.pk}", metadataPrefix="oai_dc")


def test_protocol_errors(client, works):
    assert error_code(client.get("/oai/")) == "badVerb"
    assert error_code(client.get("/oai/?verb=Dance")) == "badVerb"
    assert error_code(client.get("/oai/?verb=ListRecords")) == "badArgument"
    assert error_code(client.get("/oai/?verb=ListRecords&metadataPrefix=marc21")) == "cannotDisseminateFormat"
    assert error_code(client.get("/oai/?verb=ListRecords&metadataPrefix=oai_dc&from=hier")) == "badArgument"
    assert error_code(client.get("/oai/?verb=ListRecords&metadataPrefix=oai_dc&from=2020-01-01&until=2030-01-01T00:00:00Z")) == "badArgument"
    assert error_code(client.get("/oai/?verb=ListRecords&resumptionToken=faux")) == "badResumptionToken"
    assert error_code(client.get("/oai/?verb=ListRecords&resumptionToken=x&metadataPrefix=oai_dc")) == "badArgument"
    assert error_code(client.get("/oai/?verb=ListRecords&metadataPrefix=oai_dc&set=films")) == "noSetHierarchy"
    assert error_code(client.get("/oai/?verb=ListRecords&metadataPrefix=oai_dc&until=2001-01-01")) == "noRecordsMatch"
    assert error_code(client.get("/oai/?verb=GetRecord&metadataPrefix=oai_dc&identifier=oai:ailleurs:1")) == "idDoesNotExist"
    assert error_code(client.get("/oai/?verb=Identify&extra=1")) == "badArgument"
    assert error_code(client.get("/oai/?verb=Identify&verb=Identify")) == "badArgument"
    response = client.post("/oai/", {"verb": "ListIdentifiers", "metadataPrefix": "oai_dc"})
    assert response.status_code == 200
    assert len(etree.fromstring(response.content).findall(".//o:header", OAI)) == 6


def test_response_validates_against_oai_pmh_envelope(client, works):
    """Structure : racine OAI-PMH, responseDate, request avec ses arguments, et rien de plus qu'un verbe."""
    root = etree.fromstring(client.get("/oai/?verb=ListRecords&metadataPrefix=oai_dc").content)
    assert etree.QName(root).localname == "OAI-PMH"
    assert [etree.QName(c).localname for c in root] == ["responseDate", "request", "ListRecords"]
    assert root.find("o:request", OAI).get("metadataPrefix") == "oai_dc"
    text = etree.tostring(root).decode()
    assert "Jamais publique" not in text and "Musée seulement" not in text

"""La démonstration du consentement : les quatre cas de l'issue, et l'idempotence."""

import io

from django.contrib.auth.models import AnonymousUser

from consent.channels import Channel
from consent.models import AuditEntry, ConsentRecord, Participant, Withdrawal
from consent.policy import policy
from demo import consent as demo
from media_library.tests.factories import PartnerFactory, UserFactory, WorkFactory

KEYS = ["film_regard", "capsule_vbg_1", "capsule_secured", "capsule_expired", "bodymap_withdrawn", "photovoice_1",
        "leaflet_1"]


def make_ctx(project):
    import datetime

    partners = {"cisp": PartnerFactory(name="CISP"), "aracem": PartnerFactory(name="ARACEM"),
                "atc": PartnerFactory(name="ATC"), "samusocial": PartnerFactory(name="SSM"),
                "collectif": PartnerFactory(name="Collectif", is_protected_community=True)}
    partner_of = {"capsule_secured": "collectif", "capsule_expired": "atc", "photovoice_1": "samusocial",
                  "capsule_vbg_1": "aracem"}
    works = {k: WorkFactory(project=project, title_fr=k, partner=partners[partner_of.get(k, "cisp")],
                            date_made=datetime.date(2022, 3, 8), kind="photovoice" if k == "photovoice_1" else "capsule",
                            words_verbatim="mes mots")
             for k in KEYS}
    users = {"consent_officer": UserFactory(username="officier"), "facilitator": UserFactory(username="fa")}
    partners["cisp"].users.add(users["consent_officer"])
    partners["aracem"].users.add(users["facilitator"])
    return {"projects": {}, "partners": partners, "works": works, "users": users, "stdout": io.StringIO()}


def test_demo_cases_and_idempotence(project):
    ctx = make_ctx(project)
    demo.build(ctx)
    out = ctx["stdout"].getvalue()
    assert "conservatrice" in out and "animateur.atc" in out  # comptes manquants créés, mots de passe affichés
    counts = (Participant.objects.count(), ConsentRecord.objects.count(), Withdrawal.objects.count())
    audit = AuditEntry.objects.count()
    demo.build(ctx)
    assert (Participant.objects.count(), ConsentRecord.objects.count(), Withdrawal.objects.count()) == counts
    assert AuditEntry.objects.count() == audit

    w, anon = ctx["works"], AnonymousUser()
    officer, facilitator = ctx["users"]["consent_officer"], ctx["users"]["facilitator"]
    assert policy.decide(anon, w["capsule_vbg_1"], Channel.WEBSITE)
    assert policy.decide(anon, w["leaflet_1"], Channel.WEBSITE)
    photo = policy.decide(anon, w["photovoice_1"], Channel.WEBSITE)
    assert photo.allowed and photo.pseudonym_only
    assert not policy.decide(anon, w["photovoice_1"], Channel.BROADCAST)
    for key in ("capsule_secured", "capsule_expired", "bodymap_withdrawn"):
        assert not policy.decide(anon, w[key], Channel.WEBSITE), key
        assert not policy.decide(facilitator, w[key], Channel.FACILITATOR_DOWNLOAD), key
        assert policy.decide(officer, w[key], Channel.INTERNAL), key
    assert not policy.decide(facilitator, w["capsule_secured"], Channel.SECURED_EVENT)
    assert policy.decide(facilitator, w["capsule_vbg_1"], Channel.FACILITATOR_DOWNLOAD)

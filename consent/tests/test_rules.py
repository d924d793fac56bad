"""Règles de décision une à une : validation (mauvaise saisie), mineur·es, conditions, objets, requêtes."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils import timezone

from consent.access import work_labels
from consent.channels import Channel
from consent.models import AuditEntry, ConsentRecord, Participant, Withdrawal
from consent.policy import policy
from consent.testing import grant, make_participant, publish
from media_library.models import Rendition, Work
from media_library.flows.ingest import ingest_file
from media_library.tests.factories import PartnerFactory, WorkFactory, WorkshopFactory

TODAY = timezone.localdate()
anon = AnonymousUser()


# --- Mauvaise saisie -------------------------------------------------------------------------------


def test_expiry_before_given_on_is_refused_in_french(work):
    record = ConsentRecord(participant=make_participant(), work=work, channels=["website"],
                           given_on=TODAY, expires_on=TODAY - datetime.timedelta(days=1))
    with pytest.raises(ValidationError) as exc:
        record.full_clean()
    assert "La date d'expiration doit être postérieure" in str(exc.value.message_dict["expires_on"])


def test_minor_without_guardian_is_refused():
    child = Participant(pseudonym="Mariam", birth_year=TODAY.year - 11)
    with pytest.raises(ValidationError) as exc:
        child.full_clean()
    assert "mineure" in str(exc.value.message_dict["guardian_name"])


def test_withdrawal_dated_in_the_future_is_refused(db):
    w = Withdrawal(participant=make_participant(), effective_on=TODAY + datetime.timedelta(days=3))
    with pytest.raises(ValidationError) as exc:
        w.full_clean()
    assert "futur" in str(exc.value.message_dict["effective_on"])


def test_oral_consent_needs_a_witness_and_work_xor_workshop(work):
    record = ConsentRecord(participant=make_participant(), work=work, workshop=WorkshopFactory(),
                           channels=["website", "nimporte"], evidence_kind="oral")
    with pytest.raises(ValidationError) as exc:
        record.full_clean()
    errors = exc.value.message_dict
    assert "témoin" in str(errors["witness_name"])
    assert "soit une œuvre, soit un atelier" in str(errors["work"])
    assert "Canal inconnu" in str(errors["channels"])


def test_consent_cannot_be_deleted_even_in_bulk(work):
    record = grant(work)
    with pytest.raises(ValidationError):
        record.delete()
    with pytest.raises(ValidationError):
        ConsentRecord.objects.all().delete()
    with pytest.raises(ValidationError):
        ConsentRecord.objects.filter(pk=record.pk).update(channels=[])
    assert ConsentRecord.objects.filter(pk=record.pk).exists()


# --- Règles ------------------------------------------------------------------------------------------


def test_minor_is_computed_on_the_date_of_use(work):
    child = make_participant("Awa", birth_year=TODAY.year - 17, guardian_name="Sa mère")
    grant(work, participant=child, guardian_consent=True, child_assent=False)
    assert not policy.decide(anon, work, Channel.WEBSITE)
    # Deux ans plus tard, elle est majeure : l'assentiment d'enfant n'est plus requis.
    later = timezone.now() + datetime.timedelta(days=2 * 366)
    assert policy.decide(anon, work, Channel.WEBSITE, at=later)


def test_minor_with_guardian_consent_and_assent_is_allowed(work):
    child = make_participant("Awa", birth_year=TODAY.year - 12, guardian_name="Sa mère")
    grant(work, participant=child, guardian_consent=True, child_assent=True)
    decision = policy.decide(anon, work, Channel.WEBSITE)
    assert decision.allowed and decision.restricted


def test_expiry_is_computed_at_request_time_not_cached(work):
    grant(work, expires_on=TODAY + datetime.timedelta(days=2))
    assert policy.decide(anon, work, Channel.WEBSITE)
    assert work in policy.visible(anon, Channel.WEBSITE)
    future = timezone.now() + datetime.timedelta(days=3)
    assert not policy.decide(anon, work, Channel.WEBSITE, at=future)
    assert work not in policy.visible(anon, Channel.WEBSITE, at=future)


def test_every_linked_participant_must_grant_the_channel(work):
    grant(work, channels=["website", "museum"])
    grant(work, participant=make_participant("Kadi"), channels=["museum"])
    assert not policy.decide(anon, work, Channel.WEBSITE)
    assert policy.decide(anon, work, Channel.MUSEUM)


def test_workshop_consent_covers_all_its_works(project):
    workshop = WorkshopFactory(name="Body mapping Faladié")
    a = WorkFactory(project=project, workshop=workshop)
    b = WorkFactory(project=project, workshop=workshop)
    grant(workshop=workshop, channels=["museum"])
    assert policy.decide(anon, a, Channel.MUSEUM) and policy.decide(anon, b, Channel.MUSEUM)
    assert not policy.decide(anon, a, Channel.WEBSITE)


def test_superseded_record_is_ignored_but_kept(work):
    old = grant(work, channels=["website"])
    new = grant(work, participant=old.participant, channels=["museum"])
    old.supersede(new)
    assert not policy.decide(anon, work, Channel.WEBSITE)
    assert policy.decide(anon, work, Channel.MUSEUM)
    assert ConsentRecord.objects.filter(pk=old.pk, superseded_by=new).exists()


def test_partial_withdrawal_only_some_channels_and_works(project):
    a, b = WorkFactory(project=project), WorkFactory(project=project)
    person = make_participant()
    grant(a, participant=person)
    grant(b, participant=person)
    w = Withdrawal.objects.create(participant=person, channels=["website"])
    w.works.set([a])
    assert not policy.decide(anon, a, Channel.WEBSITE)
    assert policy.decide(anon, a, Channel.MUSEUM)
    assert policy.decide(anon, b, Channel.WEBSITE)


def test_no_participant_and_no_declaration_is_internal_only(work, admin_user):
    assert not policy.decide(anon, work, Channel.WEBSITE)
    assert policy.decide(admin_user, work, Channel.INTERNAL)
    publish(work)
    assert policy.decide(anon, work, Channel.WEBSITE)


def test_trashed_work_is_refused(work):
    grant(work)
    work.trashed_at = timezone.now()
    work.save()
    assert not policy.decide(anon, work, Channel.WEBSITE)


def _blurred_rendition(media, blurred):
    r = Rendition(media_file=media, kind="web" if blurred else "poster", settings_hash="t",
                  mime_type="image/jpeg", size=3, is_blurred=blurred)
    r.file.save("r.jpg", ContentFile(b"abc"), save=False)
    r.save()
    return r


def test_face_blurred_condition_is_met_only_by_a_blurred_variant(client, work, small_image):
    grant(work, face_blurred=True)
    media = ingest_file(work, small_image)
    assert not policy.decide(anon, work, Channel.WEBSITE)  # aucune version floutée : la page est refusée
    plain = _blurred_rendition(media, False)
    blurred = _blurred_rendition(media, True)
    decision = policy.decide(anon, work, Channel.WEBSITE)
    assert decision.allowed and decision.required_variant_flags == {"is_blurred"}
    assert not policy.decide(anon, work, Channel.WEBSITE, variant=media)
    assert not policy.decide(anon, work, Channel.WEBSITE, variant=plain)
    assert policy.decide(anon, work, Channel.WEBSITE, variant=blurred)
    assert client.get(media.get_serve_url("website")).status_code == 404
    assert client.get(plain.get_serve_url("website")).status_code == 404
    assert client.get(blurred.get_serve_url("website")).status_code == 200
    page = client.get(work.get_absolute_url())
    assert page.status_code == 200 and media.get_serve_url("website").encode() not in page.content


def test_no_place_named_hides_the_place_on_the_page(client, project):
    work = WorkFactory(project=project, place_made="Site de Faladié", workshop=WorkshopFactory(name="Atelier Faladié"))
    grant(work, no_place_named=True)
    page = client.get(work.get_absolute_url())
    assert page.status_code == 200
    assert b"Faladi" not in page.content


# --- Objets : organisations et communautés protégées ---------------------------------------------------


def test_facilitator_sees_only_what_their_organisation_may_use(project):
    from consent.testing import FACILITATOR, user_with_role

    mine, other = PartnerFactory(name="Mienne"), PartnerFactory(name="Autre")
    community = PartnerFactory(name="Communauté fermée", is_protected_community=True)
    me = user_with_role("fa", FACILITATOR, partner=mine)
    own = WorkFactory(project=project, partner=mine)
    theirs = WorkFactory(project=project, partner=other)
    closed = WorkFactory(project=project, partner=community)
    no_download = WorkFactory(project=project, partner=mine)
    for w in (own, theirs, closed):
        grant(w)
    grant(no_download, channels=["website", "closed_screening"])
    assert policy.decide(me, own, Channel.FACILITATOR_DOWNLOAD)
    assert policy.decide(me, theirs, Channel.FACILITATOR_DOWNLOAD)
    assert not policy.decide(me, closed, Channel.FACILITATOR_DOWNLOAD)  # communauté protégée : pas la sienne
    assert not policy.decide(me, no_download, Channel.FACILITATOR_DOWNLOAD)  # non accordé
    assert policy.decide(me, no_download, Channel.CLOSED_SCREENING)
    assert not policy.decide(anon, own, Channel.FACILITATOR_DOWNLOAD)  # il faut être d'une organisation partenaire
    assert set(policy.visible(me, Channel.FACILITATOR_DOWNLOAD)) == {own, theirs}
    assert not policy.decide(me, own, Channel.INTERNAL)  # un·e animateur·rice n'est pas l'équipe de l'archive


def test_protected_community_visible_only_to_members_and_officers(project):
    from consent.testing import CONSENT_OFFICER, CURATOR, FACILITATOR, user_with_role

    community = PartnerFactory(name="Communauté", is_protected_community=True)
    member = user_with_role("membre", FACILITATOR, partner=community)
    curator = user_with_role("cur", CURATOR)
    officer = user_with_role("off", CONSENT_OFFICER)
    work = WorkFactory(project=project, partner=community)
    grant(work)
    assert not policy.decide(anon, work, Channel.WEBSITE)
    assert not policy.decide(curator, work, Channel.INTERNAL)
    assert policy.decide(member, work, Channel.CLOSED_SCREENING)
    assert policy.decide(officer, work, Channel.INTERNAL)
    # Une personne de la communauté dans une œuvre d'un autre partenaire protège aussi l'œuvre.
    other = WorkFactory(project=project)
    grant(other, participant=make_participant("X", partner=community))
    assert not policy.decide(anon, other, Channel.WEBSITE)


# --- Performances : listes sans N+1 ------------------------------------------------------------------


def test_visible_works_runs_in_a_bounded_number_of_queries(project, django_assert_max_num_queries):
    workshop = WorkshopFactory()
    for i in range(100):
        w = WorkFactory(project=project, workshop=workshop if i % 2 else None)
        grant(w, expires_on=TODAY + datetime.timedelta(days=10))
    with django_assert_max_num_queries(10):
        ids = list(policy.visible(anon, Channel.WEBSITE).values_list("pk", flat=True))
    assert len(ids) == 100
    with django_assert_max_num_queries(10):
        labels = work_labels(Work.objects.all())
    assert all(any(label.code == "verified" for label in v) for v in labels.values())


def test_listing_page_with_many_works_is_not_n_plus_one(client, project, django_assert_max_num_queries):
    for _ in range(30):
        grant(WorkFactory(project=project))
    with django_assert_max_num_queries(40):
        r = client.get("/archives/")
    assert r.status_code == 200 and r.content.count(b'class="card"') == 24


# --- Audit ---------------------------------------------------------------------------------------------


def test_changes_are_audited_with_before_and_after_and_log_is_immutable(work, admin_user):
    from consent.audit import acting_as

    with acting_as(admin_user):
        person = make_participant("Awa", legal_name="Aminata Traoré")
        person.legal_name = "Aminata T."
        person.save()
    entries = AuditEntry.objects.filter(model="consent.participant", object_id=str(person.pk)).order_by("pk")
    assert [e.action for e in entries] == ["création", "modification"]
    assert entries[1].changes["legal_name"] == ["Aminata Traoré", "Aminata T."]
    assert entries[1].user == admin_user
    entry = entries[1]
    entry.action = "falsifié"
    with pytest.raises(ValidationError):
        entry.save()
    with pytest.raises(ValidationError):
        entry.delete()
    with pytest.raises(ValidationError):
        AuditEntry.objects.all().delete()


def test_sensitive_attribute_values_never_reach_the_audit_log(db):
    from consent.models import SensitiveAttributes

    person = make_participant()
    attrs = SensitiveAttributes.objects.create(participant=person, displaced_site_location="Tente 14, Faladié")
    attrs.sex_work = True
    attrs.save()
    dump = str(list(AuditEntry.objects.filter(model="consent.sensitiveattributes").values_list("changes", flat=True)))
    assert "Faladié" not in dump and "True" not in dump and "•••" in dump

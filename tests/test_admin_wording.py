"""Le français de l'administration, accordé à chaque modèle : on parcourt CHAQUE liste, formulaire d'ajout et
formulaire de modification de nos snippets et viewsets (et le refus d'un formulaire d'ajout vide), et l'on
échoue sur les formules génériques de Wagtail (« Nouvel(le) », « Le(la) », « créé(e) ») et sur l'anglais
resté en place."""

import re
from html.parser import HTMLParser

import pytest
from django.urls import NoReverseMatch, reverse

OUR_APPS = {"media_library", "consent", "communication", "exhibitions", "transcription", "iiif", "interop"}

GENERIC = re.compile(r"Nouvel\(le\)|Le\(la\)|le\(la\)|\w\(e\)|\(e\)s?\b|\(le\)|\(la\)")
# Les mots anglais que Wagtail laisse quand une chaîne n'est pas traduite (texte visible seulement).
ENGLISH = re.compile(
    r"\b(Add|Edit|Delete|Save|Saving|Cancel|Choose|Search|Filter|Filters|Sort by|Select|Create|Created|Updated|"
    r"Loading|Close|Show|Hide|History|Usage|Inspect|Copy|Unpublish|Draft|Moderators|approval|Snippets|Reports|"
    r"Settings|Dashboard|Sign out|Log out|Account|Items?|Results|There are no|Previous|Next|Yes|No|"
    r"of|the|and|or|with|has been|could not|Please|This field)\b"
)
# Attributs lus par une personne (infobulles, lecteurs d'écran, champs vides).
READ_ATTRS = {"title", "aria-label", "placeholder", "alt"}


class VisibleText(HTMLParser):
    """Le texte qu'une personne lit : nœuds de texte hors <script>/<style>, attributs lus."""

    SKIP = {"script", "style"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts, self.skip = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self.skip += 1
        for name, value in attrs:
            if value and (name in READ_ATTRS or (tag == "input" and name == "value"
                                                  and ("type", "submit") in attrs)):
                self.parts.append(value)

    def handle_endtag(self, tag):
        if tag in self.SKIP and self.skip:
            self.skip -= 1

    def handle_data(self, data):
        if not self.skip and data.strip():
            self.parts.append(data.strip())


def visible(html):
    parser = VisibleText()
    parser.feed(html)
    return parser.parts


def problems(html):
    found = []
    for text in visible(html):
        if GENERIC.search(text):
            found.append(f"générique : {text!r}")
        m = ENGLISH.search(text)
        if m:
            found.append(f"anglais ({m.group(0)}) : {text!r}")
    return found


def our_viewsets():
    from wagtail.admin.viewsets import viewsets
    from wagtail.admin.viewsets.model import ModelViewSet

    for vs in viewsets.viewsets:
        model = getattr(vs, "model", None)
        if isinstance(vs, ModelViewSet) and model is not None and model._meta.app_label in OUR_APPS:
            yield vs


def url(viewset, name, *args):
    for candidate in ((name, "list") if name == "index" else (name,)):  # les snippets nomment leur liste « list »
        try:
            return reverse(viewset.get_url_name(candidate), args=args)
        except NoReverseMatch:
            continue
    return None


@pytest.fixture
def one_of_each(db):
    """Un objet au moins par modèle de l'administration, pour ouvrir chaque formulaire de modification."""
    from consent import testing as consent_testing
    from media_library.tests import factories as mf

    import datetime as dt

    from communication.models import CommunicationPlan

    mf.PartnerFactory(name="Association des Refoulés d'Afrique Centrale au Mali", acronym="ARACEM")
    mf.SeriesFactory(), mf.ThemeFactory(), mf.WorkshopFactory()
    work = mf.WorkFactory(title_fr="Briser le silence")
    consent_testing.publish(work)
    participant = consent_testing.make_participant("Awa")
    consent_testing.grant(work, participant=participant)
    CommunicationPlan.objects.create(project=work.project, title="Plan 2026", start_date=dt.date(2026, 1, 1),
                                     end_date=dt.date(2026, 12, 31))
    return work


def test_every_admin_listing_and_form_reads_as_natural_french(admin_client, one_of_each):
    seen, failures = [], []
    for vs in our_viewsets():
        model = vs.model
        pages = [("liste", url(vs, "index")), ("ajout", url(vs, "add") if getattr(vs, "add_view_enabled", True) else None)]
        obj = model._default_manager.order_by("pk").first()
        if obj is not None:
            pages.append(("modification", url(vs, "edit", obj.pk)))
        for kind, address in pages:
            if address is None:
                continue
            response = admin_client.get(address)
            if response.status_code in (302, 403, 404, 405):
                seen.append(f"{model._meta.label} {kind} ({response.status_code}, non lue)")
                continue
            assert response.status_code == 200, (address, response.status_code)
            seen.append(f"{model._meta.label} {kind}")
            failures += [f"{address} ({kind}) — {p}" for p in problems(response.content.decode())]
        if getattr(vs, "add_view_enabled", True) and url(vs, "add"):
            refused = admin_client.post(url(vs, "add"), {})
            if refused.status_code == 200:
                seen.append(f"{model._meta.label} refus")
                failures += [f"{url(vs, 'add')} (refus) — {p}" for p in problems(refused.content.decode())]
    assert len([s for s in seen if s.endswith(" liste")]) >= 15, seen
    assert len([s for s in seen if s.endswith(" modification")]) >= 8, seen
    assert not failures, "\n".join(failures)
    # Et l'accord attendu, là où la personne le lit.
    html = admin_client.get(reverse("wagtailsnippets_media_library_work:list")).content.decode()
    assert "Ajouter une œuvre" in html
    html = admin_client.get(reverse("communication_plans:add")).content.decode()
    assert "Ajouter une activité" in html and "Ajouter un indicateur" in html and "Ajouter un public" in html
    html = admin_client.get(reverse("communication_places:edit", args=[1])).content.decode()
    assert "0 utilisation" in html or "1 utilisation" in html


def test_the_gender_table_names_every_model_of_the_admin():
    from paroles.admin_wording import GENDERS

    missing = sorted({vs.model._meta.label_lower for vs in our_viewsets()} - set(GENDERS))
    assert not missing, f"genre non déclaré dans paroles/admin_wording.py : {missing}"


def test_wording_follows_gender_and_elision():
    from communication.models import Place
    from consent.models import Withdrawal
    from media_library.models import Work, Workshop
    from paroles import admin_wording as w

    assert w.new_title(Work) == "Nouvelle œuvre"
    assert w.new_title(Workshop) == "Nouvel atelier"
    assert w.new_title(Place) == "Nouveau lieu"
    assert w.add_label(Work) == "Ajouter une œuvre" and w.add_label(Workshop) == "Ajouter un atelier"
    assert w.not_created(Work).startswith("L'œuvre n'a pas pu être créée")
    assert w.not_created(Withdrawal).startswith("Le retrait de consentement n'a pas pu être créé")

"""Démonstration : page d'accueil, deux expositions et la boîte à outils (appelé par `load_demo`).

Idempotent : chaque page est retrouvée par son identifiant d'URL ; un second passage ne crée rien.
La publication passe par le même contrôle que dans l'administration : une œuvre sans le consentement
du canal est retirée de la démonstration, et on le dit.
"""

import datetime

from django.db import transaction
from wagtail.models import Page, Site

from media_library.models import WorkKind

from exhibitions.models import ExhibitionIndexPage, ExhibitionKind, ExhibitionPage, HomePage, ToolkitMaterial, ToolkitPage
from exhibitions.flows.publish_exhibition import check_publication


def say(ctx, message):
    out = ctx.get("stdout")
    if out is not None:
        out.write(message)


def _home(ctx):
    site = Site.objects.filter(is_default_site=True).first()
    home = HomePage.objects.first()
    if home is None:
        root = Page.get_first_root_node()
        home = root.add_child(instance=HomePage(
            title="Paroles : des voix du Mali",
            slug="accueil",
            intro_fr="<p>Des femmes déplacées, des enfants, des survivantes racontent leur chemin : films, capsules, "
                     "podcasts, cartes corporelles et Photo Voice, montrés avec leur accord.</p>",
            intro_bm="<p>Musow ni denmisɛnw b'u ka taama kɔrɔ fɔ : filimuw, kapsulu, podikasiw, bɔlɔlɔ jaw ani "
                     "Photo Voice.</p>",
        ))
        say(ctx, "Page d'accueil créée.")
    if site is None:
        Site.objects.create(hostname="localhost", port=80, root_page=home, is_default_site=True, site_name="Paroles")
    elif site.root_page_id != home.pk:
        old = site.root_page.specific
        site.root_page = home
        site.save()
        # La page « Bienvenue » de Wagtail, vide, disparaît ; jamais une page de contenu.
        if type(old) is Page and not old.get_children().exists():
            old.delete()
    return home


def _publish(page, ctx):
    """Publie en retirant d'abord les œuvres sans consentement (et en le disant)."""
    problems = check_publication(page)
    if problems:
        bad = {p.work.pk for p in problems}
        body = []
        for section in page.body.raw_data:
            content = [c for c in section["value"]["content"] if c["value"].get("work") not in bad]
            section = {**section, "value": {**section["value"], "content": content}}
            body.append(section)
        page.body = body
        for p in problems:
            say(ctx, f"  « {p.work.title_fr} » retirée de « {page.title} » : {p.reason}")
    page.save_revision().publish()


def _details(kind):
    if kind == "body_map":
        return [
            {"x": "50", "y": "12", "title_fr": "La tête", "title_bm": "Kun", "text_fr": "Les souvenirs du village, la famille restée là-bas.", "text_bm": "So hakilijigin."},
            {"x": "30", "y": "40", "title_fr": "Le cœur", "title_bm": "Dusukun", "text_fr": "La peur pendant la route, et le courage.", "text_bm": ""},
            {"x": "55", "y": "88", "title_fr": "Les pieds", "title_bm": "Senw", "text_fr": "Le chemin jusqu'au site de Faladié.", "text_bm": "Sira ka taa Faladie."},
        ]
    return []


def _block_for(work):
    if work.kind == WorkKind.BODY_MAP:
        return {"type": "body_map", "value": {
            "work": work.pk, "image": None, "alt_fr": f"Carte corporelle peinte à taille réelle : {work.title_fr}",
            "alt_bm": "", "author": "", "intro_fr": work.description_fr[:400], "intro_bm": work.description_bm[:400],
            "details": _details("body_map")}}
    if work.kind == WorkKind.PHOTOVOICE:
        return {"type": "photovoice", "value": {
            "work": work.pk, "image": None, "alt_fr": f"Photo prise par une enfant : {work.title_fr}", "alt_bm": "",
            "author": "", "words_verbatim": "", "words_bm": ""}}
    return {"type": "work", "value": {
        "work": work.pk, "caption_fr": work.description_fr[:300], "caption_bm": work.description_bm[:300],
        "alt_fr": f"{work.get_kind_display()} : {work.title_fr}", "alt_bm": "", "author": "",
        "show_chapters": True, "show_transcript": True}}


def _room(title_fr, title_bm, intro_fr, works, extra=()):
    content = [_block_for(w) for w in works if w is not None]
    content += list(extra)
    return {"type": "section", "value": {"title_fr": title_fr, "title_bm": title_bm, "intro_fr": intro_fr,
                                         "intro_bm": "", "content": content}}


def _exhibition(ctx, index, slug, **fields):
    page = ExhibitionPage.objects.filter(slug=slug).first()
    if page is not None:
        return page, False
    body = fields.pop("body")
    page = ExhibitionPage(slug=slug, live=False, body=body, **fields)
    index.add_child(instance=page)
    _publish(page, ctx)
    say(ctx, f"Exposition « {page.title} » publiée.")
    return ExhibitionPage.objects.get(pk=page.pk), True


def _clips(work):
    if work is None or not hasattr(work, "chapters"):
        return []
    return [{"type": "clip", "value": {"work": work.pk, "title_fr": ch.title_fr, "title_bm": ch.title_bm,
                                       "start": ch.start, "end": ch.end, "note_fr": "", "note_bm": ""}}
            for ch in work.chapters.order_by("start")[:4]]


MATERIALS = [
    ("capsule_vbg_1", {"duration_minutes": 45, "audience": "Femmes et jeunes filles, 2 à 30 personnes",
                       "key_messages_fr": "Les violences basées sur le genre ne sont jamais la faute de la victime.\nDes services existent : santé, écoute, police, justice.",
                       "opening_questions_fr": "Qu'avez-vous ressenti en voyant la capsule ?\nÀ qui peut-on parler dans notre quartier ?",
                       "cautions": "Prévoir une personne-ressource pour l'écoute après la causerie."}),
    ("capsule_vbg_2", {"duration_minutes": 30, "audience": "Hommes et femmes",
                       "key_messages_fr": "L'hygiène menstruelle est une question de santé et de dignité.",
                       "opening_questions_fr": "Comment en parle-t-on à la maison ?"}),
    ("capsule_vbg_3", {"duration_minutes": 30, "audience": "Agents de police, agents de santé",
                       "key_messages_fr": "Accueillir une survivante sans la juger.",
                       "opening_questions_fr": "Que faites-vous quand une femme vient porter plainte ?"}),
    ("capsule_secured", {"duration_minutes": 40, "audience": "Groupe fermé, personnes de confiance",
                         "secured_only": True,
                         "key_messages_fr": "Chacun·e a droit à la sécurité et au respect.",
                         "opening_questions_fr": "Qu'est-ce qui vous a marqué ?",
                         "cautions": "Ne jamais projeter dans un lieu public.\nPas de photo ni de vidéo pendant la séance."}),
    ("film_regard", {"duration_minutes": 60, "audience": "Communautés d'accueil, autorités locales",
                     "key_messages_fr": "Les femmes migrantes racontent elles-mêmes leur histoire.\nLe film est long : choisissez un ou deux chapitres.",
                     "opening_questions_fr": "Quel passage vous a le plus touché·e ?\nQue peut faire notre communauté ?"}),
    ("podcast_1", {"duration_minutes": 30, "audience": "Groupes de parole de femmes",
                   "key_messages_fr": "Écouter sans interrompre.",
                   "opening_questions_fr": "Qu'avez-vous entendu ?",
                   "cautions": "Témoignage difficile : prévenir avant l'écoute."}),
]


@transaction.atomic
def build(ctx):
    works = ctx.get("works", {})
    w = works.get
    home = _home(ctx)
    index = ExhibitionIndexPage.objects.filter(slug="expositions").first()
    if index is None:
        index = home.add_child(instance=ExhibitionIndexPage(
            title="Expositions", slug="expositions",
            intro_fr="<p>Des expositions au musée, en ligne et en voyage, faites avec les personnes qui ont créé les œuvres.</p>"))
        index.save_revision().publish()

    online, _ = _exhibition(
        ctx, index, "nos-corps-nos-chemins",
        title="Nos corps, nos chemins", title_bm="An farikolow, an siraw", kind=ExhibitionKind.ONLINE,
        venue="En ligne", start_date=datetime.date(2023, 11, 25), curators="Équipe Paroles et femmes du site de Faladié",
        introduction_fr="<p>Trente femmes déplacées ont peint leur corps à taille réelle, avec les symboles et les mots "
                        "de leur voyage. Des enfants du même site ont photographié leur quotidien et l'ont écrit avec "
                        "leurs mots, que nous gardons tels quels.</p>",
        introduction_bm="<p>Muso bi saba ye u farikolo ja, ka u ka taama kɔrɔ sɛbɛn a kan.</p>",
        body=[
            _room("Salle 1 : les cartes corporelles", "So 1 : bɔlɔlɔ jaw",
                  "Approchez-vous : chaque numéro ouvre un détail expliqué par son autrice.",
                  [w("bodymap_1"), w("bodymap_2"), w("bodymap_withdrawn")],
                  extra=[{"type": "quote", "value": {"text_fr": "Quand j'ai peint mes pieds, j'ai pleuré, puis j'ai ri.",
                                                      "text_bm": "", "attribution": "Une participante", "work": None}}]),
            _room("Salle 2 : Photo Voice", "So 2 : Photo Voice",
                  "Les enfants ont écrit ces phrases eux-mêmes. Nous ne les corrigeons pas.",
                  [w("photovoice_1"), w("photovoice_2")]),
            _room("Salle 3 : dessins et voix", "So 3 : jaw ani kanw", "", [w("drawing_1"), w("podcast_1")]),
        ],
    )
    museum, _ = _exhibition(
        ctx, index, "musee-district-bamako",
        title="Paroles de femmes, regards d'enfants", title_bm="Musow ka kuma, denmisɛnw ka filɛli",
        kind=ExhibitionKind.MUSEUM, venue="Musée du District de Bamako", venue_address="Bamako, Mali",
        start_date=datetime.date(2023, 11, 25), end_date=datetime.date(2030, 12, 31),
        curators="Équipe Paroles, Musée du District de Bamako",
        introduction_fr="<p>L'exposition présentée au Musée du District de Bamako, puis à Washington : cartes "
                        "corporelles, Photo Voice et témoignages à écouter (QR codes sur les cartels).</p>",
        body=[
            _room("Salle des cartes corporelles", "Bɔlɔlɔ jaw so", "", [w("bodymap_1"), w("bodymap_2")]),
            _room("Salle Photo Voice", "Photo Voice so", "", [w("photovoice_1"), w("photovoice_2")]),
            _room("Écouter", "Lamɛn", "", [w("podcast_1"), w("film_regard")]),
        ],
    )
    toolkit = ToolkitPage.objects.filter(slug="boite-a-outils").first()
    if toolkit is None:
        toolkit = home.add_child(instance=ToolkitPage(
            title="Boîte à outils des animateurs", slug="boite-a-outils",
            intro_fr="<p>Les capsules, les chapitres du film et les podcasts, avec un guide pour chaque causerie. "
                     "Téléchargez-les sur votre téléphone avant de partir : ils marchent sans réseau.</p>",
            intro_bm="<p>Kapsuluw, filimu tilayɔrɔw ani podikasiw, ni kuma ɲɛfɔ sɛbɛn ye.</p>"))
        for order, (key, fields) in enumerate(MATERIALS):
            work = w(key)
            if work is None:
                continue
            material = ToolkitMaterial(page=toolkit, work=work, sort_order=order, **fields)
            if key == "film_regard":
                material.clips = _clips(work)
            material.save()
        toolkit.save_revision().publish()
        say(ctx, "Boîte à outils publiée.")
    if home.featured_exhibition_id != online.pk or home.toolkit_id != toolkit.pk:
        home.featured_exhibition = online
        home.toolkit = toolkit
        home.save_revision().publish()
    ctx.setdefault("pages", {}).update({"home": home, "online_exhibition": online, "museum_exhibition": museum,
                                        "toolkit": toolkit})

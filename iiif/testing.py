"""Aides partagées par les tests et le banc IIIF : une grande body map « peinte » et son exposition."""

import random

from PIL import Image, ImageDraw, ImageFilter

DETAILS = [
    {"x": "50", "y": "12", "title_fr": "La tête", "title_bm": "Kun", "text_fr": "Les souvenirs du village.",
     "text_bm": "Dugu hakilijigin."},
    {"x": "30", "y": "45", "title_fr": "La main", "title_bm": "Bolo", "text_fr": "Le travail au marché.",
     "text_bm": ""},
    {"x": "55", "y": "88", "title_fr": "Les pieds", "title_bm": "Sen", "text_fr": "La route jusqu'à Bamako.",
     "text_bm": "Sira ka taa Bamako."},
]


def paint(path, size=(2400, 3600), seed=7):
    """Une grande image texturée (touches de couleur, silhouette) : elle se compresse comme une peinture
    photographiée, pas comme un aplat."""
    rng = random.Random(seed)
    w, h = size
    img = Image.new("RGB", size, (196, 160, 118))
    draw = ImageDraw.Draw(img)
    for _ in range(2500):
        x, y = rng.randrange(w), rng.randrange(h)
        r = rng.randrange(4, max(5, w // 40))
        color = (rng.randrange(40, 250), rng.randrange(30, 200), rng.randrange(20, 160))
        draw.ellipse((x - r, y - r, x + r, y + r), fill=color)
    draw.ellipse((w * .38, h * .04, w * .62, h * .2), outline=(20, 20, 20), width=max(4, w // 150))
    draw.rectangle((w * .3, h * .2, w * .7, h * .62), outline=(20, 20, 20), width=max(4, w // 150))
    img = img.filter(ImageFilter.GaussianBlur(1.2))
    noise = Image.effect_noise(size, 28).convert("RGB")
    img = Image.blend(img, noise, 0.12)
    img.save(path, "JPEG", quality=90)
    return path


def body_map_exhibition(tmp_path, *, size=(2400, 3600), title="Nos corps, nos chemins"):
    """Une body map consentie (site web, musée) dans une exposition en ligne publiée, avec trois détails."""
    from consent.testing import grant, make_participant
    from exhibitions.tests import factories as f
    from media_library.models import WorkKind
    from media_library.flows.ingest import ingest_file
    from media_library.tests.factories import WorkFactory

    work = WorkFactory(kind=WorkKind.BODY_MAP, title_fr="Le chemin de Mariam", title_bm="Mariam ka sira")
    tmp_path.mkdir(parents=True, exist_ok=True)
    media = ingest_file(work, paint(tmp_path / f"peinture-{work.pk}.jpg", size=size))
    f.attach_image(media)
    grant(work, channels=["website", "museum"], participant=make_participant("Mariam"))
    from exhibitions.models import ExhibitionPage

    body = [{"type": "section", "value": {"title_fr": "Salle des cartes", "title_bm": "", "intro_fr": "",
                                          "intro_bm": "", "content": [{"type": "body_map", "value": {
                                              "work": work.pk, "image": None, "alt_fr": "Silhouette peinte",
                                              "alt_bm": "", "author": "", "intro_fr": "", "intro_bm": "",
                                              "details": DETAILS}}]}}]
    page = ExhibitionPage(title=title, slug=f"expo-iiif-{work.pk}", kind="online", body=body, live=False)
    f.index_page().add_child(instance=page)
    page.save_revision().publish()
    page.refresh_from_db()
    return work, page


# Les mots d'un enfant, tels qu'écrits : fautes, espaces doublées, ponctuation à lui·elle. Rien n'est corrigé.
WORDS = "ma maison é loin  ,mon frère il dit on va rentré un jour…"
WORDS_BM = "n ka so ka jan,  n balima ko an bɛ segin don dɔ"


def photovoice_exhibition(tmp_path, *, size=(2400, 1800), title="Nos photos, nos mots"):
    """Une photo Photo Voice consentie (site web, musée) dans une exposition en ligne publiée, avec les mots
    de l'enfant tels qu'écrits."""
    from consent.testing import grant, make_participant
    from exhibitions.models import ExhibitionPage
    from exhibitions.tests import factories as f
    from media_library.models import WorkKind
    from media_library.flows.ingest import ingest_file
    from media_library.tests.factories import WorkFactory

    work = WorkFactory(kind=WorkKind.PHOTOVOICE, title_fr="La cour de l'école", title_bm="Lakɔli ka kɛnɛ",
                       words_verbatim=WORDS, words_bm=WORDS_BM)
    tmp_path.mkdir(parents=True, exist_ok=True)
    media = ingest_file(work, paint(tmp_path / f"photo-{work.pk}.jpg", size=size, seed=11))
    f.attach_image(media)
    grant(work, channels=["website", "museum"], participant=make_participant("Issa"))
    body = [{"type": "section", "value": {"title_fr": "Salle des photos", "title_bm": "", "intro_fr": "",
                                          "intro_bm": "", "content": [{"type": "photovoice", "value": {
                                              "work": work.pk, "image": None, "alt_fr": "Une cour d'école au soleil",
                                              "alt_bm": "", "words_verbatim": "", "words_bm": "",
                                              "author": ""}}]}}]
    page = ExhibitionPage(title=title, slug=f"expo-photovoice-{work.pk}", kind="online", body=body, live=False)
    f.index_page().add_child(instance=page)
    page.save_revision().publish()
    page.refresh_from_db()
    return work, page

"""Les personnes de l'histoire, dans Chromium : comptes créés par l'ORM (seulement eux), puis tout se
fait par les pages, comme une personne le ferait. Chaque clic est compté ; les totaux vont dans
test-artifacts/clics.json (le README en reprend les chiffres)."""

import json
from urllib.parse import urlsplit

from django.contrib.auth import get_user_model

from playwright.sync_api import expect

from paroles.browser_testing import ARTIFACTS

# Les assertions qui attendent (expect) patientent comme les actions : la machine de CI est partagée.
expect.set_options(timeout=30000)

PASSWORD = "mot-de-passe-de-test-42"


def account(username, *, role=None, partner=None, superuser=False, perms=()):
    from django.contrib.auth.models import Permission

    from consent.testing import user_with_role

    User = get_user_model()
    if superuser:
        user = User.objects.create_superuser(username, f"{username}@example.org", PASSWORD)
    elif role:
        user = user_with_role(username, role, partner=partner, password=PASSWORD)
    else:
        user = User.objects.create_user(username, f"{username}@example.org", PASSWORD)
    if role and superuser:
        from consent.testing import ensure_roles

        user.groups.add(ensure_roles()[role])
    for perm in perms:
        app_label, codename = perm.split(".")
        user.user_permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    if partner is not None:
        partner.users.add(user)
    return user


class Person:
    """Une personne devant son navigateur : `click` compte les clics, `requests` garde chaque adresse
    demandée par la page (pour vérifier que rien ne sort vers Internet)."""

    def __init__(self, context, base, name):
        self.context, self.base, self.name = context, base, name
        self.page = context.new_page()
        self.page.set_default_timeout(30000)
        self.clicks = 0
        self.steps = {}
        self.requests = []
        context.on("request", lambda r: self.requests.append(r.url))

    def click(self, target, **kwargs):
        self.clicks += 1
        locator = self.page.locator(target) if isinstance(target, str) else target
        locator.click(**kwargs)

    def insert_block(self, option_name):
        """Dans une salle d'exposition : « + » (Insérer un bloc) après le dernier bloc, puis le type de bloc.

        Le menu de Wagtail est une bulle (tippy) ouverte au clic. Sur une machine très chargée, le clic peut
        arriver pendant que le bouton glisse encore à sa place (animation d'insertion du bloc précédent) et
        la bulle ne s'ouvre pas : comme la personne qui ne voit pas le menu, on attend que le bouton soit
        arrêté et on reclique (au plus trois fois ; un seul clic compté, celui que la personne voulait)."""
        page = self.page
        button = page.locator("button.c-sf-add-button[aria-expanded]").last
        option = page.get_by_role("option", name=option_name)
        self.clicks += 1
        for attempt in range(3):
            button.scroll_into_view_if_needed()
            button.click()
            try:
                expect(option).to_be_visible(timeout=10000)
                break
            except AssertionError:
                if attempt == 2:
                    raise AssertionError(
                        f"le menu « Insérer un bloc » ne s'ouvre pas : aria-expanded="
                        f"{button.get_attribute('aria-expanded')}, "
                        f"{page.locator('button.c-sf-add-button[aria-expanded]').count()} boutons « + », options : "
                        f"{page.get_by_role('option').all_inner_texts()}") from None
                if button.get_attribute("aria-expanded") == "true":
                    button.click()  # ouverte sans l'option attendue : refermer avant de réessayer
        self.click(option)

    def step(self, label):
        """Note le nombre de clics de l'étape qui se termine (pour le README)."""
        self.steps[label] = self.clicks - sum(self.steps.values())

    def login(self, username, next_url="/admin/"):
        self.page.goto(self.base + "/admin/login/?next=" + next_url)
        self.page.fill("#id_username", username)
        self.page.fill("#id_password", PASSWORD)
        self.click("button[type=submit]")
        self.page.wait_for_url(lambda url: "/login/" not in url)

    def choose(self, field_id, text):
        """Un sélecteur de Wagtail (œuvre, projet, personne) : « Choisir… », puis le nom dans la fenêtre."""
        page = self.page
        # Deux boutons « Choisir » (champ vide, ou « Choisir un autre … » quand il est rempli) : le visible.
        self.click(f"#{field_id}-chooser [data-chooser-action-choose]:visible")
        modal = page.locator(".modal-content")
        modal.wait_for()
        self.click(modal.get_by_role("link", name=text).first)
        page.wait_for_function(f"() => document.getElementById('{field_id}').value !== ''")
        modal.wait_for(state="hidden")

    def external_requests(self):
        host = urlsplit(self.base).netloc
        return [u for u in self.requests if urlsplit(u).scheme in ("http", "https") and urlsplit(u).netloc != host]

    def save_clicks(self, story):
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / "clics.json"
        data = json.loads(path.read_text()) if path.exists() else {}
        data[story] = {"personne": self.name, "clics": self.clicks, "étapes": self.steps}
        path.write_text(json.dumps(data, ensure_ascii=False, indent=2))
        write_clicks_table(data)

    def shot(self, name):
        self.page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def write_clicks_table(data):
    """test-artifacts/clics.md : le tableau des clics mesurés (celui que reprend le README), une ligne par étape."""
    lines = ["| Personne | Histoire | Étape | Clics |", "|---|---|---|---|"]
    for story, entry in sorted(data.items(), key=lambda item: item[1]["personne"]):
        for label, clicks in entry["étapes"].items():
            lines.append(f"| {entry['personne']} | {story} | {label} | {clicks} |")
        lines.append(f"| {entry['personne']} | {story} | **total** | **{entry['clics']}** |")
    (ARTIFACTS / "clics.md").write_text("\n".join(lines) + "\n")


# --- Les gestes de l'histoire, partagés : chaque test rejoue par les pages les étapes dont il dépend ----------


def create_project(person, name):
    """Archives → Projets → Ajouter : le projet qui regroupe les collections."""
    page = person.page
    page.goto(person.base + "/admin/snippets/media_library/project/")
    person.click(page.get_by_role("link", name="Ajouter").first)
    page.fill("#id_name", name)
    person.click(page.get_by_role("button", name="Enregistrer").first)
    page.wait_for_selector(".messages li.success")


def new_work(person, title, kind="film", project="Protection des migrants"):
    """Nouvelle œuvre (type, titre, projet dans l'onglet Catalogue), enregistrée : la page de ses fichiers
    s'ouvre, son script prêt à recevoir un fichier."""
    page = person.page
    page.goto(person.base + "/admin/snippets/media_library/work/")
    person.click(page.get_by_role("link", name="Ajouter œuvre").or_(page.get_by_role("link", name="Ajouter")).first)
    page.wait_for_selector("text=Nouvelle œuvre")
    page.select_option("#id_kind", value=kind)
    page.fill("#id_title_fr", title)
    if project:
        person.click(page.get_by_role("tab", name="Catalogue"))
        person.choose("id_project", project)
    person.click(page.get_by_role("button", name="Enregistrer").first)
    page.wait_for_url("**/fichiers/")
    assert f"Œuvre « {title} » créée." in page.inner_text("body")
    page.wait_for_selector("#pl-upload[data-ready='1']")  # le script a trouvé son formulaire


def upload(person, path, nth=1):
    """« Choisir des fichiers » sur la page des fichiers : la progression va à 100 %, puis « Enregistré »."""
    page = person.page
    with page.expect_file_chooser() as chooser:
        person.click(page.get_by_text("Choisir des fichiers"))
    with page.expect_response(lambda r: r.request.method == "POST") as response:
        chooser.value.set_files(str(path))
    assert response.value.status == 201
    page.wait_for_function(f"() => document.querySelectorAll('#pl-queue .pl-ok').length >= {nth}")
    return page.locator("#pl-queue li").nth(nth - 1)


def record_consent(person, pseudonym, work_title, channels, evidence):
    """Nouveau consentement : la participante est créée dans le sélecteur (onglet « Nouvelle personne »),
    l'œuvre choisie, les canaux cochés par leur nom, le formulaire signé joint par le sélecteur de fichiers."""
    page = person.page
    page.goto(person.base + "/admin/consent_consentrecord/")
    person.click(page.get_by_role("link", name="Ajouter").first)
    page.wait_for_selector("text=Nouveau consentement")
    person.click("#id_participant-chooser [data-chooser-action-choose]")
    modal = page.locator(".modal-content")
    person.click(modal.get_by_role("tab", name="Nouvelle personne"))
    modal.locator("#id_pseudonym").fill(pseudonym)
    modal.locator("#id_birth_year").fill("1990")
    person.click(modal.get_by_role("button", name="Créer la fiche"))
    page.wait_for_function("() => document.getElementById('id_participant').value !== ''")
    modal.wait_for(state="hidden")
    person.choose("id_work", work_title)
    for label in channels:
        person.click(page.get_by_label(label, exact=True))
    page.select_option("#id_evidence_kind", value="written")
    with page.expect_file_chooser() as chooser:
        person.click("#id_evidence_file")
    chooser.value.set_files(str(evidence))
    person.click(page.get_by_role("button", name="Créer", exact=True))
    page.wait_for_selector(".messages")
    messages = page.inner_text(".messages")
    assert "Consentement « " in messages and "créé." in messages, messages
    return messages


# --- Ajoutés pour les étapes 2 et 6 (responsable du consentement, retrait) -------------------------------------


def publish_in_editor(person):
    """Éditeur de pages : le menu du bouton du pied de page, puis « Publier »."""
    page = person.page
    person.click(page.locator("footer [data-w-dropdown-target='toggle']").first)
    with page.expect_navigation():
        person.click(page.get_by_role("button", name="Publier"))
    errors = page.locator(".messages .error, .messages li.error")
    assert errors.count() == 0, page.inner_text(".messages")


def fill_page_title(person, title):
    """Le titre d'une page Wagtail, comme une personne le tape puis quitte le champ : Wagtail recopie le titre
    dans le slug au départ du champ (« blur », puis un délai). Publier avant ce recopiage envoie un slug vide
    (400) ; sur une machine chargée, la course se perdait. On attend le slug comme la personne voit le champ."""
    page = person.page
    page.fill("#id_title", title)
    page.locator("#id_title").press("Tab")
    page.wait_for_function("() => (document.getElementById('id_slug') || {value: 'x'}).value !== ''")


def build_exhibition(person, title, room, works, *, venue="Musée du District de Bamako"):
    """Pages → sous-pages du site → « Ajouter une sous-page » → « Liste des expositions » (publiée), puis
    « + » sur « Expositions » : l'exposition, une salle, chaque œuvre par son sélecteur. Laisse l'éditeur
    ouvert, le panneau du consentement à jour, sans publier."""
    import re

    page = person.page
    page.goto(person.base + "/admin/pages/")
    person.click(page.locator("a[title^='Explorer les sous-pages'][title*='Welcome']"))
    person.click(page.get_by_role("link", name="Ajouter une sous-page", exact=True))
    person.click(page.get_by_role("link", name="Liste des expositions", exact=True))
    fill_page_title(person, "Expositions")
    publish_in_editor(person)
    person.click(page.locator("a[href$='/add_subpage/'][title*='Expositions']"))
    page.wait_for_selector("#id_title")
    fill_page_title(person, title)
    page.fill("#id_venue", venue)
    person.click(page.locator("button.c-sf-add-button").first)  # une salle (seul bloc possible)
    page.fill("#body-0-value-title_fr", room)
    for n, work_title in enumerate(works):
        person.insert_block(re.compile("^Œuvre"))
        person.choose(f"body-0-value-content-{n}-value-work", work_title)
    panel = page.locator("[data-consent-check]")
    expect(panel).not_to_have_attribute("aria-busy", "true")
    return panel


def file_urls(page):
    """Les adresses de fichiers que la page a données à la personne (lecteurs, affiches, liens)."""
    return sorted(set(page.eval_on_selector_all(
        "video[src], video[poster], video source[src], audio[src], audio source[src], track[src], img[src], a[href]",
        "els => els.flatMap(e => [e.src || e.href || '', e.poster || '']).filter(u => u.includes('/fichiers/'))")))


def opened_work_pk(person):
    """L'œuvre ouverte, lue dans l'adresse de la page (…/oeuvres/<id>/…), comme la personne la voit."""
    import re

    return int(re.search(r"/oeuvres?/(\d+)/", person.page.url).group(1))


def import_track(person, work_pk, subtitles, language="fr"):
    """« Sous-titres » de l'œuvre, « Importer un fichier SRT ou VTT » : l'éditeur de la piste s'ouvre."""
    page = person.page
    person.clicks += 1  # « Sous-titres » dans la liste des œuvres
    page.goto(f"{person.base}/admin/transcription/oeuvre/{work_pk}/")
    form = page.locator("form[action$='/importer/']")
    form.locator("select[name=language]").select_option(value=language)
    with page.expect_file_chooser() as chooser:
        person.click(form.locator("input[type=file]"))
    chooser.value.set_files(str(subtitles))
    person.click(form.get_by_role("button", name="Importer"))
    page.wait_for_url("**/editer/")
    assert "répliques importées (SRT)" in page.inner_text(".messages")
    page.wait_for_selector("#pl-cues > li")


def approve_in_page(person):
    """Depuis l'éditeur, « Pistes de l'œuvre », puis « Approuver » : la version téléphone sous-titrée se fait
    seule (le travail de fond tourne comme les tests font tourner les tâches)."""
    page = person.page
    person.click(page.get_by_role("link", name="Pistes de l'œuvre"))
    person.click(page.get_by_role("button", name="Approuver").first)
    page.wait_for_selector(".pl-status--approved")
    assert "Piste approuvée" in page.inner_text(".messages")
    assert "Version téléphone : Prête" in page.inner_text("main")


def subtitled_capsule(person, title, film, subtitles, kind="capsule"):
    """La commissaire : l'œuvre, son film téléversé, la piste française importée puis approuvée."""
    new_work(person, title, kind=kind)
    pk = opened_work_pk(person)
    upload(person, film)
    import_track(person, pk, subtitles)
    approve_in_page(person)
    return pk


def write_srt(path, cues):
    """Un fichier SRT comme ceux qu'un sous-titreur remet : [(début s, fin s, texte), …]."""
    def stamp(t):
        ms = round(t * 1000)
        return f"{ms // 3600000:02d}:{ms // 60000 % 60:02d}:{ms // 1000 % 60:02d},{ms % 1000:03d}"

    path.write_text("".join(f"{i}\n{stamp(a)} --> {stamp(b)}\n{text}\n\n" for i, (a, b, text) in enumerate(cues, 1)),
                    encoding="utf-8")
    return path


def print_wall_labels(person, exhibition_title, folder):
    """« Cartels muraux (PDF) » depuis la page de l'exposition dans l'admin (les boutons d'en-tête sont dans le
    menu « Actions » de la page) : le PDF téléchargé, avec ses QR codes, rendu enregistré dans `folder`."""
    page = person.page
    person.click(page.get_by_role("link", name=exhibition_title).first)
    link = page.get_by_role("link", name="Cartels muraux (PDF)").first
    if not link.is_visible():
        person.click(page.locator("header [data-w-dropdown-target='toggle']").first)
    with page.expect_download() as download:
        person.click(link)
    saved = folder / "cartels.pdf"
    download.value.save_as(saved)
    assert saved.read_bytes().startswith(b"%PDF")
    return saved

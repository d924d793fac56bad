"""Retirer un consentement et montrer tout ce qui en dépend.

`record_withdrawal()` est appelé par la vue d'administration (et par les tests, la démo) :
1. enregistre le retrait (validé, atomique, journalisé) ; il vaut dès la requête suivante, car
   consent.access relit les retraits à chaque décision (aucun cache) ;
2. calcule l'impact : pages (index de références Wagtail), chapitres et extraits, et les personnes qui
   ont téléchargé les fichiers (journal ServedFile) pour leur demander d'effacer leurs copies ;
3. avertit les commissaires dans l'administration (CuratorNotice, panneau du tableau de bord).
"""

from dataclasses import dataclass, field

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Max, Q
from django.utils.translation import gettext as _

from ..audit import acting_as
from ..models import ConsentRecord, CuratorNotice, Participation, Withdrawal, write_entry
from ..policy import policy


@dataclass
class Impact:
    works: list = field(default_factory=list)
    pages: list = field(default_factory=list)  # [{"title", "model", "admin_url", "url", "work_ids"}]
    clips: list = field(default_factory=list)  # [{"title", "work_id", "kind"}]
    downloads: list = field(default_factory=list)  # [{"user_id", "username", "name", "email", "count", "last"}]
    # Copies gardées par l'application hors ligne de la boîte à outils (voir offline_copies).
    held_recalled: list = field(default_factory=list)
    held_pending: list = field(default_factory=list)
    # Liens presse/diffusion remis à une personne nommée : [{"recipient", "organisation", "channel", "count", "last"}]
    links: list = field(default_factory=list)

    def as_json(self):
        return {
            "works": [{"id": w.pk, "title": w.title_fr} for w in self.works],
            "pages": self.pages,
            "clips": self.clips,
            "downloads": [{**d, "last": d["last"].isoformat() if d.get("last") else None} for d in self.downloads],
            "links": [{**d, "last": d["last"].isoformat() if d.get("last") else None} for d in self.links],
        }


def works_of_participant(participant):
    """Toutes les œuvres où la personne est liée (participation, consentement d'œuvre ou d'atelier)."""
    Work = apps.get_model("media_library", "Work")
    workshop_ids = ConsentRecord.objects.filter(participant=participant, workshop__isnull=False).values("workshop_id")
    work_ids = ConsentRecord.objects.filter(participant=participant, work__isnull=False).values("work_id")
    part_ids = Participation.objects.filter(participant=participant).values("work_id")
    return Work.all_objects.filter(Q(pk__in=work_ids) | Q(pk__in=part_ids) | Q(workshop_id__in=workshop_ids)).distinct()


def impact_of(works):
    """Où ces œuvres apparaissent, et qui a téléchargé leurs fichiers."""
    from wagtail.models import ReferenceIndex

    works = list(works)
    impact = Impact(works=works)
    if not works:
        return impact
    pages = {}
    for ref in ReferenceIndex.get_references_to_in_bulk(works).select_related("base_content_type", "content_type"):
        key = (ref.base_content_type_id, ref.object_id)
        entry = pages.get(key)
        if entry is None:
            model = ref.base_content_type.model_class()
            if model is not None and policy.knows_model(model):
                # Une partie de l'œuvre (piste, fichier, consentement…), pas une page où elle paraît : son
                # libellé porte le titre de l'œuvre, que la personne peut ne plus connaître.
                continue
            obj = model._default_manager.filter(pk=ref.object_id).first() if model else None
            entry = {
                "title": str(obj) if obj is not None else f"#{ref.object_id}",
                "model": str(model._meta.verbose_name) if model else "",
                "url": _public_url(obj),
                "admin_url": _admin_edit_url(obj),
                "work_ids": [],
                "live": bool(getattr(obj, "live", False)),
                "emptied": _emptied(obj),
            }
            pages[key] = entry
        if int(ref.to_object_id) not in entry["work_ids"]:
            entry["work_ids"].append(int(ref.to_object_id))
    impact.pages = list(pages.values())

    try:
        Chapter = apps.get_model("media_library", "Chapter")
    except LookupError:
        Chapter = None
    if Chapter is not None:
        for chapter in Chapter.objects.filter(work__in=works).order_by("work_id", "start"):
            impact.clips.append({"title": chapter.title_fr, "work_id": chapter.work_id, "kind": str(_("chapitre / extrait"))})

    ServedFile = apps.get_model("media_library", "ServedFile")
    rows = (
        ServedFile.objects.filter(work__in=works, allowed=True, user__isnull=False)
        .values("user_id", "user__username", "user__first_name", "user__last_name", "user__email")
        .annotate(count=Count("pk"), last=Max("created_at"))
        .order_by("user__username")
    )
    for row in rows:
        impact.downloads.append(
            {
                "user_id": row["user_id"],
                "username": row["user__username"],
                "name": f"{row['user__first_name']} {row['user__last_name']}".strip(),
                "email": row["user__email"],
                "count": row["count"],
                "last": row["last"],
            }
        )
    # Les copies remises par un lien presse/diffusion (souvent sans compte) : par destinataire nommé·e.
    link_rows = (
        ServedFile.objects.filter(work__in=works, allowed=True, release_link__isnull=False)
        .values("release_link_id", "release_link__recipient", "release_link__organisation", "release_link__channel")
        .annotate(count=Count("pk"), last=Max("created_at"))
        .order_by("release_link__recipient")
    )
    for row in link_rows:
        impact.links.append(
            {
                "recipient": row["release_link__recipient"],
                "organisation": row["release_link__organisation"],
                "channel": row["release_link__channel"],
                "count": row["count"],
                "last": row["last"],
            }
        )
    return impact


def offline_copies(works, *, since=None):
    """(copies rappelées, copies encore sur un téléphone qui n'a pas synchronisé depuis `since`).

    Les copies gardées par l'application hors ligne de la boîte à outils (exhibitions.HeldCopy) : le
    téléphone les efface à sa prochaine synchronisation, et elles cessent d'être lisibles après
    PAROLES_OFFLINE_MAX_DAYS jours sans confirmation.
    """
    try:
        HeldCopy = apps.get_model("exhibitions", "HeldCopy")
    except LookupError:
        return [], []
    copies = list(HeldCopy.objects.filter(work__in=list(works)).select_related("device", "user", "work")
                  .order_by("user__username", "device_id", "pk"))
    recalled = [c for c in copies if c.recalled_at is not None]
    pending = [c for c in copies if c.recalled_at is None and (since is None or c.device.last_sync_at < since)]
    return recalled, pending


def _emptied(obj):
    """Une page (exposition) qui n'a plus aucune œuvre visible sur son canal."""
    specific = getattr(obj, "specific", obj)
    check = getattr(specific, "has_no_visible_work", None)
    if check is None:
        return False
    try:
        return bool(check())
    except Exception:  # noqa: BLE001 - un avis incomplet ne doit pas bloquer un retrait
        return False


def _public_url(obj):
    url = getattr(obj, "url", "") if obj is not None else ""
    return url if isinstance(url, str) else ""


def _admin_edit_url(obj):
    if obj is None:
        return ""
    try:
        from wagtail.admin.admin_url_finder import AdminURLFinder

        return AdminURLFinder().get_edit_url(obj) or ""
    except Exception:  # noqa: BLE001 - un lien manquant ne doit pas bloquer un retrait
        return ""


def record_withdrawal(participant, *, user, channels=(), works=(), effective_on=None, reason=""):
    """Enregistre un retrait (total si ni canal ni œuvre), avertit les commissaires ; renvoie (retrait, impact).

    Lève ValidationError (message en français) si la saisie est invalide ; rien n'est alors enregistré.
    """
    works = list(works)
    allowed_works = set(works_of_participant(participant).values_list("pk", flat=True))
    stray = [w for w in works if w.pk not in allowed_works]
    if stray:
        raise ValidationError(
            {"works": _("Ces œuvres ne sont pas liées à cette personne : %(t)s.") % {"t": ", ".join(w.title_fr for w in stray)}}
        )
    withdrawal = Withdrawal(participant=participant, channels=[str(c) for c in channels], reason=reason, recorded_by=user)
    if effective_on:
        withdrawal.effective_on = effective_on
    withdrawal.full_clean()
    with transaction.atomic(), acting_as(user):
        withdrawal.save()
        if works:
            withdrawal.works.set(works)
            write_entry("retrait", withdrawal, {"works": [[], sorted(w.pk for w in works)]}, user=user)
        affected = works or list(works_of_participant(participant))
        impact = impact_of(affected)
        scope = _("total") if not channels and not works else _("partiel")
        message = _("Retrait de consentement (%(scope)s) : %(n)d œuvre(s) à retirer de %(p)d page(s) ; %(d)d personne(s) ont téléchargé des fichiers.") % {
            "scope": scope,
            "n": len(impact.works),
            "p": len(impact.pages),
            "d": len(impact.downloads),
        }
        emptied = [p["title"] for p in impact.pages if p.get("emptied") and p.get("live")]
        if emptied:
            message += " " + _(
                "Plus aucune œuvre visible dans : %(pages)s. Ces pages publiées affichent un avis à la place ; "
                "complétez-les ou dépubliez-les."
            ) % {"pages": ", ".join(f"« {t} »" for t in emptied)}
        notice = CuratorNotice.objects.create(message=message, details={"withdrawal": withdrawal.pk, **impact.as_json()})
        notice.works.set(impact.works)
    return withdrawal, impact

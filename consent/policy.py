"""LA politique d'accès aux œuvres et à tout ce qui en dérive. Rien d'autre ne décide.

« Cet utilisateur peut-il obtenir (ou seulement savoir qu'existe) cet objet, sur ce canal, maintenant ? »

Un seul objet, `policy` (une `WorkAccessPolicy`), enregistré comme politique de permission Wagtail
pour `media_library.Work` dans `ConsentConfig.ready()` (comme `wagtail.documents` le fait pour ses
documents) ; `consent.get_permission_policy()` le renvoie. Il répond :

- pour UN objet : `decide(user, obj, channel, *, variant=None, at=None)` → `Decision` ;
- pour un LOT : `decide_many(user, objs, channel, *, at=None, preview=False)` → {work_pk: Decision} ;
- pour un QUERYSET : `visible(user, channel, queryset)` (œuvres ou objets dérivés) ;
- pour l'ADMINISTRATION : `admin_queryset(user, queryset)`, `admin_get_or_404(request, queryset, **lookup)`,
  `may_know(user, obj)` et l'API Wagtail (`user_has_permission_for_instance`,
  `instances_user_has_permission_for`…), que les vues génériques des viewsets appellent ;
- pour une requête publique : `require(request, obj, channel)` — refusé ressemble à absent (Http404)
  pour qui n'a pas le droit de savoir que l'objet existe ; seul·e un·e connecté·e qui a ce droit
  reçoit la raison (403) ;
- les petites questions qui, sinon, se reposeraient ailleurs : `admits(decision, variant)` (une
  condition « visage flouté » / « voix modifiée » est-elle remplie par cette variante ?),
  `organisations(user)`, `material_is_for(material, user)` (liste de diffusion d'un support),
  `exhibition_is_showing(page)` (fenêtre de dates d'une exposition au musée), `editorial()`
  (fichier éditorial sans œuvre).

Objets dérivés : fichiers, rendus, chapitres, travaux, pistes, répliques, incrustations, participations,
consentements, déclarations, activités… (`WORK_PATHS`) : on remonte à l'œuvre et on décide pour elle ;
l'objet servi compte comme la variante (ses drapeaux remplissent, ou non, les conditions).

Tout passe par UNE méthode, `WorkAccessPolicy.answer` (qui applique `consent.access.evaluate`, pure,
sur des faits chargés en un nombre borné de requêtes). Le test de câblage la remplace par « autorisé »
et exige que chaque surface inscrite fuie alors : c'est la preuve que chaque surface la demande.

Sens des dépendances : `media_library`, `transcription`, `exhibitions`, `communication` importent
`consent.policy` ; `consent` n'importe pas leurs modules (il lit leurs modèles par `apps.get_model`).
"""

import datetime

from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.permission_policies.base import ModelPermissionPolicy

from . import access
from .access import Decision, Label
from .channels import Channel

__all__ = ["policy", "WorkAccessPolicy", "Refused", "Decision", "WORK_PATHS"]

# Modèle dérivé → chemin vers l'œuvre (lookup Django). "" : c'est l'œuvre.
WORK_PATHS = {
    "media_library.work": "",
    "media_library.mediafile": "work",
    "media_library.rendition": "media_file__work",
    "media_library.chapter": "work",
    "media_library.processingjob": "media_file__work",
    "media_library.servedfile": "work",
    "media_library.archiveimage": "media_file__work",
    "transcription.subtitletrack": "work",
    "transcription.transcriptionjob": "work",
    "transcription.cue": "track__work",
    "transcription.subtitledrendition": "track__work",
    "consent.participation": "work",
    "consent.consentrecord": "work",
    "consent.noidentifiablepersondeclaration": "work",
    "communication.plannedactivity": "work",
}

ADMIN_STAFF_CHANNELS = (Channel.INTERNAL,)

# Objets de l'administration qui NOMMENT des œuvres ou des personnes sans en dériver : un retrait, un
# avis aux commissaires, une fiche de projection, une entrée du journal d'audit. Chacun n'est connu que
# si CHAQUE œuvre et chaque personne qu'il nomme le sont (`admin_queryset`, `may_know`) : aucun titre
# d'une œuvre inconnue, aucun pseudonyme d'une personne inconnue ne sort par eux.
NAMING_MODELS = {"consent.withdrawal", "consent.curatornotice", "consent.auditentry", "communication.screening"}
PERSON_MODELS = {"consent.participant": "pk", "consent.sensitiveattributes": "participant_id"}


class _AdminRecord:
    """Ce que l'administration montre d'une œuvre : sa fiche, ni visage ni voix. Les conditions sur les
    médias (visage flouté, voix modifiée) portent sur les fichiers servis (par la porte), pas sur la
    connaissance de la fiche : une commissaire doit pouvoir préparer la version floutée."""

    consent_no_face_or_voice = True


ADMIN_RECORD = _AdminRecord()


class Refused(PermissionDenied):
    """Refus expliqué : seulement pour un·e connecté·e qui a le droit de savoir que l'objet existe."""

    def __init__(self, decision):
        self.decision = decision
        super().__init__(str(decision.reason or _("Accès refusé.")))


def _label_of(obj):
    return obj._meta.label_lower


def _day(at):
    at = at or timezone.now()
    if isinstance(at, datetime.datetime):
        return timezone.localtime(at).date() if timezone.is_aware(at) else at.date()
    return at


def _work_model():
    return apps.get_model("media_library", "Work")


class WorkAccessPolicy(ModelPermissionPolicy):
    """Politique Wagtail des œuvres : permissions de modèle de Django ET consentement, pour chaque objet."""

    def __init__(self):
        super().__init__("media_library.Work")

    # -- la seule évaluation -----------------------------------------------------------------------
    def answer(self, ctx, facts, participants, withdrawals, channel, day, *, variant=None, with_labels=True):
        """LE point d'entrée de chaque décision (remplacé par « autorisé » dans le test de câblage).

        `facts` : les faits d'une œuvre (`WorkFacts`) ou d'une personne (`ParticipantFacts`, règle 2 pour
        une personne dans l'administration)."""
        if isinstance(facts, access.ParticipantFacts):
            return access.evaluate_person(ctx, facts)
        return access.evaluate(ctx, facts, participants, withdrawals, channel, day, variant=variant,
                               with_labels=with_labels)

    # -- objets dérivés ----------------------------------------------------------------------------
    def work_path(self, model):
        try:
            return WORK_PATHS[model._meta.label_lower]
        except KeyError:
            raise LookupError(f"{model._meta.label} n'est pas connu de la politique d'accès (WORK_PATHS)") from None

    def knows_model(self, model):
        label = model._meta.label_lower
        return label in WORK_PATHS or label in NAMING_MODELS or label in PERSON_MODELS

    def work_id_of(self, obj):
        path = self.work_path(type(obj))
        if path == "":
            return obj.pk
        current = obj
        parts = path.split("__")
        for part in parts[:-1]:
            current = getattr(current, part, None)
            if current is None:
                return None
        return getattr(current, f"{parts[-1]}_id", None)

    # -- une décision, un lot ----------------------------------------------------------------------
    def _decide_ids(self, user, work_ids, channel, *, at=None, variants=None, with_labels=True):
        channel = Channel(channel)
        day = _day(at)
        ctx = access.user_context(user)
        works, participants, withdrawals = access.load_facts(work_ids, at=day)
        variants = variants or {}
        return {
            pk: self.answer(ctx, facts, participants, withdrawals, channel, day, variant=variants.get(pk),
                            with_labels=with_labels)
            for pk, facts in works.items()
        }

    def decide(self, user, obj, channel, *, variant=None, at=None):
        """La décision pour un objet (œuvre ou dérivé). L'objet dérivé est la variante servie."""
        if obj is None or obj.pk is None:
            return Decision(False, access.REASONS[access.STAFF_ONLY])
        work_id = self.work_id_of(obj)
        if variant is None and _label_of(obj) != "media_library.work":
            variant = obj
        if work_id is None:
            return Decision(False, access.REASONS[access.STAFF_ONLY])
        decisions = self._decide_ids(user, [work_id], channel, at=at, variants={work_id: variant})
        if work_id not in decisions:  # (une Decision refusée est « fausse » : pas de `or` ici)
            return Decision(False, access.REASONS[access.TRASHED])
        return decisions[work_id]

    def decide_many(self, user, works, channel, *, at=None, preview=False):
        """{work_pk: Decision} pour des œuvres, en un nombre fixe de requêtes.

        `preview` : aperçu dans l'administration ; ce que le public ne verra pas mais que cette
        personne peut connaître (archive interne) est montré, signalé par une étiquette.
        """
        ids = [w.pk for w in works if w is not None and w.pk is not None]
        if not ids:
            return {}
        decisions = self._decide_ids(user, ids, channel, at=at)
        if preview:
            internal = self._decide_ids(user, ids, Channel.INTERNAL, at=at)
            for pk, decision in list(decisions.items()):
                if not decision.allowed and internal.get(pk) and internal[pk].allowed:
                    text = _("Aperçu : non visible du public — %(r)s") % {"r": decision.reason}
                    decisions[pk] = Decision(True, reason=decision.reason, restricted=True,
                                             labels=tuple(decision.labels) + (Label("preview", text, "stop"),))
        return decisions

    # -- querysets ---------------------------------------------------------------------------------
    def _allowed_ids(self, user, channels, work_ids_q, *, at=None):
        ctx = access.user_context(user)
        day = _day(at)
        works, participants, withdrawals = access.load_facts(work_ids_q, at=day)
        return [
            pk for pk, facts in works.items()
            if any(self.answer(ctx, facts, participants, withdrawals, Channel(c), day, with_labels=False).allowed
                   for c in channels)
        ]

    def _filter(self, queryset, allowed_ids):
        path = self.work_path(queryset.model)
        return queryset.filter(**{("pk" if path == "" else f"{path}_id") + "__in": allowed_ids})

    def _work_ids_q(self, queryset):
        path = self.work_path(queryset.model)
        if path == "":
            return queryset.order_by().values("pk")
        return queryset.order_by().exclude(**{f"{path}__isnull": True}).values(f"{path}_id")

    def answer_q(self, ctx, channel, day):
        """La même réponse qu'`answer`, pour un queryset : un filtre SQL sur les œuvres (`access.visible_q`).
        Le test de câblage la remplace, elle aussi, par « autorisé » (un `Q()` qui garde tout)."""
        return access.visible_q(ctx, channel, day)

    def visible(self, user, channel, queryset=None, *, at=None):
        """Le sous-ensemble de `queryset` (œuvres ou dérivés) que `user` peut obtenir sur `channel`.

        Calculé par la base (un filtre, `answer_q`), pas en Python sur tout le catalogue : le coût suit la
        page demandée (la pagination reste dans la base). Concorde avec `decide` (un test le vérifie)."""
        qs = _work_model().objects.all() if queryset is None else queryset
        condition = self.answer_q(access.user_context(user), Channel(channel), _day(at))
        path = self.work_path(qs.model)
        if path == "":
            return qs.filter(condition)
        return qs.filter(**{f"{path}_id__in": _work_model().all_objects.filter(condition).values("pk")})

    # -- administration : ce que chacun peut savoir --------------------------------------------------
    def admin_channels(self, user):
        """Les canaux dont dépend ce qu'une personne connaît dans l'administration.

        Équipe de l'archive (commissaires, responsables du consentement) : l'archive interne (les
        responsables y voient tout, pour agir sur les retraits). Membres d'une organisation partenaire :
        leurs canaux. Autres : rien.
        """
        ctx = access.user_context(user)
        if ctx.staff:
            return ADMIN_STAFF_CHANNELS
        if ctx.org_ids:
            return tuple(sorted(access.PARTNER_CHANNELS))
        return ()

    def _admin_ids(self, user, work_ids_q, *, at=None):
        """Les œuvres que `user` connaît dans l'administration.

        - équipe : ce que l'archive interne lui permet ;
        - membre d'une organisation partenaire : ce qu'un canal partenaire lui permet, et les œuvres de
          sa propre organisation que l'archive interne laisserait connaître (mêmes consentements, même
          règle des communautés protégées : une œuvre retirée ou d'une autre communauté reste inconnue).
        """
        import dataclasses

        ctx = access.user_context(user)
        day = _day(at)
        works, participants, withdrawals = access.load_facts(work_ids_q, at=day)
        owner_ctx = dataclasses.replace(ctx, staff=True)
        channels = self.admin_channels(user)
        keep = []
        for pk, facts in works.items():
            if any(self.answer(ctx, facts, participants, withdrawals, Channel(c), day, variant=ADMIN_RECORD,
                               with_labels=False).allowed for c in channels):
                keep.append(pk)
            elif (not ctx.staff and facts.partner_id in ctx.org_ids and self.answer(
                    owner_ctx, facts, participants, withdrawals, Channel.INTERNAL, day, variant=ADMIN_RECORD,
                    with_labels=False).allowed):
                keep.append(pk)
        return keep

    def may_know(self, user, obj, *, at=None):
        """Cette personne peut-elle savoir que `obj` existe (administration, raison d'un refus) ?"""
        if obj is None or obj.pk is None:
            return False
        if _label_of(obj) in NAMING_MODELS or _label_of(obj) in PERSON_MODELS:
            return self.admin_queryset(user, type(obj)._default_manager.filter(pk=obj.pk)).exists()
        channels = self.admin_channels(user)
        work_id = self.work_id_of(obj)
        if not channels:
            return False
        if work_id is None:
            return access.user_context(user).staff  # objet d'atelier sans œuvre : l'équipe
        return bool(self._admin_ids(user, [work_id], at=at))

    def admin_queryset(self, user, queryset):
        """Ce que l'administration montre à `user` (listes, recherche, sélecteurs, rapports, exports)."""
        label = queryset.model._meta.label_lower
        if label in PERSON_MODELS:
            path = PERSON_MODELS[label]
            known = self.admin_participants(user, apps.get_model("consent", "Participant").objects.all())
            return queryset.filter(**{f"{path}__in": known.values("pk")})
        channels = self.admin_channels(user)
        if not channels:
            return queryset.none()
        if label in NAMING_MODELS:
            return queryset.filter(pk__in=self._known_naming_ids(user, queryset))
        ids = self._admin_ids(user, self._work_ids_q(queryset))
        path = self.work_path(queryset.model)
        if path and access.user_context(user).staff:
            # Objets sans œuvre (consentement d'atelier) : connus de l'équipe.
            from django.db.models import Q

            return queryset.filter(Q(**{f"{path}_id__in": ids}) | Q(**{f"{path}__isnull": True}))
        return self._filter(queryset, ids)

    def admin_log_entries(self, user, queryset):
        """Le journal de Wagtail (rapport « historique du site », ses exports) : une entrée qui porte sur un
        objet de la politique (œuvre, fichier, personne, retrait…) n'est montrée qu'à qui peut connaître cet
        objet (`admin_queryset`) ; son libellé est un titre ou un pseudonyme. Les autres entrées (projets,
        organisations…) suivent les permissions de Wagtail."""
        from django.contrib.contenttypes.models import ContentType
        from django.db.models import CharField, Q
        from django.db.models.functions import Cast

        ct_ids = queryset.order_by().values_list("content_type_id", flat=True).distinct()
        hidden = Q()
        for content_type in ContentType.objects.filter(pk__in=list(ct_ids)):
            model = content_type.model_class()
            if model is None or not self.knows_model(model):
                continue
            known = self.admin_queryset(user, model._default_manager.all()).order_by()
            known = known.annotate(_paroles_pk=Cast("pk", CharField())).values("_paroles_pk")
            hidden |= Q(content_type_id=content_type.pk) & ~Q(object_id__in=known)
        return queryset.exclude(hidden) if hidden else queryset

    def admin_get_or_404(self, request, queryset, **lookup):
        """Un objet pour une vue d'administration : absent (404) si la personne ne peut pas le connaître."""
        obj = get_object_or_404(queryset, **lookup)
        if not self.may_know(request.user, obj):
            raise Http404
        return obj

    def admin_participants(self, user, queryset, *, at=None):
        """Les personnes que `user` peut connaître dans l'administration (chaque personne passe par
        `answer`, règle 2 de `consent.access` pour une personne : celle d'une communauté protégée n'est
        connue que des membres de cette communauté et des responsables du consentement)."""
        ctx = access.user_context(user)
        day = _day(at)
        keep = [
            pk for pk, birth_year, partner_id, protected in queryset.order_by().values_list(
                "pk", "birth_year", "partner_id", "partner__is_protected_community")
            if self.answer(ctx, access.ParticipantFacts(pk, birth_year, partner_id, bool(protected)), {}, [],
                           Channel.INTERNAL, day, with_labels=False).allowed
        ]
        return queryset.filter(pk__in=keep)

    def _naming_rows(self, queryset):
        """{pk: (œuvres nommées, personnes nommées, organisation, réservé aux responsables)} d'objets qui
        nomment des œuvres ou des personnes (NAMING_MODELS)."""
        from collections import defaultdict

        label = queryset.model._meta.label_lower
        qs = queryset.order_by()
        works, people, org, officer_only = defaultdict(set), defaultdict(set), {}, set()
        pks = list(qs.values_list("pk", flat=True))
        if label == "consent.withdrawal":
            for pk, participant_id, work_id in qs.values_list("pk", "participant_id", "works"):
                people[pk].add(participant_id)
                if work_id is not None:
                    works[pk].add(work_id)
            # Sans œuvre choisie, le retrait vaut pour toutes les œuvres de la personne.
            whole = {pk: next(iter(people[pk])) for pk in pks if not works[pk] and people[pk]}
            by_person = self._works_of_people(set(whole.values()))
            for pk, participant_id in whole.items():
                works[pk] |= by_person.get(participant_id, set())
        elif label == "consent.curatornotice":
            for pk, work_id in qs.values_list("pk", "works"):
                if work_id is not None:
                    works[pk].add(work_id)
        elif label == "communication.screening":
            for pk, partner_id, work_id in qs.values_list("pk", "partner_id", "materials__work"):
                org[pk] = partner_id
                if work_id is not None:
                    works[pk].add(work_id)
        elif label == "consent.auditentry":
            by_model = defaultdict(dict)
            for pk, model_label, object_id in qs.values_list("pk", "model", "object_id"):
                by_model[model_label][pk] = object_id
            for model_label, entries in by_model.items():
                try:
                    model = apps.get_model(model_label)
                except (LookupError, ValueError):
                    model = None
                ids = {oid for oid in entries.values() if str(oid).isdigit()}
                if model is None or not ids:
                    officer_only |= set(entries)
                    continue
                target = model._default_manager.filter(pk__in=ids)
                if model_label in WORK_PATHS:
                    path = WORK_PATHS[model_label]
                    found = dict(target.values_list("pk", "pk" if path == "" else f"{path}_id"))
                    named = {k: ({v} if v else set(), set(), False) for k, v in found.items()}
                elif model_label in PERSON_MODELS:
                    found = dict(target.values_list("pk", PERSON_MODELS[model_label]))
                    named = {k: (set(), {v}, False) for k, v in found.items()}
                elif model_label in NAMING_MODELS:
                    named = self._naming_rows(target)
                else:
                    named = {}
                for pk, object_id in entries.items():
                    row = named.get(int(object_id)) if str(object_id).isdigit() else None
                    if row is None:
                        officer_only.add(pk)  # objet disparu ou hors de la politique : responsables seulement
                        continue
                    works[pk] |= row[0]
                    people[pk] |= row[1]
                    if row[2]:
                        officer_only.add(pk)
        return {pk: (works[pk], people[pk], org.get(pk), pk in officer_only) for pk in pks}

    def _works_of_people(self, participant_ids):
        """{participant_id: œuvres liées} (participation, consentement d'œuvre ou d'atelier)."""
        from collections import defaultdict

        found = defaultdict(set)
        if not participant_ids:
            return found
        Participation = apps.get_model("consent", "Participation")
        ConsentRecord = apps.get_model("consent", "ConsentRecord")
        for pid, work_id in Participation.objects.filter(participant_id__in=participant_ids).values_list(
                "participant_id", "work_id"):
            found[pid].add(work_id)
        workshops = defaultdict(set)
        for pid, work_id, workshop_id in ConsentRecord.objects.filter(participant_id__in=participant_ids).values_list(
                "participant_id", "work_id", "workshop_id"):
            if work_id:
                found[pid].add(work_id)
            if workshop_id:
                workshops[workshop_id].add(pid)
        if workshops:
            for pk, workshop_id in _work_model().all_objects.filter(workshop_id__in=workshops).values_list(
                    "pk", "workshop_id"):
                for pid in workshops[workshop_id]:
                    found[pid].add(pk)
        return found

    def withdrawn_ids(self, user, work_ids, *, at=None):
        """Les œuvres que l'équipe ne connaît plus SEULEMENT parce qu'un consentement a été retiré : un
        retrait et son avis aux commissaires en parlent (pages à vider, téléchargements), sans leur titre."""
        ctx = access.user_context(user)
        if not (work_ids and ctx.staff):
            return set()
        day = _day(at)
        works, participants, withdrawals = access.load_facts(list(work_ids), at=day)
        withdrawn = str(access.REASONS[access.WITHDRAWN])
        return {
            pk for pk, facts in works.items()
            if str(self.answer(ctx, facts, participants, withdrawals, Channel.INTERNAL, day, variant=ADMIN_RECORD,
                               with_labels=False).reason) == withdrawn
        }

    def _known_naming_ids(self, user, queryset):
        ctx = access.user_context(user)
        rows = self._naming_rows(queryset)
        all_works = set().union(*(r[0] for r in rows.values())) if rows else set()
        all_people = set().union(*(r[1] for r in rows.values())) if rows else set()
        known_works = set(self._admin_ids(user, list(all_works))) if all_works else set()
        if queryset.model._meta.label_lower in ("consent.withdrawal", "consent.curatornotice"):
            # Un retrait et son avis restent connus de l'équipe qui doit agir : une œuvre cachée par CE
            # retrait seulement y compte (sans son titre, voir `withdrawn_ids`) ; pas une œuvre d'une
            # communauté protégée dont la personne n'est pas.
            known_works |= self.withdrawn_ids(user, all_works - known_works)
        Participant = apps.get_model("consent", "Participant")
        known_people = set(self.admin_participants(user, Participant.objects.filter(pk__in=all_people))
                           .values_list("pk", flat=True)) if all_people else set()
        keep = []
        for pk, (works, people, org, officer_only) in rows.items():
            if officer_only and not ctx.officer:
                continue
            if org is not None and not ctx.staff and org not in ctx.org_ids:
                continue  # une fiche d'une autre organisation
            if not (works or people or org is not None) and not ctx.staff:
                continue
            if works <= known_works and people <= known_people:
                keep.append(pk)
        return keep

    # -- API Wagtail -------------------------------------------------------------------------------
    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_permission(user, action) and self.may_know(user, instance)

    def user_has_any_permission_for_instance(self, user, actions, instance):
        return self.user_has_any_permission(user, actions) and self.may_know(user, instance)

    def instances_user_has_any_permission_for(self, user, actions):
        qs = _work_model().objects.all()
        if not self.user_has_any_permission(user, actions):
            return qs.none()
        return self.admin_queryset(user, qs)

    def users_with_any_permission_for_instance(self, actions, instance):
        users = self.users_with_any_permission(actions)
        return users.filter(pk__in=[u.pk for u in users if self.may_know(u, instance)])

    # -- une requête publique : refusé ressemble à absent ----------------------------------------------
    def require(self, request, obj, channel, *, variant=None):
        """La décision si elle autorise ; sinon Http404 (comme un objet absent) pour qui ne peut pas
        savoir que l'objet existe, `Refused` (403 avec la raison) pour un·e connecté·e qui le peut."""
        decision = self.decide(request.user, obj, channel, variant=variant)
        if decision.allowed:
            return decision
        if request.user.is_authenticated and self.may_know(request.user, obj):
            raise Refused(decision)
        raise Http404

    # -- petites questions -----------------------------------------------------------------------------
    def admits(self, decision, variant):
        """La variante (rendu, fichier, incrustation) remplit-elle les conditions de la décision ?"""
        return self.admits_flags(decision.required_variant_flags, variant)

    def outcome_key(self, decision):
        """Tout ce qu'une décision dit et qui peut changer ce qu'une surface montre, en valeurs simples (une clé) :
        deux décisions de même clé se montrent de la même façon. Les fragments gardés sous l'époque (salles
        d'exposition) la mettent dans leur clé : ils ne sont repris que pour une réponse identique."""
        if decision is None:
            return None
        return (decision.allowed, str(decision.reason), decision.restricted,
                tuple((label.code, str(label.text), label.tone, label.public) for label in decision.labels),
                decision.hide_place, decision.pseudonym_only, tuple(sorted(decision.required_variant_flags)),
                decision.hide_partner)

    def admits_flags(self, required_flags, variant):
        """Même question, avec les drapeaux exigés (`Decision.required_variant_flags`)."""
        if not required_flags:
            return True
        return variant is not None and set(required_flags) <= access.variant_flags(variant)

    def may_name_publicly(self, organisation):
        """Une organisation partenaire peut-elle être nommée dans une publication publique (IATI, pages) ?
        Jamais une communauté protégée."""
        return not getattr(organisation, "is_protected_community", False)

    def organisations(self, user):
        """Les organisations partenaires dont `user` est membre (identifiants)."""
        return set(access.user_context(user).org_ids)

    def material_is_for(self, material, user):
        """Le support de la boîte à outils est-il destiné à l'organisation de `user` ? (liste de diffusion)"""
        ctx = access.user_context(user)
        if not ctx.authenticated:
            return False
        wanted = {o.pk for o in material.organisations.all()}
        if ctx.org_ids and (not wanted or wanted & ctx.org_ids):
            return True
        return ctx.staff

    def author_pseudonyms(self, works, *, at=None):
        """{work_pk: "Awa, Fanta"} : les pseudonymes publics des auteur·es de chaque œuvre (jamais un nom légal),
        tirés des faits du consentement déjà lus pour décider (aucune lecture de plus). Pas une décision : la
        page ne nomme que les œuvres qu'elle montre, décidées par `decide_many`."""
        ids = [w.pk for w in works if w is not None and w.pk is not None]
        if not ids:
            return {}
        facts, _participants, _withdrawals = access.load_facts(ids, at=_day(at))
        return {pk: ", ".join(f.author_pseudonyms) for pk, f in facts.items() if f.author_pseudonyms}

    def material_refusal(self):
        return Decision(False, _("Ce support n'est pas destiné à votre organisation."))

    def exhibition_is_showing(self, page, *, at=None):
        """Une exposition au musée aux dates fixées n'est ouverte qu'entre ces dates."""
        today = _day(at)
        return not ((page.start_date and today < page.start_date) or (page.end_date and today > page.end_date))

    def editorial(self):
        """Décision pour un fichier éditorial sans œuvre (image d'en-tête d'une page) : public."""
        return Decision(True, restricted=False)

    def absent(self):
        return Decision(False, _("Œuvre introuvable."))

    # -- un lot, plusieurs canaux : les faits lus une seule fois par requête (issue 18) -----------------
    def decide_many_channels(self, user, works, channels, *, at=None):
        """{canal: {work_pk: Decision}} : la réponse de `decide_many` pour chaque canal de `channels`, avec les
        faits des œuvres chargés UNE fois (la boîte à outils demande le téléchargement ET le site web : deux
        lectures identiques auparavant). Chaque décision passe par `answer`, comme toutes les autres."""
        ids = [w.pk for w in works if w is not None and w.pk is not None]
        result = {Channel(c): {} for c in channels}
        if not ids:
            return result
        day = _day(at)
        ctx = access.user_context(user)
        facts, participants, withdrawals = access.load_facts(ids, at=day)
        for channel in result:
            result[channel] = {pk: self.answer(ctx, f, participants, withdrawals, channel, day)
                               for pk, f in facts.items()}
        return result


policy = WorkAccessPolicy()

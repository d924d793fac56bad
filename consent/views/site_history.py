"""Le rapport « historique du site » de Wagtail, sous la politique.

Wagtail montre chaque entrée de son journal à qui a une permission sur le type d'objet : le titre d'une
œuvre d'une communauté protégée, ou d'une œuvre retirée, y sortirait pour toute personne de l'équipe. Cette
vue (montée à la même adresse, avant l'administration de Wagtail, dans `paroles.urls`) ne change qu'une
chose : chaque sous-ensemble du journal passe par `policy.admin_log_entries`. Filtres, pagination et
exports restent ceux de Wagtail.
"""

from wagtail.admin.views.reports.audit_logging import LogEntriesView

from consent.policy import policy


class PolicyLogEntriesView(LogEntriesView):
    def filter_queryset(self, queryset):
        return policy.admin_log_entries(self.request.user, super().filter_queryset(queryset))

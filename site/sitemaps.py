"""Plan du site (/sitemap.xml) : les pages Wagtail publiques et en ligne, et les œuvres que le public
anonyme peut voir sur le site web MAINTENANT (même fonction d'accès que la liste des archives). Une œuvre
dont le consentement est retiré en sort à la requête suivante."""

from django.contrib.auth.models import AnonymousUser
from django.contrib.sitemaps import Sitemap
from wagtail.contrib.sitemaps import Sitemap as PagesSitemap
from wagtail.contrib.sitemaps.views import sitemap as sitemap_view

from consent.policy import policy
from consent.channels import Channel


class WorksSitemap(Sitemap):
    changefreq = "weekly"
    limit = 5000

    def items(self):
        from media_library.models import Work

        return policy.visible(AnonymousUser(), Channel.WEBSITE, Work.objects.order_by("pk"))

    def location(self, work):
        return work.get_absolute_url()

    def lastmod(self, work):
        return work.updated_at


def sitemap(request):
    return sitemap_view(request, sitemaps={"pages": PagesSitemap, "oeuvres": WorksSitemap})

"""Recherche publique dans ce qui a été dit (pistes approuvées, œuvres autorisées)."""

from django.shortcuts import render

from consent.channels import Channel

from ..search import search_transcripts


def search(request):
    query = (request.GET.get("q") or "").strip()[:200]
    hits = search_transcripts(request.user, query, Channel.WEBSITE) if query else []
    response = render(request, "transcription/search.html", {"query": query, "hits": hits})
    response["Cache-Control"] = "private, no-cache"
    return response

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import urlencode

from sotong.pages.search.selectors import MAX_LENGTH, site_search

# What a resident might look for, offered when nothing is found.
SUGGESTIONS = ["주차", "대피소", "쓰레기", "행복공감", "복지"]


def index(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")
    try:
        page = int(request.GET.get("page", "1"))
    except ValueError:
        page = 1
    results = site_search(query=query, page=page, request=request)
    return render(
        request,
        "search/index.html",
        {
            "results": results,
            "query": results.query,
            "max_length": MAX_LENGTH,
            "suggestions": [(word, urlencode({"q": word})) for word in SUGGESTIONS],
            "page_query": urlencode({"q": results.query}),
        },
        status=200,
    )

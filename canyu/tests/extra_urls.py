"""The site's URLs plus two views no real page has: one with a bug (for the 500 page) and one that
changes the session while answering a GET (for the read-only database)."""

from django.http import HttpResponse
from django.urls import path

from canyu.urls import handler400, handler500, urlpatterns as site_urlpatterns  # noqa: F401


def broken(request):
    raise RuntimeError("a bug")


def remember_visit(request):
    request.session["visited"] = True
    return HttpResponse("Seen")


urlpatterns = [path("broken/", broken), path("remember/", remember_visit), *site_urlpatterns]

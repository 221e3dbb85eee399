"""The site's URLs plus one view with a bug, for the 500 page test."""

from django.urls import path

from canyu.urls import handler400, handler500, urlpatterns as site_urlpatterns  # noqa: F401


def broken(request):
    raise RuntimeError("a bug")


urlpatterns = [path("broken/", broken), *site_urlpatterns]

from django.http import HttpResponse
from django.urls import include, path


def floor_view(request):
    """The framework floor: every middleware of the site, no template, no query."""
    return HttpResponse(b"floor\n", content_type="text/plain")


urlpatterns = [
    path("bench/floor/", floor_view, name="bench_floor"),
    path("", include("canyu.urls")),
]

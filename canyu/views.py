from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.views.decorators.cache import never_cache

from canyu.health import service_states
from outbox.relay import waiting_count


@never_cache
def healthz(request):
    """200 while the database answers (cache or broker trouble degrades, not kills, the site; a read-only
    database still serves every page that reads); "status" is "ok", "degraded", "read-only" or "down"."""
    states = service_states()
    status = 503 if states["database"] == "down" else 200
    if states["database"] in {"down", "read-only"}:
        summary = states["database"]
    elif all(state in {"ok", "eager"} for state in states.values()):
        summary = "ok"
    else:
        summary = "degraded"
    return JsonResponse({"status": summary, **states, "jobs_waiting": waiting_count()}, status=status)


def csrf_failure(request, reason=""):
    return render(request, "403_csrf.html", status=403)


def favicon(request):
    """Browsers and feed readers ask for /favicon.ico whatever a page links: send them to the static file
    (its hashed name in production, worked out per request: the manifest exists only after collectstatic)."""
    return redirect(static("favicon.ico"), permanent=True)

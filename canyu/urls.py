from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from accounts import views as accounts_views
from canyu import views

# The admin signs in through allauth's form, so its rate limits cover it too.
admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = "Canyu"
# The browser tab: the site's name, not "Django site admin".
admin.site.site_title = "Canyu"

urlpatterns = [
    path("", include("community.urls")),
    path("healthz", views.healthz, name="healthz"),
    # Browsers and feed readers ask for /favicon.ico whatever the page links.
    path("favicon.ico", views.favicon),
    # allauth's sign-in, answering 429 with Retry-After when its failed-attempt limit locks it.
    path("accounts/login/", accounts_views.login, name="account_login"),
    path("accounts/", include("allauth.urls")),
    path("", include("accounts.urls")),
    path("", include("forum.urls")),
    path("", include("notifications.urls")),
    path("", include("releases.urls")),
    path("", include("ideas.urls")),
    path("", include("polls.urls")),
    path("", include("feedback.urls")),
    path("", include("honour.urls")),
    path("", include("quiz.urls")),
    path("", include("guesses.urls")),
    path("", include("meetups.urls")),
    path("", include("samples.urls")),
    path("admin/", admin.site.urls),
]
# Django's own 400 is bare English, and its 500 cannot tell a database outage (503) from a bug.
handler400 = "canyu.errorpages.bad_request"
handler500 = "canyu.outages.server_error"
# allauth answers requests its limits refuse with this (a 429 saying when to try again).
handler429 = "accounts.ratelimits.respond_429"

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from canyu.cardimages import card_response
from releases import access, following, pages, panels, sharing, steps
from releases.models import Release


def index(request):
    return render(request, "releases/index.html", {"products": pages.product_list()})


def product(request, product_slug):
    product = access.access_product(product_slug)
    channel = pages.channel_from(request.GET.get("channel"))
    return render(
        request,
        "releases/product.html",
        {
            "product": product,
            "channel": channel,
            "channels": Release.Channel.choices,
            "page": pages.release_list(request.user, product, channel, request.GET.get("page")),
            "follow": pages.product_following(request.user, product),
        },
    )


def release(request, product_slug, version):
    release = access.access_release(request.user, product_slug, version)
    if release.version != version:  # v14.0 for V14.0: one address per release
        return redirect(release, permanent=True)
    context = pages.release_page(request.user, release)
    # Only a published release has a next step (a preview is for its publishers).
    context["panels"] = panels.render_panels(request, release) if not context["preview"] else []
    titles = [item.title for group in context["changelog"] for item in group.items]
    context["share"] = sharing.release_share_card(release, titles)
    return render(request, "releases/release.html", context)


def release_card(request, product_slug, version):
    """The release's share picture (1200×630 PNG), drawn once per content (canyu.cardimages)."""
    release = access.access_release(request.user, product_slug, version)
    return card_response(request, sharing.release_picture(release))


def next_step(request, product_slug, version):
    """The publish notification's link: on to the four-cell report, the award or the release page,
    whichever the release leads to now (releases.steps). A redirect, not a page: no tap is added."""
    release = access.access_release(request.user, product_slug, version)
    if release.state != Release.State.PUBLISHED:
        return redirect(release)  # a preview leads nowhere further
    return redirect(steps.next_step_url(release, timezone.now()))


@require_POST
@login_required
def follow(request, product_slug):
    """The Follow/Unfollow button. The form says which it is, so a double tap
    on "Follow" follows once instead of following and unfollowing."""
    product = access.access_product(product_slug)
    action = request.POST.get("action")
    if action == "follow":
        following.follow_product(product=product, user=request.user)
        messages.success(
            request, _("You follow %(product)s: we will tell you of its releases.") % {"product": product.name}
        )
    elif action == "unfollow":
        following.unfollow_product(product=product, user=request.user)
        messages.success(request, _("You no longer follow %(product)s.") % {"product": product.name})
    else:
        return HttpResponseBadRequest(_("Follow or unfollow?"))
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = product.get_absolute_url()
    return redirect(next_url)

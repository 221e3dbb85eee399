"""The four-cell report page and the Popcorn Award pages. Thin: access, form, one process function."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from canyu.cardimages import card_response
from feedback import pages, reports, sharing
from feedback.forms import ReportForm
from releases.access import access_product, access_release


@login_required
def report(request, product_slug, version):
    """GET: the four cells (the fan's report filled in, if any). POST: save it; refusals come back
    in the form with status 400, nothing written."""
    release = access_release(request.user, product_slug, version)
    if release.version != version:  # v14.0 for V14.0: one address per release
        return redirect("feedback:report", release.product.slug, release.version, permanent=True)
    now = timezone.now()
    page = pages.report_page(request.user, release, now)
    form = ReportForm(
        request.POST or None,
        items=page["items"],
        ideas=page["ideas"],
        own_item_ids=page["own_item_ids"],
        initial=ReportForm.initial_from(page["report"]),
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                reports.submit_report(release=release, fan=request.user, **form.report_arguments())
            except reports.ReportRefused as refusal:
                form.add_error(None, str(refusal))
            else:
                messages.success(
                    request, _("Your report is saved. You can change it until %(when)s.") % {"when": page["closes"]}
                )
                return redirect("feedback:report", release.product.slug, release.version)
        status = 400
    return render(request, "feedback/report.html", {**page, "form": form}, status=status)


def awards(request):
    return render(
        request,
        "feedback/awards.html",
        pages.awards_page(None, request.GET.get("season"), request.GET.get("page"), timezone.now()),
    )


def product_awards(request, product_slug):
    product = access_product(product_slug)
    return render(
        request,
        "feedback/awards.html",
        pages.awards_page(product, request.GET.get("season"), request.GET.get("page"), timezone.now()),
    )


def award(request, product_slug, version):
    release = access_release(request.user, product_slug, version)
    if release.version != version:
        return redirect("feedback:award", release.product.slug, release.version, permanent=True)
    page = pages.award_page(request.user, release, timezone.now())
    return render(request, "feedback/award.html", {**page, "share": sharing.award_share_card(page)})


def award_card(request, product_slug, version):
    """The award's share picture (1200×630 PNG): the frozen result, drawn once per content (canyu.cardimages)."""
    release = access_release(request.user, product_slug, version)
    return card_response(request, sharing.award_picture(release))

"""Guess-the-product pages: the list and a teaser (clues so far, the choices, the fan's guess, and
after the reveal the answer). Refusals come back on the teaser page with a 400, keeping the choice."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from canyu.cardimages import card_response
from guesses import guessing, pages, sharing
from guesses.forms import GuessForm


def teaser_list(request):
    return render(request, "guesses/list.html", {"page": pages.teaser_list(request.user)})


def detail(request, teaser_id):
    page = pages.teaser_page(request.user, teaser_id)
    initial = {"choice": page.guess.choice_id} if page.guess else None
    form = GuessForm(initial=initial, choices=page.choices)
    return render(
        request, "guesses/detail.html", {"page": page, "form": form, "share": sharing.teaser_share_card(page)}
    )


def card(request, teaser_id):
    """The teaser's share picture (1200×630 PNG): the clues so far, drawn once per content."""
    return card_response(request, sharing.teaser_picture(pages.teaser_page(request.user, teaser_id)))


@require_POST
@login_required
def guess(request, teaser_id):
    page = pages.teaser_page(request.user, teaser_id)
    form = GuessForm(request.POST, choices=page.choices)
    if form.is_valid():
        try:
            guessing.place_guess(teaser=page.teaser, fan=request.user, choice_id=form.cleaned_data["choice"])
        except guessing.GuessRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, _("Your guess is in. You can change it until the close."))
            return redirect(page.teaser)
    context = {"page": page, "form": form, "share": sharing.teaser_share_card(page)}
    return render(request, "guesses/detail.html", context, status=400)

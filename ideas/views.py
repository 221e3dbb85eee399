"""Ideas pages: the lists and roadmap of a product, proposing, voting, product managers' statuses.
Reads come from ideas.pages, changes from the process modules; views only wire them."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from forum import access, ratelimits
from ideas import listcache, pages, proposing, similar, statuses, votebutton, voting
from ideas.forms import DuplicateSearchForm, IdeaForm, IdeaListForm, StatusForm
from ideas.models import CLOSED, Idea
from releases.models import Product


def _product(user, slug: str) -> Product:
    """A product with an ideas board this user may read, or 404."""
    product = get_object_or_404(
        Product.objects.select_related("ideas_board").prefetch_related(
            "ideas_board__read_roles", "ideas_board__start_roles"
        ),
        slug=slug,
        ideas_board__isnull=False,
    )
    if not access.may_read(user, product.ideas_board):
        raise Http404
    return product


def _idea(user, idea_id: int) -> Idea:
    """An idea whose thread this user may read, or 404."""
    idea = get_object_or_404(Idea.objects.select_related("product"), pk=idea_id)
    idea.thread = access.access_thread(user, idea.thread_id)
    return idea


def index(request):
    products = [
        product
        for product in Product.objects.filter(ideas_board__isnull=False)
        .select_related("ideas_board")
        .prefetch_related("ideas_board__read_roles")
        if access.may_read(request.user, product.ideas_board)
    ]
    return render(request, "ideas/index.html", {"products": products})


def idea_list(request, product):
    return listcache.shared_page(request, slug=product, render=lambda: _render_list(request, product))


def _render_list(request, slug):
    product = _product(request.user, slug)
    form = IdeaListForm(request.GET, product=product)
    filters = form.filters()
    number = pages.page_number(request.GET.get("page"))
    rows, has_next = listcache.list_rows(request, product=product, form=form, number=number, **filters)
    return render(
        request,
        "ideas/list.html",
        {
            "product": product,
            "form": form,
            "rows": rows,
            "number": number,
            "has_next": has_next,
            "sort": filters["sort"],
            "may_propose": access.may_start_thread(request.user, product.ideas_board),
        },
    )


def roadmap(request, product):
    product = _product(request.user, product)
    return render(
        request,
        "ideas/roadmap.html",
        {
            "product": product,
            "columns": pages.roadmap(product, now=timezone.now()),
        },
    )


def similar_titles(request, product):
    """The suggestions under the title field while a fan types (htmx), or as a plain page."""
    product = _product(request.user, product)
    title = request.GET.get("title", "")[:200]
    return render(
        request,
        "ideas/_similar.html",
        {
            "similar": similar.similar_ideas(product=product, title=title) if len(title.strip()) >= 2 else [],
        },
    )


def propose_in_board(request, slug):
    """The forum's "new thread" of an ideas board comes here: ideas are proposed on their product's page."""
    product = get_object_or_404(Product, ideas_board__slug=slug)
    return redirect("ideas:propose", product.slug)


@login_required
def propose(request, product):
    product = _product(request.user, product)
    if not access.may_start_thread(request.user, product.ideas_board):
        raise PermissionDenied
    form = IdeaForm(request.POST or None, product=product)
    suggestions = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if not data["confirmed"]:
            suggestions = similar.similar_ideas(product=product, title=data["title"])
        if suggestions:
            # Shown before anything is written; posting again with confirmed set goes on.
            form = IdeaForm(dict(request.POST.items()) | {"confirmed": "on"}, product=product)
            form.is_valid()
        else:
            too_fast = ratelimits.consume_posting(request, kind="thread")
            if too_fast:
                return ratelimits.limited_response(
                    request, "ideas/propose.html", {"product": product, "form": form, "suggestions": []}, too_fast
                )
            try:
                idea = proposing.propose_idea(
                    board=product.ideas_board,
                    author=request.user,
                    title=data["title"],
                    source=data["source"],
                    product=product,
                    area=data["area"],
                )
            except proposing.IdeaRefused as refusal:
                form.add_error(None, str(refusal))
            except ratelimits.LimitReached as limit:
                return ratelimits.limited_response(
                    request, "ideas/propose.html", {"product": product, "form": form, "suggestions": []}, limit
                )
            else:
                messages.success(request, _("Your idea is up. Tell your friends to vote for it!"))
                return redirect(idea)
    status = 400 if request.method == "POST" and form.errors else 200
    return render(
        request, "ideas/propose.html", {"product": product, "form": form, "suggestions": suggestions}, status=status
    )


@require_POST
@login_required
def vote(request, idea_id):
    idea = _idea(request.user, idea_id)
    refused, limit = None, None
    try:
        voted = voting.toggle_vote(idea=idea, user=request.user)
    except proposing.IdeaRefused as refusal:
        refused, voted = str(refusal), False
    except ratelimits.LimitReached as reached:
        refused, voted, limit = str(reached), False, reached
    idea.refresh_from_db(fields=["vote_count", "status"])
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        back = idea.get_absolute_url()
    if request.headers.get("HX-Request"):
        button = votebutton.vote_widget(
            request,
            idea_id=idea.pk,
            thread_url=idea.get_absolute_url(),
            count=idea.vote_count,
            voted=voted,
            closed=idea.status in CLOSED,
            next_url=request.POST.get("next"),
            refused=refused,
        )
        # The refusal is in the button's box. A closed idea answers 200 (htmx swaps only
        # successful answers); a daily cap answers 429 with Retry-After, which base.html's
        # htmx-config tells htmx to swap in too.
        response = HttpResponse(button, status=429 if limit else 200)
        if limit:
            response["Retry-After"] = str(limit.retry_after)
        return response
    if limit:
        return ratelimits.limit_page(request, limit, back=back)
    if refused:
        messages.error(request, refused)
    return redirect(back)


@login_required
def change_status(request, idea_id):
    """The status form; marking a duplicate, the manager finds the other idea with a search (``?q=``, the
    idea's own title at first) and chooses it from the list, no number to type."""
    if not pages.may_manage(request.user):
        raise PermissionDenied
    idea = _idea(request.user, idea_id)
    search = DuplicateSearchForm(request.GET or {"q": idea.thread.title})
    query = search.cleaned_data["q"] if search.is_valid() else ""
    candidates = similar.search_ideas(idea=idea, query=query) if query else []
    form = StatusForm(
        request.POST or None, idea=idea, candidates=candidates, initial={"seen": idea.status, "status": idea.status}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        idea.status = data["seen"]  # as the manager saw it: a change made meanwhile is not overwritten
        try:
            if data["status"] == Idea.Status.DUPLICATE:
                statuses.merge_idea(idea=idea, into=data["merge_into"], by=request.user, note=data["note"])
            else:
                statuses.set_status(
                    idea=idea,
                    by=request.user,
                    status=data["status"],
                    note=data["note"],
                    target_release=data["target_release"],
                    changelog_item=data["changelog_item"],
                )
        except proposing.IdeaRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, _("The status is changed; voters and followers are being told."))
            return redirect(idea)
    if form.is_bound and form.data.get("merge_into") and not form.has_error("merge_into"):
        # The idea chosen stays listed, whatever the search shows now.
        chosen = form.fields["merge_into"].queryset.filter(pk=form.data["merge_into"]).first()
        if chosen is not None and chosen.pk not in {candidate.pk for candidate in candidates}:
            form.fields["merge_into"].choices = [
                (chosen.pk, f"{chosen.thread.title} (#{chosen.pk})"),
                *form.fields["merge_into"].choices,
            ]
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "ideas/status.html",
        {"idea": idea, "form": form, "search": search, "query": query, "candidates": candidates},
        status=status,
    )

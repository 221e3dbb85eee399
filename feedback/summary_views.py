"""The product managers' feedback summaries (feedback.summaries): a release's summary, its CSV files,
and the trend across a product's releases. Product managers and admins only (403 for fans)."""

from functools import wraps

from django.contrib.auth.decorators import login_required, permission_required
from django.http import StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from feedback import summaries
from feedback.pages import READ_FEEDBACK
from releases.access import access_product, access_release


def feedback_readers_only(view):
    return login_required(permission_required(READ_FEEDBACK, raise_exception=True)(view))


def for_a_release(view_name: str):
    """Wrap a view of one release's summary: feedback readers only; the release (404 if they may not
    see it) and the group of reporters the query asks for are passed in; a release asked for under
    another case of its version (v14.0 for V14.0) redirects to its one address, keeping the query."""

    def decorate(view):
        @wraps(view)
        @feedback_readers_only
        def wrapped(request, product_slug, version):
            release = access_release(request.user, product_slug, version)
            if release.version != version:
                query = request.GET.urlencode()
                return redirect(
                    f"{reverse(view_name, args=[release.product.slug, release.version])}{'?' + query if query else ''}",
                    permanent=True,
                )
            group = summaries.Group.from_query(request.GET.get("by"), request.GET.get("segment"))
            return view(request, release, group)

        return wrapped

    return decorate


@for_a_release("feedback:summary")
def summary(request, release, group):
    result = summaries.summary(release, timezone.now(), group)
    comment_filter = summaries.CommentFilter.from_query(request.GET, {row.item_id for row in result.items}, group)
    comments = (
        summaries.comment_page(release, comment_filter, result.items, request.GET.get("before"))
        if result.has_counts
        else None
    )
    return render(
        request,
        "feedback/summary.html",
        {
            "summary": result,
            "release": release,
            "group": group,
            "filter": comment_filter,
            "comments": comments,
            "cells": summaries.CELL.choices,
            "older_query": comment_filter.older(comments.next_before) if comments and comments.next_before else "",
            "segment_tables": [(_("Device models"), result.devices), (_("Levels"), result.levels)],
        },
    )


def _csv_response(lines, release, name: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    filename = f"canyu-{release.product.slug}-{release.version}-{name}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@for_a_release("feedback:summary_items_csv")
def items_csv(request, release, group):
    items = summaries.item_table(release, timezone.now(), group)
    return _csv_response(
        summaries.csv_lines([str(h) for h in summaries.ITEM_CSV_HEADER], summaries.item_csv_rows(items)),
        release,
        "updates",
    )


@for_a_release("feedback:summary_comments_csv")
def comments_csv(request, release, group):
    items = summaries.release_items(release)
    comment_filter = summaries.CommentFilter.from_query(request.GET, {item.pk for item in items}, group)
    return _csv_response(
        summaries.csv_lines(
            [str(h) for h in summaries.COMMENT_CSV_HEADER], summaries.comment_csv_rows(release, comment_filter, items)
        ),
        release,
        "comments",
    )


@feedback_readers_only
def trend(request, product_slug):
    product = access_product(product_slug)
    page, weeks = summaries.trend(product, request.GET.get("page"))
    return render(
        request,
        "feedback/trend.html",
        {
            "product": product,
            "page": page,
            "weeks": weeks,
            "bars": summaries.report_bars(weeks),
        },
    )

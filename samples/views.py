"""Sample-programme pages: the list and a programme (apply, or the application's status). Staff
select in the admin (samples.admin, calling samples.selecting)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from samples import applying, pages
from samples.forms import ApplicationForm


def programme_list(request):
    return render(request, "samples/list.html", {"programmes": pages.programme_list()})


def detail(request, programme_id):
    page = pages.programme_page(request.user, programme_id)
    form = ApplicationForm(questions=page.programme.question_list)
    return render(request, "samples/detail.html", {"page": page, "form": form})


@require_POST
@login_required
def apply(request, programme_id):
    page = pages.programme_page(request.user, programme_id)
    form = ApplicationForm(request.POST, questions=page.programme.question_list)
    if form.is_valid():
        try:
            applying.apply_for_sample(programme=page.programme, fan=request.user, answers=form.answers())
        except applying.SampleRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, _("Your application is in. You will be told whether you are selected."))
            return redirect(page.programme)
    return render(request, "samples/detail.html", {"page": page, "form": form}, status=400)

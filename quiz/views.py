"""Quiz pages: the list, a quiz (start, answer, submit) and its frozen result.

Unknown and unpublished quizzes are 404 (quiz.attempts.access_quiz); refusals come back on the
quiz page with the message and a 400 (a refused sheet keeps the fan's choices), never a 500.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from quiz import attempts, pages
from quiz.forms import AnswerSheet


def quiz_list(request):
    return render(request, "quiz/list.html", {"page": pages.quiz_list(request.user)})


def _sheet(page: pages.QuizPage, data=None) -> AnswerSheet | None:
    if not page.questions or page.attempt is None:
        return None
    return AnswerSheet(data, questions=page.questions, seed=page.attempt.pk)


def detail(request, quiz_id):
    page = pages.quiz_page(request.user, quiz_id)
    return render(request, "quiz/detail.html", {"page": page, "sheet": _sheet(page)})


@require_POST
@login_required
def start(request, quiz_id):
    quiz = attempts.access_quiz(request.user, quiz_id)
    try:
        attempts.start_attempt(quiz=quiz, fan=request.user)
    except attempts.QuizRefused as refusal:
        page = pages.quiz_page(request.user, quiz_id)
        return render(request, "quiz/detail.html", {"page": page, "sheet": None, "error": str(refusal)}, status=400)
    return redirect(quiz)


@require_POST
@login_required
def submit(request, quiz_id):
    page = pages.quiz_page(request.user, quiz_id)
    if page.attempt is None:
        error = _("Start the quiz before submitting answers.")
    elif page.attempt.is_submitted:
        error = _("Your answers were already submitted; an attempt is submitted once.")
    else:
        # Past the shown deadline the sheet is not on the page any more, but the grace may still accept it.
        if not page.questions:
            page.questions = pages.sheet_questions(page.quiz.pk)
        sheet = AnswerSheet(request.POST, questions=page.questions, seed=page.attempt.pk)
        if sheet.is_valid():
            try:
                attempts.submit_attempt(attempt=page.attempt, chosen=sheet.chosen())
            except attempts.QuizRefused as refusal:
                sheet.add_error(None, str(refusal))
            else:
                messages.success(request, _("Your answers are in. The result is published when the quiz closes."))
                return redirect(page.quiz)
        return render(request, "quiz/detail.html", {"page": page, "sheet": sheet}, status=400)
    return render(request, "quiz/detail.html", {"page": page, "sheet": None, "error": error}, status=400)


def result(request, quiz_id):
    quiz = attempts.access_quiz(request.user, quiz_id)
    if not quiz.is_frozen:
        return redirect(quiz)
    return render(request, "quiz/result.html", {"page": pages.result_page(request.user, quiz)})

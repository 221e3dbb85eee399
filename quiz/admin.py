"""Staff write quizzes here: the quiz, its questions (with pictures), each question's 2–6 answers.

Rules checked by the forms (the database guards "at most one correct answer" itself,
``quiz_one_correct_answer``): each question has 2 to 6 answers and exactly one correct; a quiz
can only be published if it has 1 to 50 questions that all follow that rule. Once a published
quiz has opened, its questions and answers are read-only: attempts are scored against them.
Freezing is the beat's (quiz.freezing), also offered here as an action that calls the same function.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy as _

from quiz import freezing
from quiz.models import ANSWERS_MAX, ANSWERS_MIN, QUESTIONS_MAX, Answer, Question, Quiz, QuizWinner
from quiz.pictures import read_question_picture


def quiz_has_opened(quiz: Quiz | None) -> bool:
    return quiz is not None and quiz.pk is not None and quiz.published and quiz.opens_at <= timezone.now()


def unready_questions(quiz: Quiz) -> list[str]:
    """The questions that would stop the quiz from being published, each with why (one query)."""
    questions = quiz.questions.annotate(
        answer_count=Count("answers"), correct_count=Count("answers", filter=Q(answers__correct=True))
    ).order_by("position")
    problems = []
    for question in questions:
        if not ANSWERS_MIN <= question.answer_count <= ANSWERS_MAX or question.correct_count != 1:
            problems.append(
                gettext("Question %(position)d needs 2 to 6 answers, exactly one of them correct.")
                % {"position": question.position}
            )
    return problems


class QuizForm(forms.ModelForm):
    class Meta:
        model = Quiz
        fields = ["title", "description", "thread", "opens_at", "closes_at", "time_limit", "winner_count", "published"]

    def clean(self):
        super().clean()
        data = self.cleaned_data
        opens_at, closes_at = data.get("opens_at"), data.get("closes_at")
        if opens_at and closes_at and closes_at <= opens_at:
            self.add_error("closes_at", gettext("The quiz must close after it opens."))
        if data.get("time_limit") is not None and data["time_limit"] < 10:
            self.add_error("time_limit", gettext("Give at least 10 seconds per attempt."))
        if data.get("published"):
            if self.instance.pk is None:
                self.add_error("published", gettext("Save the quiz and add its questions before publishing it."))
            else:
                count = self.instance.questions.count()
                if not 1 <= count <= QUESTIONS_MAX:
                    self.add_error("published", gettext("A quiz needs 1 to 50 questions to be published."))
                for problem in unready_questions(self.instance):
                    self.add_error("published", problem)
        return data


class QuestionForm(forms.ModelForm):
    # A plain file field: the picture is checked before Pillow decodes it (quiz.pictures).
    picture = forms.FileField(label=_("Picture"), required=False)

    class Meta:
        model = Question
        fields = ["quiz", "position", "text", "picture"]

    def clean_picture(self):
        upload = self.cleaned_data.get("picture")
        if not upload or upload is self.instance.picture or getattr(upload, "_committed", False):
            return upload  # unchanged (or cleared)
        return read_question_picture(upload)


class AnswerFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        kept = [form for form in self.forms if form.cleaned_data and not form.cleaned_data.get("DELETE")]
        if not ANSWERS_MIN <= len(kept) <= ANSWERS_MAX:
            raise ValidationError(gettext("A question needs 2 to 6 answers."))
        if sum(1 for form in kept if form.cleaned_data.get("correct")) != 1:
            raise ValidationError(gettext("Mark exactly one answer as correct."))
        positions = [form.cleaned_data.get("position") for form in kept]
        if len(set(positions)) != len(positions):
            raise ValidationError(gettext("Each answer needs its own position."))


class LockedOnceOpened:
    """Read-only once the quiz of the object shown has opened: attempts are scored against it."""

    def quiz_of(self, obj) -> Quiz | None:
        return obj.quiz if obj is not None else None

    def has_add_permission(self, request, obj=None):
        return not quiz_has_opened(self.quiz_of(obj)) and super().has_add_permission(request, obj)  # type: ignore[misc]

    def has_change_permission(self, request, obj=None):
        return not quiz_has_opened(self.quiz_of(obj)) and super().has_change_permission(request, obj)  # type: ignore[misc]

    def has_delete_permission(self, request, obj=None):
        return not quiz_has_opened(self.quiz_of(obj)) and super().has_delete_permission(request, obj)  # type: ignore[misc]


class AnswerInline(LockedOnceOpened, admin.TabularInline):
    model = Answer
    formset = AnswerFormSet
    fields = ["position", "text", "correct"]
    extra = 4
    max_num = ANSWERS_MAX


@admin.register(Question)
class QuestionAdmin(LockedOnceOpened, admin.ModelAdmin):
    form = QuestionForm
    list_display = ["text", "quiz", "position"]
    list_select_related = ["quiz"]
    search_fields = ["text", "quiz__title"]
    raw_id_fields = ["quiz"]
    inlines = [AnswerInline]

    def has_add_permission(self, request, obj=None):
        return super(LockedOnceOpened, self).has_add_permission(request)


class QuestionInline(LockedOnceOpened, admin.TabularInline):
    """The quiz's questions, linking to each one's page, where its answers are written."""

    model = Question
    fields = ["position", "text"]
    extra = 0
    show_change_link = True

    def quiz_of(self, obj) -> Quiz | None:
        return obj  # shown on the quiz's own page


class QuizWinnerInline(admin.TabularInline):
    model = QuizWinner
    fields = ["rank", "fan", "score", "time_taken_ms", "honoured_at"]
    readonly_fields = ["rank", "fan", "score", "time_taken_ms", "honoured_at"]
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Quiz)
class QuizAdmin(admin.ModelAdmin):
    form = QuizForm
    list_display = ["title", "published", "opens_at", "closes_at", "time_limit", "state", "submitted_count"]
    list_filter = ["published", "state"]
    search_fields = ["title"]
    raw_id_fields = ["thread"]
    inlines = [QuestionInline, QuizWinnerInline]
    actions = ["freeze_now"]

    def get_readonly_fields(self, request, obj=None):
        frozen = ["state", "frozen_at", "submitted_count", "result_post"]
        if quiz_has_opened(obj):
            # Attempts are running against these: the times and rules stay as fans saw them.
            return [*frozen, "opens_at", "closes_at", "time_limit", "winner_count", "published"]
        return frozen

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Freeze the result of the selected closed quizzes"))
    def freeze_now(self, request, queryset):
        # Only quizzes past their closing time (and the freeze delay) freeze; the others are left alone.
        frozen = sum(freezing.freeze_quiz(quiz=quiz) for quiz in queryset)
        messages.info(request, gettext("%(count)d quizzes frozen.") % {"count": frozen})

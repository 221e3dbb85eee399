"""The product-knowledge quiz: staff write it in the admin, each fan makes one timed attempt, and at
closing the result is frozen once (quiz.attempts, quiz.freezing)."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

TITLE_MAX = 120
QUESTION_MAX = 300
ANSWER_MAX = 120
ANSWERS_MIN, ANSWERS_MAX = 2, 6
QUESTIONS_MAX = 50


class Quiz(models.Model):
    """A quiz open from ``opens_at`` to ``closes_at``; each attempt has ``time_limit`` seconds.

    ``state`` moves once, OPEN → FROZEN, by the conditional UPDATE that freezes
    the result (quiz.freezing): ranking, winners and the result post follow
    from that one claim.
    """

    class State(models.TextChoices):
        OPEN = "open", _("Open or upcoming")
        FROZEN = "frozen", _("Result frozen")

    title = models.CharField(_("title"), max_length=TITLE_MAX)
    description = models.TextField(_("description"), blank=True)
    # Where the result is posted; without a thread it is only on the result page.
    thread = models.ForeignKey(
        "forum.Thread", verbose_name=_("thread"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Only published quizzes are listed and can be started; publishing checks every question (quiz.admin).
    published = models.BooleanField(_("published"), default=False)
    opens_at = models.DateTimeField(_("opens"))
    closes_at = models.DateTimeField(_("closes"))
    time_limit = models.PositiveIntegerField(_("time limit (seconds)"), default=300)
    winner_count = models.PositiveSmallIntegerField(_("winners"), default=10)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.OPEN)
    frozen_at = models.DateTimeField(_("frozen"), null=True, blank=True)
    # Frozen with the result: how many attempts were submitted in time.
    submitted_count = models.PositiveIntegerField(_("submitted attempts"), default=0)
    result_post = models.OneToOneField(
        "forum.Post", verbose_name=_("result post"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("quiz")
        verbose_name_plural = _("quizzes")
        constraints = [
            models.CheckConstraint(condition=Q(closes_at__gt=F("opens_at")), name="quiz_closes_after_opening"),
            models.CheckConstraint(condition=Q(time_limit__gte=10), name="quiz_time_limit_at_least_10s"),
            models.CheckConstraint(
                condition=Q(state="open", frozen_at__isnull=True) | Q(state="frozen", frozen_at__isnull=False),
                name="quiz_frozen_has_time",
            ),
        ]
        indexes = [
            # The minute's tick: open quizzes whose closing time has passed.
            models.Index(fields=["closes_at"], condition=Q(state="open"), name="quiz_due"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("quiz:detail", args=[self.pk])

    @property
    def is_frozen(self) -> bool:
        return self.state == self.State.FROZEN


class Question(models.Model):
    quiz = models.ForeignKey(Quiz, verbose_name=_("quiz"), on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(_("position"))
    text = models.CharField(_("question"), max_length=QUESTION_MAX)
    # Re-encoded WebP from the admin form (quiz.pictures): no metadata, size checked before decoding.
    picture = models.ImageField(_("picture"), upload_to="quiz/%Y/%m/", blank=True)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["quiz", "position"]
        constraints = [
            models.UniqueConstraint(fields=["quiz", "position"], name="quiz_question_position"),
            models.CheckConstraint(
                condition=Q(position__gte=1, position__lte=QUESTIONS_MAX), name="quiz_question_position_range"
            ),
        ]

    def __str__(self):
        return self.text


class Answer(models.Model):
    question = models.ForeignKey(Question, verbose_name=_("question"), on_delete=models.CASCADE, related_name="answers")
    # 1..6: what an attempt stores for this answer (Attempt.answers).
    position = models.PositiveSmallIntegerField(_("position"))
    text = models.CharField(_("answer"), max_length=ANSWER_MAX)
    correct = models.BooleanField(_("correct"), default=False)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        ordering = ["question", "position"]
        constraints = [
            models.UniqueConstraint(fields=["question", "position"], name="quiz_answer_position"),
            models.CheckConstraint(
                condition=Q(position__gte=1, position__lte=ANSWERS_MAX), name="quiz_answer_position_range"
            ),
            # At most one correct answer per question, in the database; "at least one" and 2–6 answers
            # are checked by the admin's forms and again before a quiz is published.
            models.UniqueConstraint(fields=["question"], condition=Q(correct=True), name="quiz_one_correct_answer"),
        ]

    def __str__(self):
        return self.text


class Attempt(models.Model):
    """A fan's one attempt. Started: a row with the server's time and deadline. Submitted: one UPDATE
    of the same row with the answers, the score and the time taken (quiz.attempts)."""

    quiz = models.ForeignKey(Quiz, verbose_name=_("quiz"), on_delete=models.CASCADE, related_name="attempts")
    fan = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("fan"), on_delete=models.CASCADE, related_name="quiz_attempts"
    )
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    # The deadline shown to the fan: the start plus the time limit, or the closing time if sooner.
    deadline = models.DateTimeField(_("deadline"))
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    # One character per question in order: the chosen answer's position (1–6), or 0 for none.
    answers = models.CharField(_("answers"), max_length=QUESTIONS_MAX, blank=True)
    score = models.PositiveSmallIntegerField(_("score"), default=0)
    # Milliseconds from start to submit, capped at the time limit (the grace is not counted).
    time_taken_ms = models.PositiveIntegerField(_("time taken (ms)"), null=True, blank=True)

    class Meta:
        verbose_name = _("attempt")
        verbose_name_plural = _("attempts")
        constraints = [
            models.UniqueConstraint(fields=["quiz", "fan"], name="quiz_one_attempt_per_fan"),
            models.CheckConstraint(condition=Q(deadline__gt=F("started_at")), name="quiz_deadline_after_start"),
            models.CheckConstraint(
                condition=Q(submitted_at__isnull=True) | Q(time_taken_ms__isnull=False),
                name="quiz_submitted_has_time_taken",
            ),
        ]
        indexes = [
            # The ranking (freezing and a fan's rank): submitted attempts by score, then time taken.
            models.Index(
                "quiz",
                F("score").desc(),
                "time_taken_ms",
                "id",
                condition=Q(submitted_at__isnull=False),
                name="quiz_attempt_ranking",
            ),
        ]

    def __str__(self):
        return f"{self.fan_id} @ {self.quiz_id}"

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None


class QuizWinner(models.Model):
    """A place in a frozen quiz's ranking. ``honoured_at`` is set when its points are granted
    (quiz.honours): null means not granted yet."""

    quiz = models.ForeignKey(Quiz, verbose_name=_("quiz"), on_delete=models.CASCADE, related_name="winners")
    fan = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("fan"), on_delete=models.CASCADE, related_name="quiz_wins"
    )
    rank = models.PositiveSmallIntegerField(_("rank"))
    score = models.PositiveSmallIntegerField(_("score"))
    time_taken_ms = models.PositiveIntegerField(_("time taken (ms)"))
    honoured_at = models.DateTimeField(_("honoured"), null=True, blank=True)

    class Meta:
        verbose_name = _("quiz winner")
        verbose_name_plural = _("quiz winners")
        ordering = ["quiz", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["quiz", "rank"], name="quiz_winner_rank"),
            models.UniqueConstraint(fields=["quiz", "fan"], name="quiz_winner_once"),
        ]
        indexes = [
            # The granting job: winners not honoured yet.
            models.Index(fields=["quiz"], condition=Q(honoured_at__isnull=True), name="quiz_winner_to_honour"),
        ]

    def __str__(self):
        return f"{self.rank}. {self.fan_id} @ {self.quiz_id}"

    @property
    def seconds_taken(self) -> float:
        return self.time_taken_ms / 1000

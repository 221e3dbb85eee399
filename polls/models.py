"""Polls in idea threads: a product managers' question, its answers and the fans' ballots (polls.polling)."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ideas.models import Idea

QUESTION_MAX = 200
OPTION_MAX = 120
OPTIONS_MIN, OPTIONS_MAX = 2, 10


class Poll(models.Model):
    """A product managers' question in a thread ("Which of these should go into next Friday's build?").

    One ballot per fan (``Ballot``); ``closed_at`` is set once, by the claim
    that closes the poll, and from then on no ballot is taken and the option
    counts are frozen.
    """

    class Choice(models.TextChoices):
        SINGLE = "single", _("One answer")
        MULTIPLE = "multiple", _("Several answers")

    class Results(models.TextChoices):
        LIVE = "live", _("Shown while the poll is open")
        AFTER_CLOSE = "after_close", _("Hidden until the poll closes")

    thread = models.ForeignKey("forum.Thread", verbose_name=_("thread"), on_delete=models.CASCADE, related_name="polls")
    question = models.CharField(_("question"), max_length=QUESTION_MAX)
    choice = models.CharField(_("answers"), max_length=10, choices=Choice.choices, default=Choice.SINGLE)
    results = models.CharField(_("results"), max_length=12, choices=Results.choices, default=Results.AFTER_CLOSE)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("opened by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("opened"), default=timezone.now)
    closes_at = models.DateTimeField(_("closes"))
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    ballot_count = models.PositiveIntegerField(_("ballots"), default=0)
    # The reply that announced the result in the thread.
    result_post = models.OneToOneField(
        "forum.Post", verbose_name=_("result post"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("poll")
        verbose_name_plural = _("polls")
        constraints = [
            models.CheckConstraint(condition=Q(closes_at__gt=F("created_at")), name="voting_poll_closes_later"),
        ]
        indexes = [
            # The minute's tick: open polls whose time is up.
            models.Index(fields=["closes_at"], condition=Q(closed_at__isnull=True), name="voting_poll_due"),
            models.Index(fields=["thread", "created_at"], name="voting_poll_thread"),
        ]

    def __str__(self):
        return self.question

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None


class PollOption(models.Model):
    poll = models.ForeignKey(Poll, verbose_name=_("poll"), on_delete=models.CASCADE, related_name="options")
    position = models.PositiveSmallIntegerField(_("position"))
    label = models.CharField(_("answer"), max_length=OPTION_MAX)
    # A candidate feature: the option stands for this idea.
    idea = models.ForeignKey(
        Idea, verbose_name=_("idea"), null=True, blank=True, on_delete=models.PROTECT, related_name="poll_options"
    )
    vote_count = models.PositiveIntegerField(_("votes"), default=0)

    class Meta:
        verbose_name = _("poll answer")
        verbose_name_plural = _("poll answers")
        ordering = ["poll", "position"]
        constraints = [models.UniqueConstraint(fields=["poll", "position"], name="voting_option_position")]

    def __str__(self):
        return self.label


class Ballot(models.Model):
    poll = models.ForeignKey(Poll, verbose_name=_("poll"), on_delete=models.CASCADE, related_name="ballots")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="ballots"
    )
    created_at = models.DateTimeField(_("cast"), default=timezone.now)

    class Meta:
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")
        constraints = [models.UniqueConstraint(fields=["poll", "user"], name="voting_one_ballot_per_fan")]

    def __str__(self):
        return f"{self.user_id} @ {self.poll_id}"


class BallotChoice(models.Model):
    ballot = models.ForeignKey(Ballot, verbose_name=_("ballot"), on_delete=models.CASCADE, related_name="choices")
    option = models.ForeignKey(PollOption, verbose_name=_("answer"), on_delete=models.CASCADE, related_name="choices")

    class Meta:
        verbose_name = _("ballot answer")
        verbose_name_plural = _("ballot answers")
        constraints = [models.UniqueConstraint(fields=["ballot", "option"], name="voting_answer_once_per_ballot")]
        indexes = [models.Index(fields=["option"], name="voting_choice_option")]

    def __str__(self):
        return f"{self.ballot_id} → {self.option_id}"

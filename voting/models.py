"""Ideas: a forum thread in an ideas board, with a product, a feature area, a status and votes.

The status moves new → under review → planned → in build → shipped, or to
declined or duplicate; each move is a conditional UPDATE in ``voting.statuses``
and leaves a public ``StatusChange``. ``vote_count`` is a cache of the
``IdeaVote`` rows (``voting.ideavoting.recount_votes`` rebuilds it).
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _, pgettext_lazy

NOTE_MAX = 500


class Idea(models.Model):
    class Status(models.TextChoices):
        NEW = "new", pgettext_lazy("idea status", "New")
        UNDER_REVIEW = "under_review", _("Under review")
        PLANNED = "planned", _("Planned")
        IN_BUILD = "in_build", _("In build")
        SHIPPED = "shipped", _("Shipped")
        DECLINED = "declined", _("Declined")
        DUPLICATE = "duplicate", _("Duplicate")

    thread = models.OneToOneField("forum.Thread", verbose_name=_("thread"), on_delete=models.PROTECT,
                                  related_name="idea")
    product = models.ForeignKey("releases.Product", verbose_name=_("product"), on_delete=models.PROTECT,
                                related_name="ideas")
    # Of the same product: checked by voting.ideas.propose_idea (a check
    # constraint cannot look at another table).
    area = models.ForeignKey("releases.FeatureArea", verbose_name=_("feature area"), on_delete=models.PROTECT,
                             related_name="ideas")
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.NEW)
    vote_count = models.PositiveIntegerField(_("votes"), default=0)
    # Recent votes, each worth less as it ages (voting.trending says how); 0
    # when the idea had no vote in the trending window.
    trending_score = models.FloatField(_("trending score"), default=0.0)
    # How many distinct terms the title has (voting.similar): the size of its
    # set when comparing titles.
    term_count = models.PositiveSmallIntegerField(_("title terms"), default=0)
    target_release = models.ForeignKey(
        "releases.Release", verbose_name=_("target release"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="planned_ideas",
    )
    changelog_item = models.ForeignKey(
        "releases.ChangelogItem", verbose_name=_("changelog item"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="ideas",
    )
    merged_into = models.ForeignKey("self", verbose_name=_("merged into"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="duplicates")
    status_note = models.CharField(_("status note"), max_length=NOTE_MAX, blank=True)
    status_changed_at = models.DateTimeField(_("status changed"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("idea")
        verbose_name_plural = _("ideas")
        constraints = [
            models.CheckConstraint(
                condition=(Q(status="duplicate") & Q(merged_into__isnull=False))
                | (~Q(status="duplicate") & Q(merged_into__isnull=True)),
                name="voting_idea_duplicate_iff_merged",
            ),
            models.CheckConstraint(condition=~Q(merged_into=F("pk")), name="voting_idea_not_merged_into_itself"),
            models.CheckConstraint(condition=~Q(status="planned") | Q(target_release__isnull=False),
                                   name="voting_idea_planned_has_release"),
            models.CheckConstraint(
                condition=~Q(status__in=["in_build", "shipped"]) | Q(changelog_item__isnull=False),
                name="voting_idea_in_build_has_item",
            ),
            models.CheckConstraint(condition=~Q(status="declined") | ~Q(status_note=""),
                                   name="voting_idea_declined_has_note"),
        ]
        indexes = [
            # The "top" list of a product: most votes first.
            models.Index(fields=["product", "-vote_count", "-id"], name="voting_idea_top"),
            # The "trending" list of a product.
            models.Index(fields=["product", "-trending_score", "-id"], name="voting_idea_trending"),
            # The "new" list of a product: newest first.
            models.Index(fields=["product", "-created_at", "-id"], name="voting_idea_new"),
            # ship_released_ideas, every minute: ideas in build, by changelog item.
            models.Index(fields=["changelog_item"], condition=Q(status="in_build"), name="voting_idea_in_build"),
        ]

    def __str__(self):
        return str(self.thread.title) if self.thread_id else f"Idea {self.pk}"

    def get_absolute_url(self):
        return self.thread.get_absolute_url()

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED


# Nobody votes on these, and their status changes no more by hand.
CLOSED = frozenset({Idea.Status.SHIPPED, Idea.Status.DECLINED, Idea.Status.DUPLICATE})
OPEN = [status for status in Idea.Status if status not in CLOSED]


class IdeaVote(models.Model):
    idea = models.ForeignKey(Idea, verbose_name=_("idea"), on_delete=models.CASCADE, related_name="votes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE,
                             related_name="idea_votes")
    created_at = models.DateTimeField(_("voted"), default=timezone.now)

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        constraints = [models.UniqueConstraint(fields=["idea", "user"], name="voting_one_vote_per_fan")]
        # The unique index (idea, user) also serves the status fan-out's walk
        # over an idea's voters in user id order.
        indexes = [
            # "Trending": votes of an idea in the last days.
            models.Index(fields=["idea", "created_at"], name="voting_vote_recent"),
        ]

    def __str__(self):
        return f"{self.user_id} → {self.idea_id}"


class StatusChange(models.Model):
    """The public history of an idea's status. ``by`` is empty for changes Canyu made itself (shipped)."""

    idea = models.ForeignKey(Idea, verbose_name=_("idea"), on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(_("from"), max_length=20, choices=Idea.Status.choices)
    to_status = models.CharField(_("to"), max_length=20, choices=Idea.Status.choices)
    note = models.CharField(_("note"), max_length=NOTE_MAX, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, blank=True,
                           on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["at", "id"]
        indexes = [
            # An idea's history, in order.
            models.Index(fields=["idea", "at"], name="voting_status_history"),
        ]

    def __str__(self):
        return f"{self.idea_id}: {self.from_status} → {self.to_status}"


class IdeaTerm(models.Model):
    """A word (or, in Chinese, a pair of characters) of an idea's title: similar titles share terms.
    Written by voting.similar whenever the title is set."""

    idea = models.ForeignKey(Idea, verbose_name=_("idea"), on_delete=models.CASCADE, related_name="terms")
    term = models.CharField(_("term"), max_length=40)

    class Meta:
        verbose_name = _("title term")
        verbose_name_plural = _("title terms")
        constraints = [models.UniqueConstraint(fields=["idea", "term"], name="voting_one_term_per_idea")]
        indexes = [models.Index(fields=["term", "idea"], name="voting_term_lookup")]

    def __str__(self):
        return self.term


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

    thread = models.ForeignKey("forum.Thread", verbose_name=_("thread"), on_delete=models.CASCADE,
                               related_name="polls")
    question = models.CharField(_("question"), max_length=QUESTION_MAX)
    choice = models.CharField(_("answers"), max_length=10, choices=Choice.choices, default=Choice.SINGLE)
    results = models.CharField(_("results"), max_length=12, choices=Results.choices, default=Results.AFTER_CLOSE)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("opened by"), null=True,
                                  on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("opened"), default=timezone.now)
    closes_at = models.DateTimeField(_("closes"))
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    ballot_count = models.PositiveIntegerField(_("ballots"), default=0)
    # The reply that announced the result in the thread.
    result_post = models.OneToOneField("forum.Post", verbose_name=_("result post"), null=True, blank=True,
                                       on_delete=models.SET_NULL, related_name="+")

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
    idea = models.ForeignKey(Idea, verbose_name=_("idea"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="poll_options")
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
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE,
                             related_name="ballots")
    created_at = models.DateTimeField(_("cast"), default=timezone.now)

    class Meta:
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")
        constraints = [models.UniqueConstraint(fields=["poll", "user"], name="voting_one_ballot_per_fan")]

    def __str__(self):
        return f"{self.user_id} @ {self.poll_id}"


class BallotChoice(models.Model):
    ballot = models.ForeignKey(Ballot, verbose_name=_("ballot"), on_delete=models.CASCADE, related_name="choices")
    option = models.ForeignKey(PollOption, verbose_name=_("answer"), on_delete=models.CASCADE,
                               related_name="choices")

    class Meta:
        verbose_name = _("ballot answer")
        verbose_name_plural = _("ballot answers")
        constraints = [models.UniqueConstraint(fields=["ballot", "option"], name="voting_answer_once_per_ballot")]
        indexes = [models.Index(fields=["option"], name="voting_choice_option")]

    def __str__(self):
        return f"{self.ballot_id} → {self.option_id}"

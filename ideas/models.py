"""Ideas: a forum thread in an ideas board, with a product, a feature area, a status and votes.

The status moves new → under review → planned → in build → shipped, or to
declined or duplicate; each move is a conditional UPDATE in ``ideas.statuses``
and leaves a public ``StatusChange``. ``vote_count`` is a cache of the
``IdeaVote`` rows (``ideas.voting.recount_votes`` rebuilds it).
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

    thread = models.OneToOneField(
        "forum.Thread", verbose_name=_("thread"), on_delete=models.PROTECT, related_name="idea"
    )
    product = models.ForeignKey(
        "releases.Product", verbose_name=_("product"), on_delete=models.PROTECT, related_name="ideas"
    )
    # Of the same product: checked by ideas.proposing.propose_idea (a check
    # constraint cannot look at another table).
    area = models.ForeignKey(
        "releases.FeatureArea", verbose_name=_("feature area"), on_delete=models.PROTECT, related_name="ideas"
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.NEW)
    vote_count = models.PositiveIntegerField(_("votes"), default=0)
    # Fans who named it "the feature I am waiting for" in the four-cell report:
    # a cache of the frozen IdeaTally rows (feedback.tally.recount_anticipation rebuilds it).
    anticipation_count = models.PositiveIntegerField(_("anticipation picks"), default=0)
    # Recent votes, each worth less as it ages (ideas.trending says how); 0
    # when the idea had no vote in the trending window.
    trending_score = models.FloatField(_("trending score"), default=0.0)
    # How many distinct terms the title has (ideas.similar): the size of its
    # set when comparing titles.
    term_count = models.PositiveSmallIntegerField(_("title terms"), default=0)
    target_release = models.ForeignKey(
        "releases.Release",
        verbose_name=_("target release"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="planned_ideas",
    )
    changelog_item = models.ForeignKey(
        "releases.ChangelogItem",
        verbose_name=_("changelog item"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ideas",
    )
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="duplicates",
    )
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
            models.CheckConstraint(
                condition=~Q(status="planned") | Q(target_release__isnull=False), name="voting_idea_planned_has_release"
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["in_build", "shipped"]) | Q(changelog_item__isnull=False),
                name="voting_idea_in_build_has_item",
            ),
            models.CheckConstraint(
                condition=~Q(status="declined") | ~Q(status_note=""), name="voting_idea_declined_has_note"
            ),
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
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="idea_votes"
    )
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
            # The daily cap on votes: a fan's votes of the last 24 hours (forum.ratelimits).
            models.Index(fields=["user", "created_at"], name="voting_vote_user_recent"),
        ]

    def __str__(self):
        return f"{self.user_id} → {self.idea_id}"


class StatusChange(models.Model):
    """The public history of an idea's status. ``by`` is empty for changes Canyu made itself (shipped)."""

    idea = models.ForeignKey(Idea, verbose_name=_("idea"), on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(_("from"), max_length=20, choices=Idea.Status.choices)
    to_status = models.CharField(_("to"), max_length=20, choices=Idea.Status.choices)
    note = models.CharField(_("note"), max_length=NOTE_MAX, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
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
        # Shown in the admin's idea page: the statuses by their names in the reader's language.
        return f"{self.idea_id}: {self.get_from_status_display()} → {self.get_to_status_display()}"


class IdeaTerm(models.Model):
    """A word (or, in Chinese, a pair of characters) of an idea's title: similar titles share terms.
    Written by ideas.similar whenever the title is set."""

    idea = models.ForeignKey(Idea, verbose_name=_("idea"), on_delete=models.CASCADE, related_name="terms")
    term = models.CharField(_("term"), max_length=40)

    class Meta:
        verbose_name = _("title term")
        verbose_name_plural = _("title terms")
        constraints = [models.UniqueConstraint(fields=["idea", "term"], name="voting_one_term_per_idea")]
        indexes = [models.Index(fields=["term", "idea"], name="voting_term_lookup")]

    def __str__(self):
        return self.term

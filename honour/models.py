"""Points, standings and medals: the ledger is the truth, the standing is its counter.

``PointEntry`` rows say who earned how many points, for what and from whom;
``Standing.points`` is their sum, moved with F() in the same transaction as
each row (honour.points) and rebuilt by ``honour.points.recount_standings``.
"""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Standing(models.Model):
    """A person's total points and level (a counter of their PointEntry rows, and what it makes them)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="standing",
    )
    points = models.IntegerField(_("points"), default=0)
    # honour.levels.level_of(points, account age): rewritten whenever points move and by the nightly recount.
    level = models.PositiveSmallIntegerField(_("level"), default=1)
    # The medals the person shows beside their name, one per line "slug<TAB>picture<TAB>name"
    # (honour.medals.shown_medals reads it): copied here when chosen, so that pages reading an author
    # read them in the same join as the level.
    shown_medals = models.TextField(_("medals shown"), blank=True, default="")

    class Meta:
        verbose_name = _("standing")
        verbose_name_plural = _("standings")
        constraints = [models.CheckConstraint(condition=Q(level__gte=1), name="honour_standing_level_positive")]

    def __str__(self):
        return f"{self.user_id}: {self.points}"


class PointEntry(models.Model):
    """Points given to ``user`` once for one cause (a like of a post, a vote for an idea, ...).

    ``giver`` is whose act it was (the liker, the voter), None for points from taking part
    (a report, a ballot) or from the product (an idea shipped). ``amount`` is 0 when the
    points were withheld (``withheld``: the daily cap was full, or serial voting).
    """

    class Kind(models.TextChoices):
        LIKED = "liked", _("Post liked")
        IDEA_VOTED = "idea_voted", _("Idea voted for")
        IDEA_SHIPPED = "idea_shipped", _("Idea shipped")
        REPORT_FILED = "report_filed", _("Four-cell report filed")
        BALLOT_CAST = "ballot_cast", _("Poll answered")
        QUIZ_WON = "quiz_won", _("Quiz won")
        GUESSED_RIGHT = "guessed_right", _("Product guessed right")

    class Withheld(models.TextChoices):
        NO = "", _("Counted")
        CAP = "cap", _("Daily cap reached")
        SERIAL = "serial", _("Serial voting")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="point_entries"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    amount = models.IntegerField(_("points"))
    withheld = models.CharField(_("withheld"), max_length=10, choices=Withheld.choices, default="", blank=True)
    cause_type = models.ForeignKey(ContentType, verbose_name=_("cause type"), on_delete=models.CASCADE)
    cause_id = models.PositiveBigIntegerField(_("cause"))
    giver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("given by"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("earned"), default=timezone.now)
    # The giver's and the receiver's accounts were made from one address (accounts.networks): flagged
    # for moderators, not withheld (many fans share an address behind a carrier's NAT).
    same_network = models.BooleanField(_("from one address"), default=False)

    class Meta:
        verbose_name = _("point entry")
        verbose_name_plural = _("point entries")
        constraints = [
            # One cause gives its points once: per giver (a like, a vote) or once at all (a report, a ballot).
            models.UniqueConstraint(
                fields=["kind", "cause_type", "cause_id", "user", "giver"],
                condition=Q(giver__isnull=False),
                name="honour_once_per_cause_and_giver",
            ),
            models.UniqueConstraint(
                fields=["kind", "cause_type", "cause_id", "user"],
                condition=Q(giver__isnull=True),
                name="honour_once_per_cause",
            ),
            models.CheckConstraint(condition=~Q(giver=models.F("user")), name="honour_no_points_from_oneself"),
        ]
        indexes = [
            # The daily cap of a kind (honour.points) and a person's points this week / month / season.
            models.Index(fields=["user", "kind", "created_at"], name="honour_entry_user_kind_time"),
            # The leaderboards: every entry of a period, summed by user.
            models.Index(fields=["created_at", "user"], name="honour_entry_time_user"),
            # Serial voting: one giver's entries for one receiver in the last hour.
            models.Index(fields=["giver", "user", "created_at"], name="honour_entry_giver_recent"),
        ]

    def __str__(self):
        return f"{self.user_id} {self.get_kind_display()} {self.amount:+d}"


class PeriodTotal(models.Model):
    """A person's points earned in one week, month or season (Asia/Shanghai calendar): the leaderboards'
    counter, moved with F() beside each PointEntry (honour.points) and rebuilt by its recount.

    ``period`` is "w2026-11-30" (the Monday), "m2026-12" or "s2026Q4"."""

    period = models.CharField(_("period"), max_length=12)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="+"
    )
    points = models.IntegerField(_("points"), default=0)

    class Meta:
        verbose_name = _("points of a period")
        verbose_name_plural = _("points of periods")
        constraints = [models.UniqueConstraint(fields=["period", "user"], name="honour_one_total_per_period")]
        indexes = [
            # A leaderboard page: a period's people, most points first, read in index order.
            models.Index(fields=["period", "-points", "user"], name="honour_total_board"),
        ]

    def __str__(self):
        return f"{self.period} {self.user_id}: {self.points}"


class DayTotal(models.Model):
    """A person's points of one kind earned on one Asia/Shanghai day: the daily cap's counter, moved with
    F() beside each PointEntry under the receiver's standing lock (honour.points) and rebuilt for the
    current day by its recount, which also deletes earlier days (the cap reads only today's)."""

    day = models.DateField(_("day"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=PointEntry.Kind.choices)
    points = models.IntegerField(_("points"), default=0)

    class Meta:
        verbose_name = _("points of a day")
        verbose_name_plural = _("points of days")
        constraints = [
            # Its index serves the cap's single-row read (day, user, kind) and the recount's day range.
            models.UniqueConstraint(fields=["day", "user", "kind"], name="honour_one_total_per_day_and_kind"),
        ]

    def __str__(self):
        return f"{self.day} {self.user_id} {self.kind}: {self.points}"


class Medal(models.Model):
    """A medal staff define: granted automatically by a built-in rule, or by hand."""

    class Rule(models.TextChoices):
        BY_HAND = "", _("Granted by hand")
        FIRST_POST = "first_post", _("First post")
        FIRST_IDEA_SHIPPED = "first_idea_shipped", _("First idea shipped")
        TEN_REPORTS = "ten_reports", _("Ten four-cell reports")
        REPORT_STREAK = "report_streak", _("Reported several weeks running")
        POPCORN_WINNER = "popcorn_winner", _("Popcorn Award winner")
        QUIZ_WINNER = "quiz_winner", _("Quiz winner")
        FEEDBACK_FIXED = "feedback_fixed", _("Your feedback was fixed")

    name = models.CharField(_("name"), max_length=60)
    slug = models.SlugField(_("address"), max_length=60, unique=True)
    description = models.CharField(_("description"), max_length=300, blank=True)
    picture = models.ImageField(_("picture"), upload_to="medals/", blank=True)
    rule = models.CharField(_("rule"), max_length=30, choices=Rule.choices, default="", blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("medal")
        verbose_name_plural = _("medals")
        ordering = ["name"]
        constraints = [
            # One medal per automatic rule: the job grants "the" first-post medal.
            models.UniqueConstraint(fields=["rule"], condition=~Q(rule=""), name="honour_one_medal_per_rule"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("honour:medal", args=[self.slug])


class MedalAward(models.Model):
    """``user`` holds ``medal``: once (the constraint), shown beside their name when ``shown``."""

    medal = models.ForeignKey(Medal, verbose_name=_("medal"), on_delete=models.CASCADE, related_name="awards")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="medal_awards"
    )
    awarded_at = models.DateTimeField(_("awarded"), default=timezone.now)
    shown = models.BooleanField(_("shown beside the name"), default=False)

    class Meta:
        verbose_name = _("medal award")
        verbose_name_plural = _("medal awards")
        constraints = [models.UniqueConstraint(fields=["medal", "user"], name="honour_one_award_per_medal")]
        indexes = [
            # A medal's page: its holders, newest first.
            models.Index(fields=["medal", "-awarded_at", "-id"], name="honour_award_medal_recent"),
        ]

    def __str__(self):
        return f"{self.medal_id} → {self.user_id}"

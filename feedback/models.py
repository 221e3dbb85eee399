"""The four-cell report and the Popcorn Award (feedback.reports, feedback.tally, feedback.awards)."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _, pgettext_lazy

from ideas.models import Idea

WHY_MAX = 140
# Ideas a fan may name in a report as the feature they are waiting for: the upcoming ones.
AWAITABLE = [Idea.Status.UNDER_REVIEW, Idea.Status.PLANNED]


class Report(models.Model):
    """A fan's four-cell report (四格体验报告) on one release: one per fan, editable while the window is open.

    ``device`` and ``level`` are the fan's phone model and level (honour.levels)
    as they were when the report was last saved: the summaries split by them.
    That the items belong to the release and the idea to its product is checked
    by feedback.reports.submit_report (a check constraint cannot look at another table).
    """

    class Mood(models.TextChoices):
        HAPPY = "happy", _("Happy")
        SAD = "sad", _("Sad")
        LOVE_IT = "love_it", _("Love it")
        LOOKING_FORWARD = "looking_forward", _("Looking forward")

    release = models.ForeignKey(
        "releases.Release", verbose_name=_("release"), on_delete=models.CASCADE, related_name="reports"
    )
    fan = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("fan"), on_delete=models.CASCADE, related_name="reports"
    )
    mood = models.CharField(_("my mood about this update"), max_length=20, choices=Mood.choices)
    # RESTRICT: an item (or idea) named in a report is not deleted on its own,
    # but goes with its release when the whole release is deleted.
    loved = models.ForeignKey(
        "releases.ChangelogItem",
        verbose_name=_("the update I love most"),
        on_delete=models.RESTRICT,
        related_name="loved_in_reports",
    )
    weakest = models.ForeignKey(
        "releases.ChangelogItem",
        verbose_name=_("the weakest update"),
        on_delete=models.RESTRICT,
        related_name="weakest_in_reports",
    )
    awaited = models.ForeignKey(
        Idea,
        verbose_name=_("the feature I am waiting for"),
        on_delete=models.RESTRICT,
        related_name="awaited_in_reports",
    )
    why_mood = models.CharField(_("why (mood)"), max_length=WHY_MAX, blank=True)
    why_loved = models.CharField(_("why (loved most)"), max_length=WHY_MAX, blank=True)
    why_weakest = models.CharField(_("why (weakest)"), max_length=WHY_MAX, blank=True)
    why_awaited = models.CharField(_("why (waiting for)"), max_length=WHY_MAX, blank=True)
    device = models.CharField(_("device model"), max_length=60, blank=True)
    level = models.PositiveSmallIntegerField(_("level"))
    created_at = models.DateTimeField(_("reported"), default=timezone.now)
    updated_at = models.DateTimeField(_("changed"), default=timezone.now)

    class Meta:
        # Not the forum's abuse report (举报): the weekly four-cell report (体验报告).
        verbose_name = pgettext_lazy("four-cell report", "report")
        verbose_name_plural = pgettext_lazy("four-cell report", "reports")
        indexes = [
            # The summaries' comments, newest first, a page at a time (feedback.summaries).
            models.Index(fields=["release", "-id"], name="voting_report_newest"),
            # A fan's reports, newest first, a page at a time (their profile, community.profiles).
            models.Index(fields=["fan", "created_at"], name="voting_report_fan_recent"),
        ]
        constraints = [
            # Its index (release, fan) also serves the tally's scan of a release's reports.
            models.UniqueConstraint(fields=["release", "fan"], name="voting_one_report_per_fan"),
            models.CheckConstraint(condition=~Q(loved=F("weakest")), name="voting_loved_is_not_weakest"),
            models.CheckConstraint(
                condition=Q(mood__in=["happy", "sad", "love_it", "looking_forward"]), name="voting_report_mood_known"
            ),
            models.CheckConstraint(condition=Q(level__gte=1), name="voting_report_level_positive"),
        ]

    def __str__(self):
        return f"{self.fan_id} @ {self.release_id}"


class ReleaseTally(models.Model):
    """One release's four-cell reporting: its window and, once frozen, its result.

    Made when the window opens (feedback.reports.open_window), from the
    release's report_opens_at / report_closes_at or the default. Submissions
    hold this row FOR SHARE while they write; the freeze claims it with a
    conditional UPDATE of ``frozen_at``, which waits for them: no report is
    written after the result is taken. ``report_count`` and the award are
    written once, by that claim (feedback.tally.freeze_release).
    """

    release = models.OneToOneField(
        "releases.Release", verbose_name=_("release"), on_delete=models.CASCADE, primary_key=True, related_name="tally"
    )
    opens_at = models.DateTimeField(_("reports open"))
    # The first instant the window is closed: by default Wednesday 00:00 Beijing time, the end of Tuesday.
    closes_at = models.DateTimeField(_("reports close"))
    # The morning of the window's last day (Tuesday 10:00 Beijing time by default).
    remind_at = models.DateTimeField(_("reminder time"))
    invited_at = models.DateTimeField(_("voters of shipped ideas invited"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminder claimed"), null=True, blank=True)
    reminders_sent_at = models.DateTimeField(_("reminders sent"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    frozen_at = models.DateTimeField(_("result frozen"), null=True, blank=True)
    report_count = models.PositiveIntegerField(pgettext_lazy("four-cell report", "reports"), default=0)
    # Fans active since the window opened (accounts.activity), counted by the freeze: the summaries'
    # participation is report_count over it. Null until frozen.
    active_fans = models.PositiveIntegerField(_("active fans"), null=True, blank=True)
    # The minimum the award needed when the result was frozen (VOTING_AWARD_MIN_REPORTS then).
    min_reports = models.PositiveIntegerField(_("minimum reports for the award"), default=0)
    awarded_item = models.ForeignKey(
        "releases.ChangelogItem",
        verbose_name=_("Popcorn Award"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    result_post = models.OneToOneField(
        "forum.Post", verbose_name=_("result post"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("release tally")
        verbose_name_plural = _("release tallies")
        constraints = [
            models.CheckConstraint(condition=Q(closes_at__gt=F("opens_at")), name="voting_tally_closes_after_opening"),
            models.CheckConstraint(
                condition=Q(frozen_at__isnull=False) | Q(awarded_item__isnull=True),
                name="voting_tally_award_only_when_frozen",
            ),
        ]
        indexes = [
            # The freeze tick: windows not frozen whose time is up.
            models.Index(fields=["closes_at"], condition=Q(frozen_at__isnull=True), name="voting_tally_due"),
            # The reminder tick: reminders not yet claimed whose time has come.
            models.Index(fields=["remind_at"], condition=Q(reminded_at__isnull=True), name="voting_tally_remind"),
            # The awards pages: frozen results, newest first.
            models.Index(fields=["-frozen_at"], condition=Q(frozen_at__isnull=False), name="voting_tally_frozen"),
        ]

    def __str__(self):
        return str(self.release_id)

    @property
    def is_frozen(self) -> bool:
        return self.frozen_at is not None

    def is_open(self, now) -> bool:
        return self.frozen_at is None and self.opens_at <= now < self.closes_at


class ItemTally(models.Model):
    """A changelog item's frozen result: favourite (loved) and weakest picks, net, score, rank (1 is the top)."""

    release = models.ForeignKey(
        "releases.Release", verbose_name=_("release"), on_delete=models.CASCADE, related_name="item_tallies"
    )
    item = models.OneToOneField(
        "releases.ChangelogItem", verbose_name=_("changelog item"), on_delete=models.CASCADE, related_name="tally"
    )
    # The item's title when frozen: the result reads the same whatever is edited later.
    title = models.CharField(_("title"), max_length=120)
    loved = models.PositiveIntegerField(_("favourite picks"))
    weakest = models.PositiveIntegerField(_("weakest picks"))
    net = models.IntegerField(_("net"))
    score = models.FloatField(_("score"))
    rank = models.PositiveSmallIntegerField(_("rank"))

    class Meta:
        verbose_name = _("item tally")
        verbose_name_plural = _("item tallies")
        ordering = ["release", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["release", "rank"], name="voting_item_rank_unique"),
            models.CheckConstraint(condition=Q(net=F("loved") - F("weakest")), name="voting_item_net"),
        ]

    def __str__(self):
        return f"{self.rank}. {self.title}"


class MoodTally(models.Model):
    """How many reports of a release chose this mood (every mood has a row, 0 included)."""

    release = models.ForeignKey(
        "releases.Release", verbose_name=_("release"), on_delete=models.CASCADE, related_name="mood_tallies"
    )
    mood = models.CharField(_("mood"), max_length=20, choices=Report.Mood.choices)
    count = models.PositiveIntegerField(pgettext_lazy("four-cell report", "reports"))

    class Meta:
        verbose_name = _("mood tally")
        verbose_name_plural = _("mood tallies")
        constraints = [models.UniqueConstraint(fields=["release", "mood"], name="voting_mood_tally_unique")]

    def __str__(self):
        return f"{self.mood}: {self.count}"


class IdeaTally(models.Model):
    """How many reports of a release named this idea as the feature they are waiting for (only ideas named)."""

    release = models.ForeignKey(
        "releases.Release", verbose_name=_("release"), on_delete=models.CASCADE, related_name="idea_tallies"
    )
    idea = models.ForeignKey(Idea, verbose_name=_("idea"), on_delete=models.CASCADE, related_name="tallies")
    picks = models.PositiveIntegerField(_("anticipation picks"))

    class Meta:
        verbose_name = _("idea tally")
        verbose_name_plural = _("idea tallies")
        ordering = ["release", "-picks", "idea"]
        constraints = [models.UniqueConstraint(fields=["release", "idea"], name="voting_idea_tally_unique")]

    def __str__(self):
        return f"{self.idea_id}: {self.picks}"


class SegmentTally(models.Model):
    """One count of the frozen result within a group of reporters: e.g. the reports from
    Xiaomi 14 owners (by=device, segment="Xiaomi 14") that loved item 12 (cell=loved, item=12).

    Exactly one of mood / item / idea is set, as ``cell`` says. A segment's
    number of reports is the sum of its mood counts (every report has one mood).
    Only non-zero counts have a row.
    """

    class By(models.TextChoices):
        DEVICE = "device", _("Device model")
        LEVEL = "level", _("Level")

    class Cell(models.TextChoices):
        MOOD = "mood", _("Mood")
        LOVED = "loved", _("Loved most")
        WEAKEST = "weakest", _("Weakest")
        AWAITED = "awaited", _("Waiting for")

    release = models.ForeignKey(
        "releases.Release", verbose_name=_("release"), on_delete=models.CASCADE, related_name="segment_tallies"
    )
    by = models.CharField(_("split by"), max_length=10, choices=By.choices)
    # The device model as the fan wrote it on their profile ("" when they did not), or the level as text ("3").
    segment = models.CharField(_("segment"), max_length=60, blank=True)
    cell = models.CharField(_("cell"), max_length=10, choices=Cell.choices)
    mood = models.CharField(_("mood"), max_length=20, choices=Report.Mood.choices, blank=True)
    item = models.ForeignKey(
        "releases.ChangelogItem",
        verbose_name=_("changelog item"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    idea = models.ForeignKey(
        Idea, verbose_name=_("idea"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    count = models.PositiveIntegerField(pgettext_lazy("four-cell report", "reports"))

    class Meta:
        verbose_name = _("segment tally")
        verbose_name_plural = _("segment tallies")
        constraints = [
            models.CheckConstraint(
                condition=(Q(cell="mood") & ~Q(mood="") & Q(item__isnull=True) & Q(idea__isnull=True))
                | (Q(cell__in=["loved", "weakest"]) & Q(mood="") & Q(item__isnull=False) & Q(idea__isnull=True))
                | (Q(cell="awaited") & Q(mood="") & Q(item__isnull=True) & Q(idea__isnull=False)),
                name="voting_segment_one_choice",
            ),
        ]
        indexes = [
            # The summary page: a release's splits, one dimension and cell at a time.
            models.Index(fields=["release", "by", "cell"], name="voting_segment_lookup"),
        ]

    def __str__(self):
        return f"{self.by}={self.segment} {self.cell}: {self.count}"


class Award(models.Model):
    """The Popcorn Award of one release, to one engineer of its top item. Written once, by the freeze."""

    release = models.ForeignKey(
        "releases.Release", verbose_name=_("release"), on_delete=models.CASCADE, related_name="awards"
    )
    item = models.ForeignKey(
        "releases.ChangelogItem", verbose_name=_("changelog item"), on_delete=models.CASCADE, related_name="awards"
    )
    engineer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("engineer"), on_delete=models.CASCADE, related_name="popcorn_awards"
    )
    # The quarter of the release's publication in Beijing time, e.g. "2026Q4": the season table groups by it.
    season = models.CharField(_("season"), max_length=6)
    score = models.FloatField(_("score"))
    granted_at = models.DateTimeField(_("granted"), default=timezone.now)

    class Meta:
        verbose_name = _("Popcorn Award")
        verbose_name_plural = _("Popcorn Awards")
        ordering = ["-granted_at", "id"]
        constraints = [models.UniqueConstraint(fields=["release", "engineer"], name="voting_award_once_per_engineer")]
        indexes = [
            # The season table: the awards of a quarter, by engineer.
            models.Index(fields=["season", "engineer"], name="voting_award_season"),
        ]

    def __str__(self):
        return f"{self.engineer_id} · {self.release_id}"

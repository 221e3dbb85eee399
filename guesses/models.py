"""Guess the product: staff post a teaser whose clues are revealed at set times, fans guess among its
choices (one guess each, changeable until the close), and the answer is revealed once
(guesses.guessing, guesses.revealing)."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

TITLE_MAX = 120
CLUE_MAX = 300
CHOICE_MAX = 120
CHOICES_MIN, CHOICES_MAX = 2, 10


class Teaser(models.Model):
    """A teaser open from ``opens_at`` to ``closes_at``. ``state`` moves once, OPEN → REVEALED, by the
    conditional UPDATE of the reveal, which also freezes ``guess_count`` and ``right_count``."""

    class State(models.TextChoices):
        OPEN = "open", _("Open or upcoming")
        REVEALED = "revealed", _("Answer revealed")

    title = models.CharField(_("title"), max_length=TITLE_MAX)
    description = models.TextField(_("description"), blank=True)
    thread = models.ForeignKey(
        "forum.Thread", verbose_name=_("thread"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Only published teasers are listed and take guesses; publishing checks the clues and choices (guesses.admin).
    published = models.BooleanField(_("published"), default=False)
    opens_at = models.DateTimeField(_("opens"))
    closes_at = models.DateTimeField(_("closes"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.OPEN)
    revealed_at = models.DateTimeField(_("revealed"), null=True, blank=True)
    # Frozen by the reveal, from the rows.
    guess_count = models.PositiveIntegerField(_("guesses"), default=0)
    right_count = models.PositiveIntegerField(_("right guesses"), default=0)
    result_post = models.OneToOneField(
        "forum.Post", verbose_name=_("result post"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("teaser")
        verbose_name_plural = _("teasers")
        constraints = [
            models.CheckConstraint(condition=Q(closes_at__gt=F("opens_at")), name="guesses_closes_after_opening"),
            models.CheckConstraint(
                condition=Q(state="open", revealed_at__isnull=True) | Q(state="revealed", revealed_at__isnull=False),
                name="guesses_revealed_has_time",
            ),
            models.CheckConstraint(condition=Q(right_count__lte=F("guess_count")), name="guesses_right_within_all"),
        ]
        indexes = [
            # The minute's tick: open teasers whose closing time has passed.
            models.Index(fields=["closes_at"], condition=Q(state="open"), name="guesses_due"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("guesses:detail", args=[self.pk])

    @property
    def is_revealed(self) -> bool:
        return self.state == self.State.REVEALED


class Clue(models.Model):
    """A clue shown from ``reveal_at`` on; before that it never reaches a page (guesses.pages)."""

    teaser = models.ForeignKey(Teaser, verbose_name=_("teaser"), on_delete=models.CASCADE, related_name="clues")
    text = models.CharField(_("clue"), max_length=CLUE_MAX)
    reveal_at = models.DateTimeField(_("shown from"))

    class Meta:
        verbose_name = _("clue")
        verbose_name_plural = _("clues")
        ordering = ["teaser", "reveal_at", "id"]
        indexes = [models.Index(fields=["teaser", "reveal_at"], name="guesses_clue_shown")]

    def __str__(self):
        return self.text


class Choice(models.Model):
    teaser = models.ForeignKey(Teaser, verbose_name=_("teaser"), on_delete=models.CASCADE, related_name="choices")
    position = models.PositiveSmallIntegerField(_("position"))
    label = models.CharField(_("choice"), max_length=CHOICE_MAX)
    correct = models.BooleanField(_("the answer"), default=False)

    class Meta:
        verbose_name = _("choice")
        verbose_name_plural = _("choices")
        ordering = ["teaser", "position"]
        constraints = [
            models.UniqueConstraint(fields=["teaser", "position"], name="guesses_choice_position"),
            # At most one answer per teaser in the database; "exactly one" is checked before publishing.
            models.UniqueConstraint(fields=["teaser"], condition=Q(correct=True), name="guesses_one_answer"),
        ]

    def __str__(self):
        return self.label


class Guess(models.Model):
    """A fan's one guess, changed in place until the close. ``right`` is set by the reveal;
    ``honoured_at`` when its points are granted (guesses.honours)."""

    teaser = models.ForeignKey(Teaser, verbose_name=_("teaser"), on_delete=models.CASCADE, related_name="guesses")
    fan = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("fan"), on_delete=models.CASCADE, related_name="product_guesses"
    )
    choice = models.ForeignKey(Choice, verbose_name=_("choice"), on_delete=models.CASCADE, related_name="guesses")
    created_at = models.DateTimeField(_("guessed"), default=timezone.now)
    updated_at = models.DateTimeField(_("changed"), default=timezone.now)
    right = models.BooleanField(_("right"), default=False)
    honoured_at = models.DateTimeField(_("honoured"), null=True, blank=True)

    class Meta:
        verbose_name = _("guess")
        verbose_name_plural = _("guesses")
        constraints = [models.UniqueConstraint(fields=["teaser", "fan"], name="guesses_one_guess_per_fan")]
        indexes = [
            # The reveal: the guesses of the answer.
            models.Index(fields=["choice"], name="guesses_guess_choice"),
            # The granting job: right guessers not honoured yet.
            models.Index(
                fields=["teaser"], condition=Q(right=True, honoured_at__isnull=True), name="guesses_right_to_honour"
            ),
        ]

    def __str__(self):
        return f"{self.fan_id} @ {self.teaser_id}"

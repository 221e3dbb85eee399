"""Engineering-sample programmes: staff open one (a product, a number of samples, questions, a
deadline), fans apply once, staff select up to the number of samples (samples.selecting); each
selected fan gets a build diary thread in the programme's board."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

TITLE_MAX = 120
ANSWER_MAX = 1000
QUESTIONS_MAX = 10


class Programme(models.Model):
    class State(models.TextChoices):
        OPEN = "open", _("Open for applications and selection")
        FINISHED = "finished", _("Selection finished")

    title = models.CharField(_("title"), max_length=TITLE_MAX)
    product = models.ForeignKey(
        "releases.Product", verbose_name=_("product"), on_delete=models.PROTECT, related_name="+"
    )
    description = models.TextField(_("description"), blank=True)
    # One question per line; each application answers every one (samples.applying).
    questions = models.TextField(_("questions"), help_text=_("One per line, at most 10."))
    samples = models.PositiveIntegerField(_("samples"))
    # Where the selected fans' build diaries are started.
    board = models.ForeignKey("forum.Board", verbose_name=_("diary board"), on_delete=models.PROTECT, related_name="+")
    published = models.BooleanField(_("published"), default=False)
    closes_at = models.DateTimeField(_("applications close"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.OPEN)
    # Beside the applications' rows, moved in the same transaction as each selection.
    selected_count = models.PositiveIntegerField(_("selected"), default=0)

    class Meta:
        verbose_name = _("sample programme")
        verbose_name_plural = _("sample programmes")
        constraints = [
            # Never more fans selected than there are samples: the last word under concurrent selections.
            models.CheckConstraint(
                condition=Q(selected_count__lte=F("samples")), name="samples_selected_within_samples"
            ),
            models.CheckConstraint(condition=Q(samples__gte=1), name="samples_at_least_one"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("samples:detail", args=[self.pk])

    @property
    def question_list(self) -> list[str]:
        return [line.strip() for line in self.questions.splitlines() if line.strip()][:QUESTIONS_MAX]


class Application(models.Model):
    class Status(models.TextChoices):
        APPLIED = "applied", _("Applied")
        SELECTED = "selected", _("Selected")
        NOT_SELECTED = "not_selected", _("Not selected")

    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="applications"
    )
    fan = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("fan"), on_delete=models.CASCADE, related_name="sample_applications"
    )
    # The answers, in the order of the programme's questions.
    answers = models.JSONField(_("answers"), default=list)
    created_at = models.DateTimeField(_("applied"), default=timezone.now)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.APPLIED)
    diary = models.OneToOneField(
        "forum.Thread",
        verbose_name=_("build diary"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("sample application")
        verbose_name_plural = _("sample applications")
        constraints = [models.UniqueConstraint(fields=["programme", "fan"], name="samples_one_application_per_fan")]
        indexes = [models.Index(fields=["programme", "status", "created_at"], name="samples_application_status")]

    def __str__(self):
        return f"{self.fan_id} @ {self.programme_id}: {self.status}"

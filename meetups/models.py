"""City meetups: official ones by staff, fan-organised ones approved by moderators; seats taken by
RSVP up to the capacity, a waiting list behind them (meetups.rsvps), a reminder the day before
(meetups.reminders) and an .ics file per event (meetups.calendar)."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

TITLE_MAX = 120
PLACE_MAX = 200
CAPACITY_MAX = 10_000


class City(models.Model):
    """A city meetups happen in, with the time zone its meetups' times are given and shown in."""

    name = models.CharField(_("name"), max_length=60, unique=True)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    time_zone = models.CharField(_("time zone"), max_length=64, default="Asia/Shanghai")

    class Meta:
        verbose_name = _("city")
        verbose_name_plural = _("cities")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Meetup(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for a moderator")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Not approved")
        CANCELLED = "cancelled", _("Cancelled")

    city = models.ForeignKey(City, verbose_name=_("city"), on_delete=models.PROTECT, related_name="meetups")
    title = models.CharField(_("title"), max_length=TITLE_MAX)
    description = models.TextField(_("description"), blank=True)
    place = models.CharField(_("place"), max_length=PLACE_MAX)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    capacity = models.PositiveIntegerField(_("seats"))
    # Beside the RSVP rows (meetups.rsvps moves it in the same transaction; recount_seats rebuilds it).
    seats_taken = models.PositiveIntegerField(_("seats taken"), default=0)
    organiser = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("organiser"),
        on_delete=models.PROTECT,
        related_name="organised_meetups",
    )
    official = models.BooleanField(_("official"), default=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    # Set once by the claim that sends the reminders (meetups.reminders).
    reminded_at = models.DateTimeField(_("reminded"), null=True, blank=True)
    # After the meetup: the thread where those who went share their photos (meetups.photos).
    photo_thread = models.ForeignKey(
        "forum.Thread",
        verbose_name=_("photo thread"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("meetup")
        verbose_name_plural = _("meetups")
        constraints = [
            # Never more seats taken than there are: the last word under concurrent RSVPs.
            models.CheckConstraint(condition=Q(seats_taken__lte=F("capacity")), name="meetups_seats_within_capacity"),
            models.CheckConstraint(
                condition=Q(capacity__gte=1, capacity__lte=CAPACITY_MAX), name="meetups_capacity_range"
            ),
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="meetups_ends_after_start"),
        ]
        indexes = [
            # The lists: approved meetups to come, by city and time.
            models.Index(fields=["city", "starts_at"], condition=Q(status="approved"), name="meetups_listed"),
            # The reminder tick: approved meetups not reminded yet, by start.
            models.Index(
                fields=["starts_at"], condition=Q(status="approved", reminded_at__isnull=True), name="meetups_to_remind"
            ),
            # The moderators' queue.
            models.Index(fields=["created_at"], condition=Q(status="pending"), name="meetups_pending"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("meetups:detail", args=[self.pk])

    @property
    def seats_left(self) -> int:
        return max(0, self.capacity - self.seats_taken)


class Rsvp(models.Model):
    """A fan's answer to a meetup: a seat, a place on the waiting list (first come, first promoted:
    ``queued_at``), or cancelled. One row per fan and meetup, changed in place."""

    class Status(models.TextChoices):
        GOING = "going", _("Going")
        WAITING = "waiting", _("On the waiting list")
        CANCELLED = "cancelled", _("Cancelled")

    meetup = models.ForeignKey(Meetup, verbose_name=_("meetup"), on_delete=models.CASCADE, related_name="rsvps")
    fan = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("fan"), on_delete=models.CASCADE, related_name="rsvps"
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    queued_at = models.DateTimeField(_("answered"), default=timezone.now)
    updated_at = models.DateTimeField(_("changed"), default=timezone.now)

    class Meta:
        verbose_name = _("RSVP")
        verbose_name_plural = _("RSVPs")
        constraints = [models.UniqueConstraint(fields=["meetup", "fan"], name="meetups_one_rsvp_per_fan")]
        indexes = [
            # Promotion: the first on the waiting list; the attendee list and the reminder: who is going.
            models.Index(fields=["meetup", "status", "queued_at", "id"], name="meetups_rsvp_queue"),
        ]

    def __str__(self):
        return f"{self.fan_id} @ {self.meetup_id}: {self.status}"

"""In-app notifications and each user's e-mail preference per kind.

A notification stores its kind and parameters, not finished text: the words
are chosen when it is shown, in the reader's language of the day.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _, ngettext, pgettext_lazy

from canyu.text import isolate


class Kind(models.TextChoices):
    RELEASE = "release", _("New releases of products I follow")
    REPLY = "reply", _("Replies in threads I follow")
    MENTION = "mention", _("Mentions of me")
    IDEA = "idea", _("Status changes of ideas I voted for or follow")
    POLL = "poll", _("Results of polls I answered or in threads I follow")
    REPORT = "report", _("Invitations and reminders to fill the weekly report")
    AWARD = "award", _("Popcorn Awards for my work")
    LIKE = "like", _("Likes of my posts")
    MEDAL = "medal", _("Medals I receive")
    LEVEL = "level", _("Levels I reach")
    MEETUP = "meetup", _("Meetups I am going to: reminders and seats freed for me")
    SAMPLE = "sample", _("Engineering-sample programmes I applied to: whether I was selected")


class EmailChoice(models.TextChoices):
    OFF = "off", pgettext_lazy("e-mail preference", "Off")
    IMMEDIATE = "immediate", _("Right away")
    DAILY = "daily", _("Daily digest")


# What a user gets by e-mail for a kind until they choose otherwise. Releases go
# to the daily digest by default: a publication to 100 000 followers must not
# become 100 000 immediate mails unless each of them asked for it.
DEFAULT_EMAIL: dict[str, str] = {
    Kind.RELEASE: EmailChoice.DAILY,
    Kind.REPLY: EmailChoice.IMMEDIATE,
    Kind.MENTION: EmailChoice.IMMEDIATE,
    # An idea with 50 000 voters shipping must not become 50 000 immediate mails.
    Kind.IDEA: EmailChoice.DAILY,
    Kind.POLL: EmailChoice.DAILY,
    # Sent to every follower of a product who has not reported yet.
    Kind.REPORT: EmailChoice.OFF,
    Kind.AWARD: EmailChoice.IMMEDIATE,
    # A popular post would mean a mail per like: the page is enough unless asked.
    Kind.LIKE: EmailChoice.OFF,
    Kind.MEDAL: EmailChoice.DAILY,
    Kind.LEVEL: EmailChoice.OFF,
    # A reminder the day before, or a seat that came free: worth a mail at once.
    Kind.MEETUP: EmailChoice.IMMEDIATE,
    Kind.SAMPLE: EmailChoice.IMMEDIATE,
}

# The sentence for each kind; filled with the notification's params when shown.
MESSAGES: dict[str, Promise] = {
    Kind.RELEASE: _("%(product)s %(version)s is out: %(title)s"),
    Kind.REPLY: _("%(actor)s replied in “%(thread)s”"),
    Kind.MENTION: _("%(actor)s mentioned you in “%(thread)s”"),
    Kind.IDEA: _("%(title)s: %(status)s"),
    Kind.POLL: _("The poll “%(question)s” has closed: %(winner)s"),
    Kind.REPORT: _("Tell us how %(product)s %(version)s landed: fill the four-cell report by %(closes)s"),
    Kind.AWARD: _("Your work “%(item)s” won the Popcorn Award for %(product)s %(version)s"),
    Kind.LIKE: _("%(actor)s liked your post in “%(thread)s”"),
    Kind.MEDAL: _("You received the medal “%(medal)s”"),
    Kind.LEVEL: _("You reached level %(level)s"),
    Kind.MEETUP: _("“%(title)s”: %(news)s"),
    Kind.SAMPLE: _("“%(title)s”: %(news)s"),
}


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recipient"), on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    # What this notification is about, e.g. "release:42" or "post:1234": the
    # unique constraint on (recipient, key) is what keeps a retried fan-out
    # from telling anyone twice.
    key = models.CharField(_("key"), max_length=100)
    params = models.JSONField(_("parameters"), default=dict)
    # What the page gathers into one line: a kind and its object, e.g.
    # "reply:thread:17" (every reply in a thread) or "like:post:55" (every like
    # of one post). notify() makes it f"{kind}:{key}" when the caller has no group.
    group = models.CharField(_("group"), max_length=100, default="")
    # Who did it (a reply's author, a liker), for the names and avatars of a group.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    url = models.CharField(_("link"), max_length=300)
    # How many events it stands for: a thread's replies gather in the follower's one unread
    # notification of the thread (notifications.delivery.notify_consolidated).
    count = models.PositiveIntegerField(_("count"), default=1)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    # Set when the e-mail for it is claimed (immediately or in a digest).
    emailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.UniqueConstraint(fields=["recipient", "key"], name="notifications_once_per_recipient"),
        ]
        indexes = [
            # The notifications page: a user's newest first.
            models.Index(fields=["recipient", "-created_at"], name="notifications_by_recipient"),
            # The unread count in the header.
            models.Index(fields=["recipient"], condition=Q(read_at__isnull=True), name="notifications_unread"),
            # The notifications page's groups (notifications.pages) and marking one group read.
            models.Index(fields=["recipient", "group", "-created_at"], name="notifications_by_group"),
            # The daily digest (notifications.emailing): its walk over recipients
            # (recipient_id > last, in id order, recent only) and each recipient's
            # claim (kind IN daily kinds, created_at >= window). A row leaves the
            # index once it is e-mailed or read.
            models.Index(
                fields=["recipient", "kind", "created_at"],
                condition=Q(emailed_at__isnull=True, read_at__isnull=True),
                name="notifications_to_email",
            ),
        ]

    def __str__(self):
        return self.message

    def get_absolute_url(self):
        return self.url

    def _sentence(self) -> str:
        if self.kind == Kind.REPLY and self.count > 1:
            return ngettext("%(count)s reply in “%(thread)s”", "%(count)s replies in “%(thread)s”", self.count)
        return str(MESSAGES[self.kind])

    def _params(self) -> dict:
        return {**self.params, "count": self.count} if isinstance(self.params, dict) else self.params

    @property
    def message(self) -> str:
        try:
            return self._sentence() % self._params()
        except (KeyError, TypeError, ValueError):
            return str(Kind(self.kind).label) if self.kind in Kind.values else self.key

    @property
    def message_html(self) -> SafeString:
        """The message for a page: each name and title in its own ``<bdi>``, so a right-to-left
        title does not reorder the sentence around it."""
        try:
            return mark_safe(
                conditional_escape(self._sentence())
                % {name: value if name == "count" else isolate(value) for name, value in self._params().items()}
            )
        except (KeyError, TypeError, ValueError, AttributeError):
            return conditional_escape(self.message)


class EmailPreference(models.Model):
    """A user's choice for one kind; no row means DEFAULT_EMAIL."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="email_preferences"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    email = models.CharField(_("e-mail"), max_length=10, choices=EmailChoice.choices)

    class Meta:
        verbose_name = _("e-mail preference")
        verbose_name_plural = _("e-mail preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notifications_one_preference_per_kind"),
        ]

    def __str__(self):
        return f"{self.user_id} {self.kind}: {self.email}"

import zoneinfo
from typing import TYPE_CHECKING, ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.db.models.functions import Length, Lower
from django.db.models.lookups import GreaterThanOrEqual
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts import usercache, usernames
from accounts.roles import badge_of


def avatar_path(instance, filename: str) -> str:
    # The name is ours, never the uploader's: see accounts.profiles.
    return f"avatars/{filename}"


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("Unknown time zone."), code="time_zone")


class UserQuerySet(models.QuerySet):
    def update(self, **kwargs):
        """Update the rows and forget the cached copies of these users (accounts.usercache): one query
        more, for their ids. ``save()`` and ``delete()`` forget through signals (accounts.apps)."""
        with transaction.atomic(using=self.db, savepoint=False):
            user_ids = list(self.values_list("pk", flat=True))
            updated = super().update(**kwargs)
        usercache.forget(user_ids)
        return updated

    update.alters_data = True  # type: ignore[attr-defined]  # Django's marker: templates may not call it


if TYPE_CHECKING:
    # The stubs' plugin builds from_queryset() classes on Manager, not on the generic UserManager;
    # UserQuerySet changes no signature, so UserManager's types are the right ones.
    _UserManagerBase = UserManager["User"]
else:
    _UserManagerBase = UserManager.from_queryset(UserQuerySet)


class CanyuUserManager(_UserManagerBase):
    pass


class User(AbstractUser):
    username = models.CharField(
        _("username"),
        max_length=usernames.MAX_LENGTH,
        unique=True,
        validators=usernames.USERNAME_VALIDATORS,
        help_text=_("3–30 letters, digits and _ - . (Chinese characters welcome)."),
        error_messages={"unique": _("A user with that username already exists.")},
    )
    email = models.EmailField(_("email address"), blank=True)
    display_name = models.CharField(_("display name"), max_length=40, blank=True)
    avatar = models.ImageField(_("avatar"), upload_to=avatar_path, blank=True)
    city = models.CharField(_("city"), max_length=60, blank=True)
    phone_model = models.CharField(_("phone model"), max_length=60, blank=True)
    bio = models.CharField(_("about me"), max_length=500, blank=True)
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES, blank=True)
    time_zone = models.CharField(
        _("time zone"), max_length=64, default=settings.TIME_ZONE, validators=[validate_time_zone]
    )
    # Kept by forum.posting with F(), in the same transaction as the post.
    post_count = models.PositiveIntegerField(_("posts"), default=0)
    # The last day (in the site's time zone) the user was signed in and asked for a page: set at most
    # once a day by accounts.activity. Counts the week's active fans for the feedback summaries.
    last_active_on = models.DateField(_("last active"), null=True, blank=True, db_index=True)
    # A keyed digest of the address the account was made from (accounts.networks): accounts from one
    # address giving each other points are flagged for moderators (honour).
    signup_network = models.CharField(_("sign-up network"), max_length=24, blank=True, default="", editable=False)

    objects: ClassVar[CanyuUserManager] = CanyuUserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            # Alice and alice are one person. (PostgreSQL lowercases every
            # script; SQLite only ASCII, so the form checks as well.)
            models.UniqueConstraint(Lower("username"), name="accounts_username_ci_unique"),
            models.UniqueConstraint(Lower("email"), condition=~Q(email=""), name="accounts_email_ci_unique"),
            models.CheckConstraint(
                condition=GreaterThanOrEqual(Length("username"), usernames.MIN_LENGTH),
                name="accounts_username_min_length",
            ),
        ]
        permissions = [
            ("moderate_forum", _("Can moderate the forum")),
            ("be_credited_engineer", _("Can be credited as engineer on changelog items")),
            ("read_feedback", _("Can read feedback summaries")),
            ("manage_ideas", _("Can manage feature ideas and polls")),
            ("publish_releases", _("Can prepare and publish releases")),
        ]

    def __str__(self):
        return self.username

    def get_session_auth_hash(self):
        # A user from accounts.usercache has no password in memory, only this HMAC of it.
        kept = self.__dict__.get("_kept_session_auth_hash")
        if kept is not None and "password" not in self.__dict__:
            return kept
        return super().get_session_auth_hash()

    def get_absolute_url(self):
        return reverse("profile", args=[self.username])

    @property
    def shown_name(self) -> str:
        return self.display_name or self.username

    @property
    def badge(self):
        return badge_of(self)

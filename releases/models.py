"""Products, their weekly releases, the builds and the credited changelog.

A release moves draft → scheduled → published (or → withdrawn); the moves are
conditional UPDATEs in ``releases.preparing`` and ``releases.publishing``, never ``save()`` of a stale row.
"""

from django.conf import settings
from django.core.validators import MinValueValidator, RegexValidator, URLValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

SHA256_VALIDATOR = RegexValidator(r"^[0-9a-f]{64}$", _("A SHA-256 is 64 lowercase hexadecimal characters."))
# URLField alone also accepts ftp:// and ftps://; fans download over http(s) only
# (the releases_build_url_is_http check says the same in the database).
HTTP_URL_VALIDATOR = URLValidator(
    schemes=["http", "https"], message=_("Enter a download URL starting with https:// or http://."), code="not_http"
)
VERSION_VALIDATOR = RegexValidator(
    r"^[0-9A-Za-z][0-9A-Za-z._+-]*$", _("Use letters, digits and . _ + - only, e.g. 26.11.27.")
)


class Product(models.Model):
    name = models.CharField(_("name"), max_length=60, unique=True)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    description = models.CharField(_("description"), max_length=300, blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)
    devices = models.TextField(
        _("device models"), blank=True, help_text=_("One per line; new releases offer a build for each.")
    )
    # Where fans propose features for this product (ideas).
    ideas_board = models.OneToOneField(
        "forum.Board",
        verbose_name=_("ideas board"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ideas_product",
        limit_choices_to={"holds_ideas": True},
    )
    # The four-cell report (feedback.reports): accounts younger than this may not report (against sock puppets).
    report_min_account_days = models.PositiveIntegerField(
        _("minimum account age for reports (days)"),
        default=0,
        help_text=_("Accounts younger than this may not fill the four-cell report. 0: no minimum."),
    )

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["position", "name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("releases:product", args=[self.slug])


class FeatureArea(models.Model):
    """A part of a product (Camera, Messages, …): changelog items and ideas name one."""

    product = models.ForeignKey(Product, verbose_name=_("product"), on_delete=models.CASCADE, related_name="areas")
    name = models.CharField(_("name"), max_length=60)

    class Meta:
        verbose_name = _("feature area")
        verbose_name_plural = _("feature areas")
        ordering = ["product", "name"]
        constraints = [models.UniqueConstraint(fields=["product", "name"], name="releases_area_unique_per_product")]

    def __str__(self):
        return self.name


class ReleaseQuerySet(models.QuerySet):
    def published(self):
        return self.filter(state=Release.State.PUBLISHED)

    def visible_to(self, user):
        """Fans see published releases; those who may publish see all."""
        if user.is_authenticated and user.has_perm("accounts.publish_releases"):
            return self
        return self.published()


class Release(models.Model):
    class Channel(models.TextChoices):
        WEEKLY = "weekly", _("Weekly development")
        STABLE = "stable", _("Stable")

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SCHEDULED = "scheduled", _("Scheduled")
        PUBLISHED = "published", _("Published")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    product = models.ForeignKey(Product, verbose_name=_("product"), on_delete=models.PROTECT, related_name="releases")
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, default=Channel.WEEKLY)
    version = models.CharField(_("version"), max_length=40, validators=[VERSION_VALIDATOR])
    title = models.CharField(_("title"), max_length=120)
    notes = models.TextField(_("release notes"), max_length=20_000, blank=True, help_text=_("Markdown."))
    notes_html = models.TextField(_("rendered release notes"), blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.DRAFT)
    # Stored in UTC; reckoned in Asia/Shanghai by releases.scheduling.
    publish_at = models.DateTimeField(_("publish time"))
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    # Set when notify_followers has walked every follower; a published release
    # without it after a few minutes has its fan-out sent again (idempotent).
    notified_at = models.DateTimeField(_("followers notified"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    # The four-cell report window (feedback.reports). Empty: it opens when the
    # release is published and closes at the end of the following Tuesday,
    # Beijing time. Read by feedback when the window opens, so a change after
    # that would not count: the admin refuses it once the release is published.
    report_opens_at = models.DateTimeField(_("reports open"), null=True, blank=True)
    report_closes_at = models.DateTimeField(_("reports close"), null=True, blank=True)
    announcement = models.OneToOneField(
        "forum.Thread",
        verbose_name=_("announcement thread"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="release",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("prepared by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    objects = ReleaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("release")
        verbose_name_plural = _("releases")
        ordering = ["-publish_at", "-id"]
        constraints = [
            # 26.11.27 and 26.11.27 are one version; so are V14.0 and v14.0.
            models.UniqueConstraint(
                "product",
                Lower("version"),
                name="releases_version_unique_per_product",
                violation_error_message=_("This product already has a release with this version."),
            ),
            models.CheckConstraint(
                condition=~Q(state="published") | Q(published_at__isnull=False),
                name="releases_published_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(state="withdrawn") | Q(withdrawn_at__isnull=False),
                name="releases_withdrawn_has_time",
            ),
            models.CheckConstraint(
                condition=Q(report_opens_at__isnull=True)
                | Q(report_closes_at__isnull=True)
                | Q(report_closes_at__gt=F("report_opens_at")),
                name="releases_report_window_closes_after_opening",
            ),
        ]
        indexes = [
            # publish_due_releases, every minute: scheduled releases that are due.
            models.Index(fields=["publish_at"], condition=Q(state="scheduled"), name="releases_due"),
            # The releases list of a product and channel, newest first.
            models.Index(fields=["product", "channel", "state", "-publish_at"], name="releases_listing"),
        ]

    def __str__(self):
        return f"{self.product} {self.version}"

    def get_absolute_url(self):
        return reverse("releases:release", args=[self.product.slug, self.version])


class Build(models.Model):
    release = models.ForeignKey(Release, verbose_name=_("release"), on_delete=models.CASCADE, related_name="builds")
    device = models.CharField(_("device model"), max_length=60)
    download_url = models.URLField(_("download URL"), max_length=500, validators=[HTTP_URL_VALIDATOR])
    size_bytes = models.PositiveBigIntegerField(_("size in bytes"), validators=[MinValueValidator(1)])
    sha256 = models.CharField(_("SHA-256"), max_length=64, validators=[SHA256_VALIDATOR])

    class Meta:
        verbose_name = _("build")
        verbose_name_plural = _("builds")
        ordering = ["device"]
        constraints = [
            models.UniqueConstraint(fields=["release", "device"], name="releases_one_build_per_device"),
            models.CheckConstraint(condition=Q(size_bytes__gte=1), name="releases_build_has_size"),
            models.CheckConstraint(
                condition=Q(download_url__startswith="https://") | Q(download_url__startswith="http://"),
                name="releases_build_url_is_http",
            ),
        ]

    def __str__(self):
        return f"{self.release} · {self.device}"


class ChangelogItem(models.Model):
    class Kind(models.TextChoices):
        NEW = "new", _("New")
        IMPROVED = "improved", _("Improved")
        FIXED = "fixed", _("Fixed")

    release = models.ForeignKey(Release, verbose_name=_("release"), on_delete=models.CASCADE, related_name="changelog")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"), max_length=2000, blank=True)
    area = models.ForeignKey(
        FeatureArea, verbose_name=_("feature area"), on_delete=models.PROTECT, related_name="changelog_items"
    )
    # Only users with the Engineer role; releases.changelog.check_owners refuses others.
    owners = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("engineers"), related_name="changelog_items"
    )
    screenshot = models.ImageField(_("screenshot"), upload_to="changelog/%Y/%m/", blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)
    # An earlier item of the product that this one fixes or improves (fans who rated that one the weakest
    # earn the "your feedback was fixed" medal once this one is published: feedback.honours).
    follows_up = models.ForeignKey(
        "self",
        verbose_name=_("follows up on"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="follow_ups",
        help_text=_("An earlier item of this product that this one fixes or improves."),
    )

    class Meta:
        verbose_name = _("changelog item")
        verbose_name_plural = _("changelog items")
        ordering = ["release", "position", "id"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return f"{self.release.get_absolute_url()}#item-{self.pk}"


class ProductFollow(models.Model):
    """A fan who wants to hear of a product's releases."""

    product = models.ForeignKey(Product, verbose_name=_("product"), on_delete=models.CASCADE, related_name="follows")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="product_follows"
    )
    created_at = models.DateTimeField(_("since"), default=timezone.now)

    class Meta:
        verbose_name = _("product follower")
        verbose_name_plural = _("product followers")
        constraints = [models.UniqueConstraint(fields=["product", "user"], name="releases_follow_once")]
        # The unique index (product, user) also serves the fan-out's keyset
        # walk: WHERE product_id = %s AND user_id > %s ORDER BY user_id.

    def __str__(self):
        return f"{self.user_id} → {self.product_id}"

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Length
from django.db.models.lookups import GreaterThanOrEqual, LessThanOrEqual
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

TITLE_MIN, TITLE_MAX = 4, 120
POST_MAX = 20_000


class BoardQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Boards with no read roles are public; others need one of their roles."""
        if user.is_authenticated:
            if user.is_superuser:
                return self
            return self.filter(Q(read_roles=None) | Q(read_roles__in=user.groups.all())).distinct()
        return self.filter(read_roles=None)


class Board(models.Model):
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent board"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    name = models.CharField(_("name"), max_length=60)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    description = models.CharField(_("description"), max_length=300, blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)
    read_roles = models.ManyToManyField(
        Group,
        verbose_name=_("roles that may read"),
        blank=True,
        related_name="+",
        help_text=_("Empty: everyone, signed in or not."),
    )
    start_roles = models.ManyToManyField(
        Group,
        verbose_name=_("roles that may start threads"),
        blank=True,
        related_name="+",
        help_text=_("Empty: every signed-in reader."),
    )
    # Threads here are ideas (ideas app): started from a product's ideas page,
    # with votes and a status shown above the posts.
    holds_ideas = models.BooleanField(
        _("ideas board"),
        default=False,
        help_text=_("Threads here are feature ideas, started from a product's ideas page."),
    )
    thread_count = models.PositiveIntegerField(_("threads"), default=0)
    post_count = models.PositiveIntegerField(_("posts"), default=0)
    # Page versions (forum.pagecache), moved by the transaction that makes the change and read in one
    # query with who may read: ``version`` when who may see what here changes (the board's own fields
    # and roles, a thread hidden, shown or moved in or out); ``threads_version`` when its list changes
    # otherwise (a new thread, a reply, a pin, a lock, a deleted post).
    version = models.PositiveBigIntegerField(default=0, editable=False)
    threads_version = models.PositiveBigIntegerField(default=0, editable=False)

    objects = BoardQuerySet.as_manager()

    class Meta:
        verbose_name = _("board")
        verbose_name_plural = _("boards")
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(parent=F("pk")), name="forum_board_not_own_parent"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("forum:board", args=[self.slug])


class ThreadQuerySet(models.QuerySet):
    def visible_to(self, user, *, moderator: bool = False):
        return self if moderator else self.filter(hidden=False)


class Thread(models.Model):
    board = models.ForeignKey(Board, verbose_name=_("board"), on_delete=models.PROTECT, related_name="threads")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.PROTECT, related_name="threads"
    )
    title = models.CharField(_("title"), max_length=TITLE_MAX)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    last_activity_at = models.DateTimeField(_("last activity"), default=timezone.now)
    last_poster = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("last poster"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reply_count = models.PositiveIntegerField(_("replies"), default=0)
    view_count = models.PositiveBigIntegerField(_("views"), default=0)
    pinned = models.BooleanField(_("pinned"), default=False)
    locked = models.BooleanField(_("locked"), default=False)
    hidden = models.BooleanField(_("hidden"), default=False)
    # The floor of its newest post: every post ever added, deleted and hidden
    # ones too (Post.floor). Moved by the conditional UPDATE that adds a post.
    last_floor = models.PositiveIntegerField(_("last floor"), default=0)
    # Posts hidden by a moderator and not deleted: fans see reply_count + 1 - hidden_posts posts.
    hidden_posts = models.PositiveIntegerField(default=0, editable=False)
    # Page versions (forum.pagecache), moved by the transaction that makes the change and read in one
    # query with who may read: ``audience_version`` when who may see what changes (the thread hidden,
    # shown or moved, a post hidden, shown or deleted); ``version`` with it and with every other change
    # its pages show but a reply, a like or an edit (a pin, a lock, a panel's votes). A reply moves
    # reply_count only: it changes the last page and the page count (forum.pagecache.thread_fresh).
    # A like or an edit moves ``page_versions`` {"n": version} of its post's bucket of floors
    # ((floor - 1) // POSTS_PER_PAGE): only the pages that can show that post are built again.
    audience_version = models.PositiveBigIntegerField(default=0, editable=False)
    version = models.PositiveBigIntegerField(default=0, editable=False)
    page_versions = models.JSONField(default=dict, editable=False)

    objects = ThreadQuerySet.as_manager()

    class Meta:
        verbose_name = _("thread")
        verbose_name_plural = _("threads")
        constraints = [
            models.CheckConstraint(
                condition=GreaterThanOrEqual(Length("title"), TITLE_MIN), name="forum_thread_title_min_length"
            ),
        ]
        indexes = [
            # The board page as fans see it (forum.pages.board_page): COUNT(*) of the board's threads not
            # hidden, and the ids of page N by OFFSET, both read from this index alone (index-only scans,
            # no table row touched), then only those 20 rows joined with their authors.
            models.Index(
                fields=["board", "-pinned", "-last_activity_at", "-id"],
                condition=Q(hidden=False),
                name="forum_thread_board_visible",
            ),
            # The same for moderators, who see hidden threads too.
            models.Index(fields=["board", "-pinned", "-last_activity_at", "-id"], name="forum_thread_board_order"),
            # The board page's count for fans: its thread_count less its hidden threads (few), counted here.
            models.Index(fields=["board"], condition=Q(hidden=True), name="forum_thread_board_hidden"),
            # The daily cap on new threads: an author's threads of the last 24 hours (forum.ratelimits).
            models.Index(fields=["author", "created_at"], name="forum_thread_author_recent"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("forum:thread", args=[self.pk])


class Post(models.Model):
    # No index of its own: forum_post_one_per_floor (thread, floor) serves every lookup by thread.
    thread = models.ForeignKey(
        Thread, verbose_name=_("thread"), on_delete=models.CASCADE, related_name="posts", db_index=False
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.PROTECT, related_name="posts"
    )
    source = models.TextField(_("text"), max_length=POST_MAX)
    html = models.TextField(_("rendered text"))
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    edited_at = models.DateTimeField(_("edited"), null=True, blank=True)
    hidden = models.BooleanField(_("hidden"), default=False)
    deleted_at = models.DateTimeField(_("deleted"), null=True, blank=True)
    like_count = models.PositiveIntegerField(_("likes"), default=0)
    # Its place in the thread, counting every post ever added: 1 for the
    # first, then 2, 3... with no gap and no repeat, deleted and hidden posts
    # keeping theirs. Taken from Thread.last_floor in the transaction that
    # adds the post (forum.posting); a thread page is a range of floors
    # (forum.pages.thread_page).
    floor = models.PositiveIntegerField(_("floor"))

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        constraints = [
            models.CheckConstraint(
                condition=GreaterThanOrEqual(Length("source"), 1) & LessThanOrEqual(Length("source"), POST_MAX),
                name="forum_post_source_length",
            ),
            # A floor is taken once per thread. Its index serves the thread page: the posts of floors
            # from N on, in order (forum.pages.thread_page).
            models.UniqueConstraint(fields=["thread", "floor"], name="forum_post_one_per_floor"),
        ]
        indexes = [
            # First unread (forum.reading): the thread's first post after the fan's mark, a post id.
            models.Index(fields=["thread", "id"], name="forum_post_thread_order"),
            # The daily cap on replies and the duplicate check: an author's posts of the last
            # 24 hours or minutes, newest first (forum.posting, forum.ratelimits).
            models.Index(fields=["author", "created_at"], name="forum_post_author_recent"),
            # The floors fans do not see, deleted or hidden (few): where fans' page N starts and which
            # page a post is on (forum.pages.page_start, page_of_post), without reading the visible posts.
            models.Index(
                fields=["thread", "floor"],
                condition=Q(hidden=True) | Q(deleted_at__isnull=False),
                name="forum_post_unseen_floors",
            ),
        ]

    def __str__(self):
        return f"#{self.pk} in {self.thread_id}"

    def get_absolute_url(self):
        return reverse("forum:post", args=[self.pk])


class PostRevision(models.Model):
    """The text a post had before an edit; visible to moderators."""

    post = models.ForeignKey(Post, verbose_name=_("post"), on_delete=models.CASCADE, related_name="revisions")
    editor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("editor"), on_delete=models.PROTECT, related_name="+"
    )
    source = models.TextField(_("previous text"))
    created_at = models.DateTimeField(_("edited"), default=timezone.now)

    class Meta:
        verbose_name = _("revision")
        verbose_name_plural = _("revisions")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"post {self.post_id}, before {self.created_at:%Y-%m-%d %H:%M}"


class Like(models.Model):
    post = models.ForeignKey(Post, verbose_name=_("post"), on_delete=models.CASCADE, related_name="likes")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="likes"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("like")
        verbose_name_plural = _("likes")
        constraints = [models.UniqueConstraint(fields=["post", "user"], name="forum_one_like_per_user")]
        indexes = [
            # The daily cap on likes: a user's likes of the last 24 hours (forum.ratelimits).
            models.Index(fields=["user", "created_at"], name="forum_like_user_recent"),
        ]

    def __str__(self):
        return f"{self.user_id} likes post {self.post_id}"


class ThreadRead(models.Model):
    """How far a signed-in fan has read a thread: the newest post id seen."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="reads")
    last_read_post_id = models.BigIntegerField(default=0)
    last_read_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("read mark")
        verbose_name_plural = _("read marks")
        constraints = [models.UniqueConstraint(fields=["user", "thread"], name="forum_one_read_mark_per_thread")]

    def __str__(self):
        return f"{self.user_id} read thread {self.thread_id} to post {self.last_read_post_id}"


class PostImage(models.Model):
    """An uploaded picture: re-encoded full image plus a thumbnail at most 1 280 px wide."""

    uploader = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploader"), on_delete=models.CASCADE, related_name="+"
    )
    image = models.ImageField(_("image"), upload_to="posts/%Y/%m/", width_field="width", height_field="height")
    thumbnail = models.ImageField(_("thumbnail"), upload_to="posts/%Y/%m/")
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    # Set once the post carrying it is saved; a picture never attached (its
    # request died between storing it and saving the post) is removed by
    # attachments.remove_unattached_images.
    attached_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("image")
        verbose_name_plural = _("images")
        indexes = [
            # remove_unattached_images: old pictures no post took.
            models.Index(
                fields=["created_at"], condition=models.Q(attached_at__isnull=True), name="forum_image_unattached"
            ),
        ]

    def __str__(self):
        return self.image.name or f"image {self.pk}"


class Report(models.Model):
    """A fan tells the moderators about a post; once per fan and post."""

    class State(models.TextChoices):
        OPEN = "open", _("open")
        RESOLVED = "resolved", _("resolved")
        DISMISSED = "dismissed", _("dismissed")

    post = models.ForeignKey(Post, verbose_name=_("post"), on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reporter"), on_delete=models.CASCADE, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=500)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.OPEN)
    created_at = models.DateTimeField(_("reported"), default=timezone.now)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("resolved by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        constraints = [models.UniqueConstraint(fields=["post", "reporter"], name="forum_one_report_per_post")]
        indexes = [models.Index(fields=["state", "created_at"], name="forum_report_queue")]

    def __str__(self):
        return f"{self.reporter_id} on post {self.post_id}: {self.state}"


class ModerationAction(models.Model):
    """The log of every moderator action: who, what, when, why."""

    class Kind(models.TextChoices):
        PIN = "pin", _("pinned")
        UNPIN = "unpin", _("unpinned")
        LOCK = "lock", _("locked")
        UNLOCK = "unlock", _("unlocked")
        MOVE = "move", _("moved")
        HIDE_THREAD = "hide_thread", _("hid thread")
        UNHIDE_THREAD = "unhide_thread", _("unhid thread")
        HIDE_POST = "hide_post", _("hid post")
        UNHIDE_POST = "unhide_post", _("unhid post")
        DELETE_POST = "delete_post", _("deleted post")
        RESOLVE_REPORT = "resolve_report", _("resolved report")
        DISMISS_REPORT = "dismiss_report", _("dismissed report")

    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("moderator"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("action"), max_length=20, choices=Kind.choices)
    thread = models.ForeignKey(
        Thread, verbose_name=_("thread"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    post = models.ForeignKey(
        Post, verbose_name=_("post"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    detail = models.CharField(_("detail"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("moderation action")
        verbose_name_plural = _("moderation log")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.moderator_id} {self.kind}"


class ThreadFollow(models.Model):
    """A fan follows a thread: each new reply in it becomes a notification (forum.following)."""

    thread = models.ForeignKey(Thread, verbose_name=_("thread"), on_delete=models.CASCADE, related_name="follows")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(_("followed since"), default=timezone.now)

    class Meta:
        verbose_name = _("thread follow")
        verbose_name_plural = _("thread follows")
        constraints = [models.UniqueConstraint(fields=["thread", "user"], name="forum_follow_thread_once")]
        # The unique constraint's index (thread, user) also serves the reply
        # fan-out: a thread's followers in user id order, in batches.

    def __str__(self):
        return f"{self.user_id} follows thread {self.thread_id}"


class UntoldReply(models.Model):
    """A reply whose thread's followers have not been told yet (forum.telling).

    Written in the reply's transaction, deleted once its notifications are
    written: a reply is never committed without it, so no reply goes untold
    whatever happens to the broker or a worker after the commit.
    """

    post = models.OneToOneField(
        Post, verbose_name=_("post"), on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    thread = models.ForeignKey(Thread, verbose_name=_("thread"), on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("untold reply")
        verbose_name_plural = _("untold replies")
        indexes = [models.Index(fields=["thread", "post"], name="forum_untold_by_thread")]

    def __str__(self):
        return f"reply {self.post_id} in {self.thread_id}"


class UntoldLike(models.Model):
    """A like whose post's author has not been told yet (forum.telling): written in the like's
    transaction, deleted once the notification is written. Once per (post, liker) until then: a like
    taken back and given again before the job runs is one row, and the author hears of it once."""

    post = models.ForeignKey(Post, verbose_name=_("post"), on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="+"
    )
    thread = models.ForeignKey(Thread, verbose_name=_("thread"), on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("untold like")
        verbose_name_plural = _("untold likes")
        constraints = [models.UniqueConstraint(fields=["post", "user"], name="forum_untold_like_once")]
        indexes = [models.Index(fields=["thread", "id"], name="forum_untold_like_by_thread")]

    def __str__(self):
        return f"like of post {self.post_id} by {self.user_id}"


class ThreadTelling(models.Model):
    """A thread whose untold replies and likes a job has been queued for (forum.telling): one job per
    thread at a time, however fast they come. ``queued_at`` is when a job was last queued or ran; the beat
    queues another for a row left longer than FORUM_TELLING_STALE_SECONDS (a worker killed mid-job), under a
    new ``run``, so that at most one chain of jobs tells a thread."""

    thread = models.OneToOneField(
        Thread, verbose_name=_("thread"), on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    queued_at = models.DateTimeField(_("queued"), default=timezone.now)
    replies = models.PositiveIntegerField(_("replies since queued"), default=1)
    likes = models.PositiveIntegerField(_("likes since queued"), default=0)
    # The number the queued job carries: a job with another one stops (a lost job's stand-in took over).
    run = models.PositiveIntegerField(_("run"), default=0)

    class Meta:
        verbose_name = _("thread being told")
        verbose_name_plural = _("threads being told")
        indexes = [models.Index(fields=["queued_at"], name="forum_telling_queued")]

    def __str__(self):
        return f"telling thread {self.thread_id}"

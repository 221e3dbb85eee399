"""Seed a forum of a given size for the benchmark, fast.

Not through forum.posting: 40 000 posts rendered and counted one transaction at
a time take minutes. Instead the whole forum is planned in memory (who wrote
what when, who liked it), every cached counter is computed from that plan, and
the rows go in with bulk_create in one transaction. check_counters() then
compares each counter with the rows, as the recount functions would.

The same seed gives the same forum (ids included: the tables are truncated
with RESTART IDENTITY), so runs on different days compare.
"""

import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.db.models import Count, F, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from forum.models import Board, Like, Post, Thread
from forum.rendering import render_post

SEED = 2026
PASSWORD = "canyu-bench-2026"
# The signed-in visitor of the benchmark: a plain Fan (no moderator forms on the page).
VIEWER_USERNAME = "fan0003"

# slug, name, description, share of the threads
BOARDS = [
    ("general", "综合讨论 General", "什么都可以聊 · Anything about your phone", 0.30),
    ("hyperos", "HyperOS 更新 Updates", "版本更新与更新日志讨论", 0.20),
    ("camera", "相机 Camera", "样张、算法与相机 App", 0.14),
    ("battery", "续航与充电 Battery", "Battery life and charging", 0.11),
    ("bugs", "Bug 反馈 Bug reports", "请写清机型、版本和复现步骤", 0.10),
    ("ideas", "功能建议 Ideas", "Feature ideas for the next release", 0.08),
    ("english", "English corner", "For fans who write in English", 0.05),
    ("announcements", "版务公告 Announcements", "Forum news from the moderators", 0.02),
]

PHONES = [
    "Xiaomi 14",
    "Xiaomi 14 Pro",
    "Xiaomi 13 Ultra",
    "Redmi K70",
    "Redmi Note 13",
    "Xiaomi Civi 4",
    "Redmi Turbo 3",
    "Xiaomi MIX Fold 3",
]
CITIES = ["北京", "上海", "深圳", "成都", "武汉", "杭州", "Guangzhou", "Singapore", "", ""]
DISPLAY_NAMES = ["小米粉丝", "Alex Chen", "李雷", "韩梅梅", "Kai", "橙子 Orange", "老王", "Mia Zhang", "", "", ""]

TITLES = [
    "{phone} 升级 HyperOS 2.0 后续航怎么样？",
    "{phone}: camera app crashes after the update",
    "求助：{phone} 微信通知延迟严重",
    "Feature idea: 按应用设置刷新率 (per-app refresh rate)",
    "【分享】{phone} 一周使用体验 / one-week review",
    "Bug: 蓝牙耳机频繁断连 on {phone}",
    "{phone} 玩原神发热严重吗？",
    "Tips: 如何关闭系统广告推荐 (how to turn off ads)",
    "{phone} 夜景样张 night shots 🌃",
    "Why does {phone} drain 8% overnight?",
]

# The texts posts are made of. Each is rendered once by the real renderer and
# its HTML reused; weights make long posts rarer than short ones.
SAMPLE_TEXTS = [
    ("升级到 HyperOS 2.0 之后续航明显变好了，**待机一晚只掉 3%**。\n\n有同样感受的吗？", 6),
    (
        (
            "I flashed the beta on my Xiaomi 14 yesterday. The camera app feels snappier, but the *gallery* still "
            "stutters when scrolling through 4K videos."
        ),
        5,
    ),
    ("> 相机启动速度有提升吗？\n\n有的，冷启动大约快了 200ms。详见https://example.com/changelog谢谢", 4),
    (
        (
            "Steps to reproduce:\n\n1. 打开设置 → 电池\n2. Switch to *performance mode*\n3. Lock the screen for "
            "10 minutes\n\nExpected: no drain. Actual: 8% gone."
        ),
        3,
    ),
    (
        (
            "同问，Redmi K70 也有这个问题。`adb logcat` 里一直刷 thermal 警告：\n\n```\nW/thermal: skin temp 41.2C\n"
            "W/thermal: throttling cpu7 to 2.2GHz\n```"
        ),
        3,
    ),
    ("Thanks @moderator! 这个版本的通知分组终于正常了 👍", 6),
    (
        (
            "| 机型 Model | 版本 | 亮屏时间 SOT |\n|---|---|---|\n| Xiaomi 14 | 2.0.5 | 7h |\n"
            "| Redmi K70 | 2.0.3 | 6.5h |\n| Xiaomi 13 Ultra | 2.0.1 | 6h |"
        ),
        2,
    ),
    ("短评：流畅度 +1，发热 -1。", 8),
    ("+1", 4),
    (
        (
            "说一下我的体验。\n\n"
            "## 优点 Pros\n\n- 动画更顺滑，尤其是多任务切换\n- Always-on display 终于支持自定义文字\n"
            "- 5G 信号比上个版本稳定\n\n"
            "## 缺点 Cons\n\n- 充电到 80% 以后明显变慢（可能是故意的？）\n"
            "- The keyboard sometimes lags for a second after "
            "unlocking, especially with Gboard.\n- 相册的 AI 消除偶尔会把背景抹花\n\n"
            "总体来说值得升级。If you rely on Android Auto, wait for the next build: it disconnects every few minutes "
            "on my car (2021 Model Y)."
        ),
        2,
    ),
]


@dataclass(frozen=True)
class ForumSize:
    users: int
    threads: int
    posts: int

    def __str__(self):
        return f"{self.users} users, {self.threads} threads, {self.posts} posts"


@dataclass
class PlannedThread:
    board: int
    title: str
    created_at: datetime
    pinned: bool
    locked: bool
    view_count: int
    posts: list = field(default_factory=list)  # PlannedPost, oldest first


@dataclass
class PlannedPost:
    thread: int
    author: int
    text: int
    created_at: datetime
    likers: list
    floor: int = 0  # its place in its thread, 1 for the first post


def seeded_size() -> ForumSize:
    return ForumSize(User.objects.count(), Thread.objects.count(), Post.objects.count())


def ensure_forum(size: ForumSize, *, log=print) -> bool:
    """Seed `size` unless exactly that forum is there already; returns whether it seeded."""
    if size.users < 10 or size.threads < 1 or size.posts < size.threads:
        raise ValueError("need at least 10 users, 1 thread, and at least one post per thread")
    if seeded_size() == size and Like.objects.exists():
        log(f"Forum of {size} already seeded: reusing it.")
        return False
    log(f"Seeding {size}...")
    seed_forum(size)
    with connection.cursor() as cursor:
        # Fresh statistics and visibility maps, as a long-running site has: the
        # planner otherwise guesses at tables it has never seen.
        for model in (User, User.groups.through, Board, Thread, Post, Like):
            cursor.execute(f"VACUUM ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
    return True


def plan_forum(size: ForumSize, now: datetime) -> list[PlannedThread]:
    rng = random.Random(SEED)
    # A few fans write most posts, as on every forum.
    author_weights = [rng.paretovariate(1.3) for _ in range(size.users)]
    board_weights = [share for *_, share in BOARDS]
    text_weights = [weight for _, weight in SAMPLE_TEXTS]

    threads = []
    for t in range(size.threads):
        threads.append(
            PlannedThread(
                board=rng.choices(range(len(BOARDS)), weights=board_weights)[0],
                title=f"{rng.choice(TITLES).format(phone=rng.choice(PHONES))} #{t + 1}",
                created_at=now - timedelta(seconds=rng.uniform(3600, 365 * 86400)),
                pinned=False,
                locked=rng.random() < 0.01,
                view_count=0,
            )
        )
    threads.sort(key=lambda thread: thread.created_at)
    for board in range(len(BOARDS)):
        in_board = [thread for thread in threads if thread.board == board]
        for thread in rng.sample(in_board, min(2, len(in_board))):
            thread.pinned = True

    # Replies spread over threads unevenly: most have a handful, a few run long.
    replies = size.posts - size.threads
    weights = [rng.lognormvariate(0, 1) for _ in threads]
    total = sum(weights)
    reply_counts = [int(replies * w / total) for w in weights]
    for t in rng.choices(range(len(threads)), weights=weights, k=replies - sum(reply_counts)):
        reply_counts[t] += 1

    authors = iter(rng.choices(range(size.users), weights=author_weights, k=size.posts))
    texts = iter(rng.choices(range(len(SAMPLE_TEXTS)), weights=text_weights, k=size.posts))
    for t, (thread, reply_count) in enumerate(zip(threads, reply_counts, strict=True)):
        active_for = min(now - thread.created_at, timedelta(days=rng.uniform(0.5, 30)))
        times = [thread.created_at] + sorted(
            thread.created_at + timedelta(seconds=1) + active_for * rng.random() for _ in range(reply_count)
        )
        for when in times:
            author = next(authors)
            likers = []
            if rng.random() < 0.35:
                wanted = rng.choice([1, 1, 1, 2, 2, 3, 5, 8])
                likers = [u for u in rng.sample(range(size.users), wanted + 1) if u != author][:wanted]
            thread.posts.append(
                PlannedPost(
                    thread=t,
                    author=author,
                    text=next(texts),
                    created_at=when,
                    likers=likers,
                    floor=len(thread.posts) + 1,
                )
            )
        thread.view_count = len(thread.posts) * rng.randint(5, 60)
    return threads


@transaction.atomic
def seed_forum(size: ForumSize) -> None:
    now = timezone.now()
    plan = plan_forum(size, now)
    posts_planned = sorted((p for thread in plan for p in thread.posts), key=lambda p: p.created_at)
    html = [render_post(text).html for text, _ in SAMPLE_TEXTS]

    with connection.cursor() as cursor:
        # CASCADE empties every table pointing at users or boards (threads,
        # posts, likes, roles, e-mail addresses...), RESTART IDENTITY makes
        # the ids the same on every seeding.
        tables = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in (User, Board))
        cursor.execute(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")

    rng = random.Random(SEED + 1)
    user_posts = Counter(p.author for p in posts_planned)
    password = make_password(PASSWORD)  # hashed once: PBKDF2 per user would take minutes
    users = User.objects.bulk_create(
        [
            User(
                username=f"米粉{i:04d}" if i % 8 == 5 else f"fan{i:04d}",
                email=f"user{i:04d}@bench.canyu.localhost",
                display_name=DISPLAY_NAMES[i % len(DISPLAY_NAMES)],
                phone_model=rng.choice(PHONES),
                city=rng.choice(CITIES),
                password=password,
                date_joined=now - timedelta(days=400 + rng.uniform(0, 400)),
                post_count=user_posts[i],
            )
            for i in range(size.users)
        ],
        batch_size=1000,
    )
    grant_roles(users)

    board_threads = Counter(thread.board for thread in plan)
    board_posts = Counter()
    for thread in plan:
        board_posts[thread.board] += len(thread.posts)
    boards = Board.objects.bulk_create(
        [
            Board(
                name=name,
                slug=slug,
                description=description,
                position=position,
                thread_count=board_threads[position],
                post_count=board_posts[position],
            )
            for position, (slug, name, description, _share) in enumerate(BOARDS)
        ]
    )

    threads = Thread.objects.bulk_create(
        [
            Thread(
                board=boards[thread.board],
                author=users[thread.posts[0].author],
                title=thread.title,
                created_at=thread.created_at,
                last_activity_at=thread.posts[-1].created_at,
                last_poster=users[thread.posts[-1].author],
                reply_count=len(thread.posts) - 1,
                view_count=thread.view_count,
                pinned=thread.pinned,
                locked=thread.locked,
                last_floor=len(thread.posts),
            )
            for thread in plan
        ],
        batch_size=1000,
    )

    # Oldest first, so post ids grow with time as they do on a live forum.
    posts = Post.objects.bulk_create(
        [
            Post(
                thread_id=threads[p.thread].pk,
                author_id=users[p.author].pk,
                source=SAMPLE_TEXTS[p.text][0],
                html=html[p.text],
                created_at=p.created_at,
                like_count=len(p.likers),
                floor=p.floor,
            )
            for p in posts_planned
        ],
        batch_size=1000,
    )

    Like.objects.bulk_create(
        [
            Like(post_id=post.pk, user_id=users[liker].pk, created_at=min(p.created_at + timedelta(hours=1), now))
            for p, post in zip(posts_planned, posts, strict=True)
            for liker in p.likers
        ],
        batch_size=5000,
    )


def grant_roles(users) -> None:
    """Everyone is a Fan; a few are also engineers, product managers or moderators (badges on posts)."""
    groups = dict(Group.objects.filter(name__in=[role.value for role in Role]).values_list("name", "pk"))
    missing = {role.value for role in Role} - set(groups)
    if missing:
        raise RuntimeError(f"Role groups missing (accounts.0002_roles not applied?): {sorted(missing)}")
    membership = User.groups.through
    rows = []
    for i, user in enumerate(users):
        rows.append(membership(user_id=user.pk, group_id=groups[Role.FAN.value]))
        if i % 20 == 0:
            rows.append(membership(user_id=user.pk, group_id=groups[Role.ENGINEER.value]))
        if i % 50 == 1:
            rows.append(membership(user_id=user.pk, group_id=groups[Role.MODERATOR.value]))
        if i % 100 == 2:
            rows.append(membership(user_id=user.pk, group_id=groups[Role.PRODUCT_MANAGER.value]))
    membership.objects.bulk_create(rows, batch_size=5000)


def check_counters() -> dict[str, int]:
    """How many rows carry a counter that differs from the rows it counts (all zero when consistent)."""

    def count_of(queryset, column):
        return Coalesce(Subquery(queryset.values(column).annotate(n=Count("*")).values("n")), 0)

    live_posts = Post.objects.filter(deleted_at=None)
    return {
        "Thread.reply_count": Thread.objects.annotate(n=count_of(live_posts.filter(thread=OuterRef("pk")), "thread"))
        .exclude(reply_count=F("n") - 1)
        .count(),
        "Thread.last_floor": Thread.objects.annotate(n=count_of(Post.objects.filter(thread=OuterRef("pk")), "thread"))
        .exclude(last_floor=F("n"))
        .count(),
        "Board.thread_count": Board.objects.annotate(n=count_of(Thread.objects.filter(board=OuterRef("pk")), "board"))
        .exclude(thread_count=F("n"))
        .count(),
        "Board.post_count": Board.objects.annotate(
            n=count_of(Post.objects.filter(thread__board=OuterRef("pk")), "thread__board")
        )
        .exclude(post_count=F("n"))
        .count(),
        "User.post_count": User.objects.annotate(n=count_of(live_posts.filter(author=OuterRef("pk")), "author"))
        .exclude(post_count=F("n"))
        .count(),
        "Post.like_count": Post.objects.annotate(n=count_of(Like.objects.filter(post=OuterRef("pk")), "post"))
        .exclude(like_count=F("n"))
        .count(),
    }

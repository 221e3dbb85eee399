"""Demo teasers: one open now (two clues out, the third tomorrow) and last month's, revealed with its
result posted, both with a thread in the announcements board; built through the real functions.
Run after the demo forum. Safe to run again: it makes nothing once the open teaser exists."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from forum import posting
from forum.models import Board
from guesses import guessing, revealing
from guesses.models import Choice, Clue, Teaser

OPEN_TITLE = "猜新品：下周发布的是什么？ Guess what we launch next week"
PAST_TITLE = "猜新品 第 1 期 Guess the product, round 1"
CHOICES = ["折叠屏手机 A folding phone", "平板 A tablet", "手环 A fitness band", "路由器 A router"]


def _make_teaser(*, title, opens_at, closes_at, clues, answer, thread, by) -> Teaser:
    teaser = Teaser.objects.create(
        title=title,
        description="线索定时公布，截止前可以改猜。Clues come out over the week; change your guess until the close.",
        thread=thread,
        opens_at=opens_at,
        closes_at=closes_at,
        created_by=by,
    )
    Clue.objects.bulk_create([Clue(teaser=teaser, text=text, reveal_at=at) for text, at in clues])
    Choice.objects.bulk_create(
        [
            Choice(teaser=teaser, position=n, label=label, correct=n - 1 == answer)
            for n, label in enumerate(CHOICES, start=1)
        ]
    )
    Teaser.objects.filter(pk=teaser.pk).update(published=True)
    teaser.published = True
    return teaser


def create_demo_teasers() -> bool:
    if Teaser.objects.filter(title=OPEN_TITLE).exists():
        return False
    admin = User.objects.get(username="admin")
    board = Board.objects.get(slug="announcements")
    now = timezone.now()
    with transaction.atomic():
        past_thread = posting.add_thread(
            board=board, author=admin, title=PAST_TITLE, source="来猜猜看！Take a guess.", spam_limits=False
        )
        open_thread = posting.add_thread(
            board=board, author=admin, title=OPEN_TITLE, source="来猜猜看！Take a guess.", spam_limits=False
        )
    past = _make_teaser(
        title=PAST_TITLE,
        opens_at=now - timedelta(days=40),
        closes_at=now - timedelta(days=30),
        clues=[("它有四根天线。It has four antennas.", now - timedelta(days=39))],
        answer=3,
        thread=past_thread,
        by=admin,
    )
    choices = list(Choice.objects.filter(teaser=past).order_by("position").values_list("pk", flat=True))
    for username, choice in [("fan", 3), ("米粉小王", 0), ("moderator", 3)]:
        fan = User.objects.get(username=username)
        guessing.place_guess(teaser=past, fan=fan, choice_id=choices[choice], now=now - timedelta(days=35))
    revealing.reveal_teaser(teaser=past, now=now)
    _make_teaser(
        title=OPEN_TITLE,
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=6),
        clues=[
            ("它能放进口袋。It fits in a pocket.", now - timedelta(days=1)),
            ("它有两块屏幕。It has two screens.", now - timedelta(hours=2)),
            ("它打开后是一块平板。Opened, it is a tablet.", now + timedelta(days=1)),
        ],
        answer=0,
        thread=open_thread,
        by=admin,
    )
    return True

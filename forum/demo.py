"""Demo boards, threads and replies, built through the real posting functions."""

from django.contrib.auth.models import Group
from django.db import transaction

from accounts.models import User
from accounts.roles import Role
from forum import liking, moderation, posting
from forum.models import Board

BOARDS = [
    # slug, name, description, who may start threads, who may read
    (
        "announcements",
        "公告 Announcements",
        "Orange Friday builds and news from the team. 每周五的开发版和团队公告。",
        [Role.ADMIN],
        [],
    ),
    (
        "feature-requests",
        "功能建议 Feature requests",
        "Propose features and argue for them. 提出你想要的功能。",
        [],
        [],
    ),
    ("feedback", "反馈与问题 Feedback & bugs", "What broke, what annoys you. 问题反馈。", [], []),
    ("photography", "摄影 Photography", "Shot on your phone. 手机摄影作品。", [], []),
    ("meetups", "同城会 City meetups", "Meet fans in your city. 同城米粉聚会。", [], []),
    (
        "staff",
        "管理组 Staff room",
        "Moderators and admins only. 仅限管理组。",
        [Role.MODERATOR, Role.ADMIN],
        [Role.MODERATOR, Role.ADMIN],
    ),
]


def _groups(roles):
    return list(Group.objects.filter(name__in=[r.value for r in roles]))


@transaction.atomic
def create_boards() -> dict[str, Board]:
    boards = {}
    for position, (slug, name, description, starters, readers) in enumerate(BOARDS):
        board, created = Board.objects.get_or_create(
            slug=slug, defaults={"name": name, "description": description, "position": position}
        )
        if created:
            board.start_roles.set(_groups(starters))
            board.read_roles.set(_groups(readers))
        boards[slug] = board
    return boards


def create_demo_forum() -> bool:
    """Create boards and a few conversations once; returns whether anything was made."""
    boards = create_boards()
    if boards["feature-requests"].threads.exists():
        return False
    users = {
        u.username: u
        for u in User.objects.filter(username__in=["admin", "moderator", "pm_lin", "engineer", "fan", "米粉小王"])
    }
    admin, mod, pm, eng, fan, xw = (users[n] for n in ["admin", "moderator", "pm_lin", "engineer", "fan", "米粉小王"])

    welcome = posting.start_thread(
        board=boards["announcements"],
        author=admin,
        title="欢迎来到参与社区 Welcome to Canyu",
        source="每周五 17:00 发布开发版，周五到周二填写**四格体验报告**。\n\n"
        "Every Friday at 17:00 we publish a development build. "
        "Tell us how it landed in the four-cell report.",
    )
    moderation.set_thread_flag(thread=welcome, moderator=admin, kind="pin", reason="welcome")
    posting.reply(thread=welcome, author=fan, source="Looking forward to Friday! 🍊")

    idea = posting.start_thread(
        board=boards["feature-requests"],
        author=xw,
        title="希望锁屏可以显示农历",
        source="锁屏时钟下面能不能加一行**农历日期**？\n\n- 节气\n- 传统节日",
    )
    first = idea.posts.get()
    posting.reply(
        thread=idea,
        author=pm,
        source=f"> @米粉小王 [#{first.pk}](/p/{first.pk}/)\n"
        "> 锁屏时钟下面能不能加一行农历日期？\n\n"
        "好建议，@engineer 看看能不能排进下周的开发版。",
    )
    posting.reply(thread=idea, author=eng, source="可以做，预计两周。Lunar calendar on the lock screen: ~2 weeks.")
    for liker in (fan, pm, eng):
        liking.toggle_like(post=first, user=liker)

    bug = posting.start_thread(
        board=boards["feedback"],
        author=fan,
        title="Wi-Fi drops after the last build",
        source="Since the last Orange Friday build my Wi-Fi drops every ~10 minutes.\n\n"
        "| Device | Build |\n|---|---|\n| Redmi Note 13 | 26.11.20 |",
    )
    posting.reply(thread=bug, author=eng, source="Thanks, can you send a log? `Settings › About › Bug report`")
    moderation.set_thread_flag(thread=bug, moderator=mod, kind="lock", reason="fixed in the next build")

    # The photography board's threads, with their pictures: forum.demo_photos.
    posting.start_thread(
        board=boards["meetups"],
        author=fan,
        title="Shenzhen meetup this Saturday?",
        source="Anyone up for coffee near 科技园 on Saturday afternoon?",
    )
    posting.start_thread(
        board=boards["staff"],
        author=mod,
        title="Moderation notes for this week",
        source="Watch the feedback board after Friday's build.",
    )
    return True

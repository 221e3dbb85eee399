"""Demo ideas for MIUI, built through the real proposing, voting and status functions: a shipped
idea (the lunar lock screen of last Friday's build), one in next Friday's build, a planned one, some
under review or new, and a declined one. Run after the demo releases. Safe to run again: it makes
nothing once MIUI has ideas."""

from django.db import transaction

from accounts.models import User
from forum.models import Board, Thread
from ideas import proposing, similar, statuses, voting
from ideas.models import Idea
from releases.models import ChangelogItem, FeatureArea, Product, Release
from search import indexing

IDEAS = [
    # author, area, title, text, voters
    (
        "fan",
        "Camera 相机",
        "相机加入专业模式直方图 Histogram in pro camera mode",
        "拍照时能看到直方图，曝光更好判断。\nA live histogram makes exposure easy to judge.",
        ["米粉小王", "engineer"],
    ),
    (
        "米粉小王",
        "Messages 短信",
        "短信按联系人归档 Archive messages by contact",
        "验证码和通知太多了，希望能按联系人归档。",
        ["fan"],
    ),
    (
        "fan",
        "Battery 电池",
        "充电到 80% 自动停止 Stop charging at 80%",
        "保护电池寿命：夜里充电时到 80% 就停。\nKeeps the battery healthy overnight.",
        ["米粉小王", "moderator", "pm_lin"],
    ),
    (
        "米粉小王",
        "System 系统",
        "深色模式跟随日出日落 Dark mode from sunset to sunrise",
        "按当地日出日落自动切换。",
        ["fan", "moderator"],
    ),
    (
        "fan",
        "System 系统",
        "桌面图标可以随意摆放 Place home screen icons anywhere",
        "Free placement, like a desktop.",
        [],
    ),
]


def _users():
    return {
        user.username: user
        for user in User.objects.filter(username__in=["fan", "米粉小王", "engineer", "moderator", "pm_lin", "admin"])
    }


def _adopt(thread: Thread, *, product: Product, area: FeatureArea) -> Idea:
    """The forum demo's lunar lock screen thread, started before MIUI had an ideas board, becomes an idea."""
    with transaction.atomic():
        idea = Idea.objects.create(thread=thread, product=product, area=area, created_at=thread.created_at)
        similar.index_title(idea, thread.title)
        indexing.mark_idea(thread_id=thread.pk, product_id=product.pk)
    return idea


def create_demo_ideas() -> bool:
    miui = Product.objects.get(slug="miui")
    board = Board.objects.get(slug="feature-requests")
    if not board.holds_ideas or miui.ideas_board_id != board.pk:
        Board.objects.filter(pk=board.pk).update(holds_ideas=True)
        Product.objects.filter(pk=miui.pk).update(ideas_board=board)
        board.holds_ideas = True
        miui.ideas_board = board
    if Idea.objects.filter(product=miui).exists():
        return False
    users, areas = _users(), {area.name: area for area in miui.areas.all()}
    pm = users["pm_lin"]
    made = []
    for author, area, title, text, voters in IDEAS:
        idea = proposing.propose_idea(
            board=board, author=users[author], title=title, source=text, product=miui, area=areas[area]
        )
        for voter in voters:
            voting.toggle_vote(idea=idea, user=users[voter])
        made.append(idea)
    histogram, archive, charging, dark, _icons = made

    lunar_thread = Thread.objects.filter(board=board, title="希望锁屏可以显示农历").first()
    if lunar_thread is not None:
        lunar = _adopt(lunar_thread, product=miui, area=areas["System 系统"])
        for voter in ("fan", "moderator", "engineer"):
            voting.toggle_vote(idea=lunar, user=users[voter])
        item = ChangelogItem.objects.filter(release__product=miui, title__startswith="锁屏显示农历").first()
        if item is not None:
            statuses.set_status(
                idea=lunar,
                by=pm,
                status=Idea.Status.IN_BUILD,
                changelog_item=item,
                note="本周开发版就有！In this Friday's build.",
            )
            statuses.ship_released_ideas()  # last Friday's build is out: shipped, voters told

    coming = Release.objects.filter(product=miui, state=Release.State.SCHEDULED).order_by("publish_at").first()
    statuses.set_status(idea=histogram, by=pm, status=Idea.Status.UNDER_REVIEW, note="相机团队在评估。")
    if coming is not None:
        statuses.set_status(
            idea=charging,
            by=pm,
            status=Idea.Status.PLANNED,
            target_release=coming,
            note="计划在下周开发版加入。Planned for next Friday's build.",
        )
    statuses.set_status(idea=archive, by=pm, status=Idea.Status.UNDER_REVIEW)
    statuses.set_status(
        idea=dark,
        by=pm,
        status=Idea.Status.DECLINED,
        note="系统已支持定时深色模式。Scheduled dark mode exists already under Display.",
    )
    return True

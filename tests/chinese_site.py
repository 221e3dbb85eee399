"""A whole week of Canyu with Chinese data only, built through the process functions: people of every
role, boards, threads with replies, quotes, mentions, likes, a locked, a moved and a hidden post, an
abuse report; a product with ideas in every status and polls open and closed; last month's build
frozen with its Popcorn Award, this week's with its report window open, next Friday's scheduled; and
notifications of every kind.

Every name, title and text here is Chinese (brand names and version numbers aside), so any run of
Latin letters on a page rendered in Chinese comes from our templates or code
(tests/test_chinese_pages.py).
"""

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role, grant_role
from feedback import notices, reports, tally
from feedback.models import Report
from forum import following as thread_following, liking, moderation, posting
from forum.models import Board, Post, Thread
from ideas import proposing, statuses, voting
from ideas.models import Idea
from polls import polling
from polls.models import Poll, PollOption
from releases import changelog, following, preparing, publishing
from releases.models import ChangelogItem, FeatureArea, Product, Release
from releases.scheduling import next_orange_friday

New, Improved, Fixed = ChangelogItem.Kind.NEW, ChangelogItem.Kind.IMPROVED, ChangelogItem.Kind.FIXED
Mood = Report.Mood

PEOPLE = [
    # username, role, display name, phone, city, staff
    ("管理员老雷", Role.ADMIN, "老雷", "小米手机", "北京", True),
    ("版主阿强", Role.MODERATOR, "阿强", "红米手机", "上海", True),
    ("产品经理林", Role.PRODUCT_MANAGER, "林经理", "小米手机", "北京", False),
    ("工程师周", Role.ENGINEER, "周工", "小米手机", "武汉", False),
    ("米粉小王", Role.FAN, "小王", "红米手机", "成都", False),
    ("米粉阿美", Role.FAN, "阿美", "小米平板", "广州", False),
    ("米粉老张", Role.FAN, "", "红米手机", "西安", False),
]


@dataclass
class ChineseSite:
    people: dict[str, User]
    boards: dict[str, Board]
    product: Product
    last_month: Release  # frozen, awarded
    this_week: Release  # published, its report window open
    next_week: Release  # scheduled
    stable: Release  # a stable release of another product (no reports)
    idea: Idea
    poll: Poll
    thread: Thread  # a discussion with replies, a quote, a mention and likes
    locked: Thread
    reported_post: Post
    edited_post: Post
    abuse_report_id: int

    @property
    def fan(self) -> User:
        return self.people["米粉小王"]


def _person(username, role, display_name, phone, city, staff) -> User:
    user = User(
        username=username,
        email=f"{hashlib.md5(username.encode()).hexdigest()[:8]}@example.com",
        display_name=display_name,
        phone_model=phone,
        city=city,
        is_staff=staff,
        is_superuser=(role == Role.ADMIN),
        language="zh-hans",
        time_zone="Asia/Shanghai",
        bio="喜欢拍照，也喜欢折腾系统。",
        date_joined=timezone.now() - timedelta(days=400),
    )
    user.set_password("a-long-test-password-9")
    user.save()
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    grant_role(user, Role.FAN)
    if role != Role.FAN:
        grant_role(user, role)
    return user


def _boards() -> dict[str, Board]:
    admins = Group.objects.filter(name__in=[Role.ADMIN.value])
    staff = Group.objects.filter(name__in=[Role.ADMIN.value, Role.MODERATOR.value])
    made = {}
    for position, (slug, name, description) in enumerate(
        [
            ("announcements", "公告", "每周五的开发版和团队公告。"),
            ("ideas", "功能建议", "提出你想要的功能，为喜欢的建议投票。"),
            ("feedback", "问题反馈", "哪里坏了，哪里不顺手。"),
            ("photos", "摄影", "手机拍的照片。"),
            ("staff", "管理组", "仅限管理组。"),
        ]
    ):
        made[slug] = Board.objects.create(
            slug=slug, name=name, description=description, position=position, holds_ideas=(slug == "ideas")
        )
    made["announcements"].start_roles.set(admins)
    made["staff"].start_roles.set(staff)
    made["staff"].read_roles.set(staff)
    return made


def _release(
    *, product, author, engineer, title, items, publish_at, channel=Release.Channel.WEEKLY, version="", notes=""
) -> Release:
    day_before = publish_at - timedelta(days=1)
    release = preparing.prepare_release(
        product=product,
        author=author,
        title=title,
        notes=notes,
        channel=channel,
        version=version,
        publish_at=publish_at,
        now=day_before,
    )
    for number, device in enumerate(product.devices.splitlines()):
        url = f"https://dl.example.com/{product.slug}/{release.version}/{number}.zip"
        preparing.add_build(
            release=release,
            device=device,
            download_url=url,
            size_bytes=5_900_000_000 - number,
            sha256=hashlib.sha256(url.encode()).hexdigest(),
        )
    areas = {area.name: area for area in product.areas.all()}
    for kind, area, item_title, description in items:
        changelog.add_changelog_item(
            release=release, kind=kind, title=item_title, area=areas[area], owners=[engineer], description=description
        )
    return preparing.schedule_release(release=release, now=day_before)


def _publish(release: Release) -> Release:
    assert publishing.publish_release(release=release, now=release.publish_at)
    release.refresh_from_db()
    return release


def build_chinese_site(*, now: datetime | None = None, min_reports: int = 2) -> ChineseSite:
    """The whole site; run it with after-commit work executed (django_capture_on_commit_callbacks)."""
    now = now or timezone.now()
    people = {row[0]: _person(*row) for row in PEOPLE}
    admin, mod, pm, engineer = (people[name] for name in ("管理员老雷", "版主阿强", "产品经理林", "工程师周"))
    fan, amei, zhang = people["米粉小王"], people["米粉阿美"], people["米粉老张"]
    boards = _boards()

    product = Product.objects.create(
        slug="miui",
        name="MIUI",
        description="手机系统，每周五发布开发版。",
        devices="小米手机\n红米手机",
        ideas_board=boards["ideas"],
    )
    for area in ("相机", "系统", "电池", "短信"):
        FeatureArea.objects.create(product=product, name=area)
    router = Product.objects.create(
        slug="router", name="小米路由器", description="路由器固件。", devices="路由器", position=1
    )
    FeatureArea.objects.create(product=router, name="无线")
    for person in (fan, amei, zhang):
        following.follow_product(product=product, user=person)

    # Ideas, before the releases that ship them.
    ideas = []
    for author, area, title, text, voters in [
        (
            fan,
            "系统",
            "希望锁屏可以显示农历",
            "锁屏时钟下面加一行**农历日期**。\n\n- 节气\n- 传统节日",
            [amei, zhang, engineer],
        ),
        (amei, "相机", "相机加入专业模式直方图", "拍照时能看到直方图，曝光更好判断。", [fan, zhang]),
        (zhang, "电池", "充电到八成自动停止", "夜里充电时到八成就停，保护电池。", [fan, amei, mod]),
        (fan, "短信", "短信按联系人归档", "验证码和通知太多了。", [amei]),
        (amei, "系统", "深色模式跟随日出日落", "按当地日出日落自动切换。", [zhang]),
        (zhang, "系统", "桌面图标可以随意摆放", "像电脑桌面一样。", []),
    ]:
        idea = proposing.propose_idea(
            board=boards["ideas"],
            author=author,
            title=title,
            source=text,
            product=product,
            area=FeatureArea.objects.get(product=product, name=area),
        )
        for voter in voters:
            voting.toggle_vote(idea=idea, user=voter)
        ideas.append(idea)
    lunar, histogram, charging, archive, dark, _icons = ideas

    friday = next_orange_friday(now)
    last_month = _release(
        product=product,
        author=admin,
        engineer=engineer,
        title="相机启动提速",
        items=[
            (Improved, "相机", "相机冷启动更快", "冷启动快了三成。"),
            (New, "短信", "短信按联系人分组", ""),
            (Fixed, "电池", "修复充电动画卡顿", ""),
            (Improved, "系统", "设置搜索更准", ""),
        ],
        publish_at=friday - timedelta(days=28),
    )
    last_month = _publish(last_month)
    this_week = _release(
        product=product,
        author=admin,
        engineer=engineer,
        title="农历锁屏和胶片滤镜",
        notes="本周开发版重点：锁屏农历和人像胶片滤镜。",
        items=[
            (New, "系统", "锁屏显示农历", "锁屏时钟下方显示农历日期、节气和传统节日。"),
            (New, "相机", "人像模式新增胶片滤镜", "三款胶片风格，拍摄时即可预览。"),
            (Improved, "电池", "夜间待机更省电", "夜间待机耗电平均降低一成。"),
            (Fixed, "系统", "修复无线网络断开的问题", "感谢提交日志的米粉。"),
        ],
        publish_at=now - timedelta(hours=3),
    )
    next_week = _release(
        product=product,
        author=admin,
        engineer=engineer,
        title="夜景模式升级",
        items=[
            (New, "相机", "夜景模式升级", "更快的夜景成像。"),
            (Fixed, "短信", "修复重复的短信通知", ""),
        ],
        publish_at=friday if friday > now + timedelta(hours=1) else friday + timedelta(days=7),
    )
    stable = _release(
        product=router,
        author=admin,
        engineer=engineer,
        channel=Release.Channel.STABLE,
        version="1.0.24",
        title="稳定版",
        items=[(Improved, "无线", "组网更稳定", "")],
        publish_at=now - timedelta(days=10),
    )
    stable = _publish(stable)

    # Ideas a report may await: under review or planned.
    statuses.set_status(idea=histogram, by=pm, status=Idea.Status.UNDER_REVIEW, note="相机团队在评估。")
    statuses.set_status(
        idea=charging, by=pm, status=Idea.Status.PLANNED, target_release=next_week, note="计划在下周开发版加入。"
    )
    statuses.set_status(idea=archive, by=pm, status=Idea.Status.UNDER_REVIEW)
    statuses.set_status(idea=dark, by=pm, status=Idea.Status.DECLINED, note="系统已支持定时深色模式。")

    # Last month's reports, frozen with the award; this week's, open.
    window = reports.window_of(last_month)
    reports.open_window(release=last_month, now=window.opens_at)
    items = list(last_month.changelog.order_by("position", "pk"))
    for number, (person, mood, loved, weakest, why) in enumerate(
        [
            (fan, Mood.LOVE_IT, 0, 3, "相机终于快了！"),
            (amei, Mood.HAPPY, 0, 1, ""),
            (zhang, Mood.SAD, 2, 1, "还是卡。"),
            (mod, Mood.LOOKING_FORWARD, 0, 2, ""),
        ]
    ):
        reports.submit_report(
            release=last_month,
            fan=person,
            mood=mood,
            loved=items[loved],
            weakest=items[weakest],
            awaited=[histogram, charging][number % 2],
            why_loved=why,
            now=window.opens_at + timedelta(hours=2 + number),
        )
    tally.freeze_release(release_id=last_month.pk, now=window.closes_at)

    statuses.set_status(
        idea=lunar,
        by=pm,
        status=Idea.Status.IN_BUILD,
        note="本周开发版就有！",
        changelog_item=this_week.changelog.get(title="锁屏显示农历"),
    )
    this_week = _publish(this_week)
    statuses.ship_released_ideas(now=now)
    reports.open_window(release=this_week, now=now)
    notices.invite_voters(release_id=this_week.pk, now=now)
    items = list(this_week.changelog.order_by("position", "pk"))
    for person, mood, loved, weakest in [(amei, Mood.HAPPY, 0, 2), (zhang, Mood.LOVE_IT, 1, 3)]:
        reports.submit_report(
            release=this_week,
            fan=person,
            mood=mood,
            loved=items[loved],
            weakest=items[weakest],
            awaited=charging,
            why_mood="很满意。",
            now=now,
        )

    # Polls in an idea's thread: one closed with its result posted, one open.
    closed = polling.open_poll(
        thread=histogram.thread,
        by=pm,
        question="直方图放在哪里？",
        choice="single",
        results="after_close",
        closes_at=now + timedelta(days=1),
        labels=("取景框上方", "取景框下方"),
        now=now - timedelta(hours=2),
    )
    for person, label in ((fan, "取景框上方"), (amei, "取景框上方"), (zhang, "取景框下方")):
        option = PollOption.objects.get(poll=closed, label=label)
        polling.cast_ballot(poll=closed, user=person, option_ids=[option.pk])
    polling.close_poll(poll=closed, by=pm, now=now - timedelta(minutes=30))
    poll = polling.open_poll(
        thread=histogram.thread,
        by=pm,
        question="下周先做哪一个？",
        choice="multiple",
        results="live",
        closes_at=now + timedelta(days=3),
        ideas=[charging, archive],
        labels=("都不要",),
    )
    polling.cast_ballot(poll=poll, user=amei, option_ids=[PollOption.objects.filter(poll=poll).first().pk])

    # Conversations.
    thread = posting.start_thread(
        board=boards["feedback"],
        author=fan,
        title="升级后无线网络偶尔断开",
        source="升级到本周开发版以后，无线网络大约每十分钟断开一次。\n\n"
        "| 机型 | 版本 |\n|---|---|\n| 红米手机 | 本周 |",
    )
    first = thread.posts.get()
    reply = posting.reply(
        thread=thread,
        author=engineer,
        source=f"> @米粉小王 [#{first.pk}](/p/{first.pk}/)\n"
        "> 无线网络大约每十分钟断开一次。\n\n"
        "收到，@米粉小王 能发一份日志吗？",
    )
    posting.reply(thread=thread, author=amei, source="我也遇到了，重启路由器后好一些。")
    posting.reply(thread=thread, author=zhang, source="同样的问题，等修复。")
    for liker in (amei, zhang, engineer):
        liking.toggle_like(post=first, user=liker)
    liking.toggle_like(post=reply, user=fan)
    edited = posting.reply(thread=thread, author=fan, source="日志已经发了。")
    posting.edit_post(post=edited, editor=fan, source="日志已经发到反馈邮箱了，谢谢！")
    thread_following.follow_thread(user=fan, thread=thread)

    locked = posting.start_thread(
        board=boards["feedback"], author=amei, title="通知栏闪烁", source="下拉通知栏会闪一下。"
    )
    posting.reply(thread=locked, author=engineer, source="下个版本修复。")
    moderation.set_thread_flag(thread=locked, moderator=mod, kind="lock", reason="已在下个版本修复")
    moved = posting.start_thread(board=boards["feedback"], author=zhang, title="夜景照片分享", source="昨晚拍的江边。")
    moderation.move_thread(thread=moved, moderator=mod, board=boards["photos"], reason="摄影作品放在摄影版块")
    rude = posting.reply(thread=moved, author=zhang, source="这张照片谁拍得出来？都是假的。")
    abuse = moderation.report_post(post=rude, reporter=amei, reason="人身攻击")
    hidden = posting.reply(thread=moved, author=zhang, source="广告内容。")
    moderation.set_post_hidden(post=hidden, moderator=mod, hidden=True, reason="广告")
    posting.start_thread(board=boards["staff"], author=mod, title="本周管理要点", source="周五发布后多看看反馈版块。")

    return ChineseSite(
        people=people,
        boards=boards,
        product=product,
        last_month=last_month,
        this_week=this_week,
        next_week=next_week,
        stable=stable,
        idea=histogram,
        poll=poll,
        thread=thread,
        locked=locked,
        reported_post=rude,
        edited_post=edited,
        abuse_report_id=abuse.pk,
    )

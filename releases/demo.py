"""Demo products, feature areas, last Friday's published build and next Friday's
scheduled one, built through the real preparing, changelog and publishing
functions (so last Friday's build has its announcement thread, as a real one would).

Run after the demo accounts and forum (the announcement needs the
"announcements" board and the admin account). Safe to run again: products,
areas and follows are only created when missing, releases only for a product
that has none.
"""

import hashlib
from datetime import datetime, timedelta

from django.utils import timezone

from accounts.models import User
from releases import changelog, following, preparing, publishing
from releases.models import ChangelogItem, FeatureArea, Product, Release
from releases.scheduling import next_orange_friday

New, Improved, Fixed = ChangelogItem.Kind.NEW, ChangelogItem.Kind.IMPROVED, ChangelogItem.Kind.FIXED

PRODUCTS = [
    # slug, name, description, devices, feature areas
    (
        "miui",
        "MIUI",
        "手机系统，每周五发布开发版。The phone OS: a development build every Friday.",
        ["Xiaomi 14", "Redmi K70"],
        ["Camera 相机", "Messages 短信", "Battery 电池", "System 系统"],
    ),
    (
        "router",
        "Router",
        "小米路由器固件。Firmware for Xiaomi routers.",
        ["Xiaomi Router BE7000"],
        ["Wi-Fi 无线", "System 系统"],
    ),
]

LAST_WEEK_ITEMS = [
    # kind, area, title, description
    (
        New,
        "System 系统",
        "锁屏显示农历 Lunar calendar on the lock screen",
        (
            "锁屏时钟下方显示农历日期、节气和传统节日。\n"
            "The lunar date, solar terms and festivals under the lock-screen clock."
        ),
    ),
    (
        New,
        "Camera 相机",
        "人像模式新增胶片滤镜 Film filters in portrait mode",
        "三款胶片风格，拍摄时即可预览。\nThree film looks, previewed while you shoot.",
    ),
    (
        Improved,
        "Battery 电池",
        "夜间待机更省电 Less battery drain overnight",
        "夜间待机耗电平均降低 12%。\nOvernight standby drain is down 12% on average.",
    ),
    (Improved, "Messages 短信", "验证码一键复制 One-tap copy for verification codes", ""),
    (
        Fixed,
        "System 系统",
        "修复 Wi-Fi 每隔约十分钟断开的问题 Wi-Fi no longer drops every ten minutes",
        "感谢在反馈版块提交日志的米粉。\nThanks to the fans who sent logs on the feedback board.",
    ),
]
NEXT_WEEK_ITEMS = [
    (New, "Camera 相机", "夜景模式 2.0 Night mode 2.0", "更快的夜景成像。\nFaster night shots."),
    (Fixed, "Messages 短信", "修复重复的短信通知 Duplicate message notifications", ""),
]
ROUTER_ITEMS = [
    (Improved, "Wi-Fi 无线", "Mesh 组网更稳定 Steadier mesh networking", ""),
    (Fixed, "System 系统", "修复重启后时区错误 Wrong time zone after a restart", ""),
]

# Earlier Orange Fridays, so the trend and the season's table have weeks to show: weeks before last
# Friday, title, items. Reported on and awarded by feedback.demo.
PAST_WEEKS = [
    (
        3,
        "相机启动提速 Faster camera start",
        [
            (Improved, "Camera 相机", "相机冷启动快 30% Camera opens 30% faster", ""),
            (New, "Messages 短信", "短信按联系人分组 Messages grouped by contact", ""),
            (Fixed, "Battery 电池", "修复充电动画卡顿 Smooth charging animation", ""),
            (Improved, "System 系统", "设置搜索更准 Better search in Settings", ""),
        ],
    ),
    (
        2,
        "省电模式升级 A better battery saver",
        [
            (
                New,
                "Battery 电池",
                "智能省电模式 Smart battery saver",
                "根据使用习惯自动省电。\nSaves power from your habits.",
            ),
            (Fixed, "Camera 相机", "修复夜景偏绿 Green tint in night shots", ""),
            (Improved, "Messages 短信", "快递短信卡片 Parcel message cards", ""),
            (Fixed, "System 系统", "修复通知栏闪烁 Flickering notification shade", ""),
        ],
    ),
    (
        1,
        "桌面小组件 Home screen widgets",
        [
            (New, "System 系统", "桌面天气小组件 Weather widget on the home screen", ""),
            (Improved, "Camera 相机", "人像虚化更自然 More natural portrait blur", ""),
            (Fixed, "Messages 短信", "修复彩信发送失败 MMS failing to send", ""),
            (Improved, "Battery 电池", "游戏时发热更少 Cooler while gaming", ""),
        ],
    ),
]


def create_products() -> dict[str, Product]:
    products = {}
    for position, (slug, name, description, devices, areas) in enumerate(PRODUCTS):
        product, _ = Product.objects.get_or_create(
            slug=slug,
            defaults={"name": name, "description": description, "devices": "\n".join(devices), "position": position},
        )
        for area in areas:
            FeatureArea.objects.get_or_create(product=product, name=area)
        products[slug] = product
    return products


def _fake_build(release: Release, device: str, size_bytes: int) -> None:
    url = f"https://dl.demo.canyu.localhost/{release.product.slug}/{release.version}/{device.replace(' ', '-')}.zip"
    preparing.add_build(
        release=release,
        device=device,
        download_url=url,
        size_bytes=size_bytes,
        sha256=hashlib.sha256(url.encode()).hexdigest(),
    )


def _prepare(
    *,
    product: Product,
    author,
    engineer,
    title: str,
    items,
    publish_at: datetime,
    channel=Release.Channel.WEEKLY,
    version: str = "",
    notes: str = "",
) -> Release:
    """A release with builds and changelog, scheduled for ``publish_at`` (as of a day before it)."""
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
        _fake_build(release, device, size_bytes=5_900_000_000 - number * 350_000_000)
    areas = {area.name: area for area in product.areas.all()}
    for kind, area, item_title, description in items:
        changelog.add_changelog_item(
            release=release, kind=kind, title=item_title, area=areas[area], owners=[engineer], description=description
        )
    return preparing.schedule_release(release=release, now=day_before)


def create_demo_releases(*, now: datetime | None = None) -> bool:
    """Create the demo products and releases once; returns whether releases were made.

    Not one transaction: each process function owns its own (they are durable),
    as when an admin prepares a release step by step.
    """
    now = now or timezone.now()
    products = create_products()
    miui = products["miui"]
    users = {u.username: u for u in User.objects.filter(username__in=["admin", "engineer", "fan", "米粉小王"])}
    admin, engineer = users["admin"], users["engineer"]  # engineer has the Engineer role (accounts.demo)
    for fan in (users["fan"], users["米粉小王"]):
        following.follow_product(product=miui, user=fan)
    if Release.objects.filter(product__in=products.values()).exists():
        return False

    this_friday = next_orange_friday(now)
    last_friday = this_friday - timedelta(days=7)

    router = _prepare(
        product=products["router"],
        author=admin,
        engineer=engineer,
        channel=Release.Channel.STABLE,
        version="1.0.24",
        title="稳定版 1.0.24 Stable 1.0.24",
        items=ROUTER_ITEMS,
        publish_at=last_friday - timedelta(days=14),
    )
    publishing.publish_release(release=router, now=router.publish_at)

    last_week = _prepare(
        product=miui,
        author=admin,
        engineer=engineer,
        title="农历锁屏和胶片滤镜 Lunar lock screen and film filters",
        notes="本周开发版重点：锁屏农历和人像胶片滤镜。\n\nThis week: the lunar lock screen and film filters.",
        items=LAST_WEEK_ITEMS,
        publish_at=last_friday,
    )
    # Published as the minute's tick would have published it last Friday at 17:00.
    publishing.publish_release(release=last_week, now=last_friday)

    _prepare(
        product=miui,
        author=admin,
        engineer=engineer,
        title="夜景模式 2.0 Night mode 2.0",
        items=NEXT_WEEK_ITEMS,
        publish_at=this_friday,
    )
    return True


def create_past_releases(*, now: datetime | None = None) -> list[Release]:
    """MIUI's builds of the Orange Fridays before last (PAST_WEEKS), published as the tick would have
    published them; returns those made (none if MIUI already has a build before last Friday's)."""
    now = now or timezone.now()
    miui = Product.objects.filter(slug="miui").first()
    users = {u.username: u for u in User.objects.filter(username__in=["admin", "engineer"])}
    if miui is None or len(users) < 2:
        return []
    last_friday = next_orange_friday(now) - timedelta(days=7)
    if Release.objects.filter(product=miui, channel=Release.Channel.WEEKLY, publish_at__lt=last_friday).exists():
        return []
    made = []
    for weeks, title, items in PAST_WEEKS:
        friday = last_friday - timedelta(days=7 * weeks)
        release = _prepare(
            product=miui, author=users["admin"], engineer=users["engineer"], title=title, items=items, publish_at=friday
        )
        publishing.publish_release(release=release, now=friday)
        made.append(release)
    return made

"""The notifications page on a phone: a line per thread and per liked post, plain and left-aligned,
usable without JavaScript."""

from playwright.sync_api import expect

from accounts.tests.factories import UserFactory
from forum import following, liking, posting
from forum.tests.factories import make_thread
from tests.browser.steps import assert_fits_the_phone, sign_in
from tests.browser.test_accessibility import _serious_violations


def _replies_and_likes():
    """For "ada": four replies by three people in a thread she follows, and three likes of her own post."""
    ada = UserFactory(username="ada")
    followed = make_thread(title="电池续航")
    following.follow_thread(user=ada, thread=followed)
    people = [UserFactory(username=name) for name in ("meimei", "ruirui", "bobo")]
    replies = []
    for number, person in enumerate(people + people[:1], start=1):
        # Each commits; its outbox job is relayed after the commit and runs in the test process.
        replies.append(posting.reply(thread=followed, author=person, source=f"{person.username} 的回复 {number}"))
    mine = make_thread(author=ada, title="相机样张", source="我拍的日落").posts.get()
    for person in people:
        liking.toggle_like(post=mine, user=person)
    return replies


def test_a_phone_shows_one_plain_left_aligned_line_per_thread_and_per_liked_post(live_server, browser):
    _replies_and_likes()
    # bypass_csp: axe is added to the page as a script, which the page's own CSP would refuse.
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True, locale="zh-CN", bypass_csp=True
    )
    phone = context.new_page()
    sign_in(phone, live_server.url, "ada")
    expect(phone.locator(".account-nav .unread-count")).to_have_text("2")  # lines, not notifications
    phone.goto(live_server.url + "/notifications/")
    lines = phone.locator("li.notification")
    expect(lines).to_have_count(2)
    expect(lines.nth(0)).to_contain_text("bobo 和另外 2 人赞了你在“相机样张”中的帖子")
    expect(lines.nth(0)).to_contain_text("我拍的日落")
    expect(lines.nth(1)).to_contain_text("“电池续航”中有 4 条回复")
    expect(lines.nth(1)).to_contain_text("meimei、bobo、ruirui")
    expect(lines.nth(1)).to_contain_text("meimei 的回复 4")
    opener = lines.nth(1).locator(".notification-open")
    style = opener.evaluate(
        "e => { const s = getComputedStyle(e); return [s.textAlign, s.fontWeight, s.textDecorationLine]; }"
    )
    assert style == ["left", "400", "none"]
    assert_fits_the_phone(phone)
    assert _serious_violations(phone) == []
    context.close()


def test_without_javascript_tapping_a_line_opens_its_first_unread_reply_and_reads_the_line(live_server, browser):
    first, *_ = _replies_and_likes()
    context = browser.new_context(
        viewport={"width": 360, "height": 740},
        is_mobile=True,
        has_touch=True,
        java_script_enabled=False,
        locale="en-US",
    )
    phone = context.new_page()
    sign_in(phone, live_server.url, "ada")
    phone.goto(live_server.url + "/notifications/")
    phone.locator("li.notification").nth(1).locator(".notification-open").click()
    expect(phone.locator(f"#p{first.pk}")).to_be_attached()
    phone.goto(live_server.url + "/notifications/")
    expect(phone.locator("li.notification.unread")).to_have_count(1)
    expect(phone.locator(".account-nav .unread-count")).to_have_text("1")
    context.close()

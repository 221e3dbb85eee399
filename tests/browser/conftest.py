"""Fixtures for tests that drive a real Chromium through Playwright.

Use ``live_server`` for the site and ``phone`` for a page::

    def test_something(live_server, phone):
        phone.goto(live_server.url + "/")

Every test under tests/browser/ gets the ``browser`` marker, so
``pytest -m "not browser"`` leaves them out.

Chromium is Debian's (``apt-get install chromium``); ``playwright install``
is not needed. Without it these tests are skipped, or fail when
CANYU_REQUIRE_BROWSER=1 (set it in CI so a missing browser is not silent).
CANYU_CHROMIUM points at another binary.

pytest-django's live server (Django's LiveServerThread) serves STATIC_URL and
also MEDIA_URL from settings.MEDIA_ROOT, whatever DEBUG is, so uploads made
during a test load in the browser as they do in production.

The live server needs a transactional database, which is flushed after each
test; the flush deletes rows made by migrations (the role groups of
accounts.0002_roles). So browser tests default to
``django_db(transaction=True, serialized_rollback=True)``: Django puts the
migrated rows back before each one. Restoring them collides with the content
types that a plain transactional test's flush recreates with new ids, so
browser tests run before every other transactional test.
"""

from pathlib import Path

import pytest
from pytest_django.fixtures import validate_django_db

from canyu.environment import env_bool, env_str

CHROMIUM = env_str("CANYU_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Long enough for a slow CI machine, short enough that a missing element
# fails the test in seconds rather than after Playwright's default 30 s.
TIMEOUT_MS = 10_000

HERE = Path(__file__).resolve().parent


def _is_browser_test(item) -> bool:
    return HERE in item.path.parents


def _flushes_database(item) -> bool:
    """Whether pytest-django runs this test in a transactional database, flushed afterwards."""
    marker = item.get_closest_marker("django_db")
    if marker is not None:
        transaction, reset_sequences, *_ = validate_django_db(marker)
        if transaction or reset_sequences:
            return True
    return bool({"transactional_db", "django_db_reset_sequences", "live_server"} & set(item.fixturenames))


def pytest_itemcollected(item):
    # Called for every test of the session, not only this folder's.
    if _is_browser_test(item):
        item.add_marker(pytest.mark.browser)
        if item.get_closest_marker("django_db") is None:
            item.add_marker(pytest.mark.django_db(transaction=True, serialized_rollback=True))


@pytest.hookimpl(trylast=True)  # after pytest-django has put transactional tests after the others
def pytest_collection_modifyitems(items):
    browser_tests = [item for item in items if _is_browser_test(item)]
    others = [item for item in items if not _is_browser_test(item)]
    first_flush = next((i for i, item in enumerate(others) if _flushes_database(item)), len(others))
    items[:] = others[:first_flush] + browser_tests + others[first_flush:]


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if call.when == "call" and report.failed and "phone" in item.funcargs:
        # The page is still open here; the phone fixture closes it later.
        page = item.funcargs["phone"]
        shot = item.funcargs["tmp_path"] / "failure.png"
        try:
            page.screenshot(path=shot, full_page=True)
            shot.with_suffix(".html").write_text(page.content(), encoding="utf-8")
            report.sections.append(
                ("browser", f"url: {page.url}\nscreenshot: {shot}\nhtml: {shot.with_suffix('.html')}")
            )
        except Exception as error:  # a dead browser must not hide the real failure
            report.sections.append(("browser", f"url: {page.url}\nno screenshot: {error}"))
    return report


# Package scope: one Chromium for all browser tests (they run one after the
# other, see above), gone before the rest of the session. See the comment on
# DJANGO_ALLOW_ASYNC_UNSAFE for why it must not outlive them.
@pytest.fixture(scope="package")
def browser():
    if not Path(CHROMIUM).is_file():
        reason = f"chromium not installed at {CHROMIUM}: apt-get install chromium"
        if env_bool("CANYU_REQUIRE_BROWSER", False):
            pytest.fail(f"{reason} (CANYU_REQUIRE_BROWSER=1 requires it)", pytrace=False)
        pytest.skip(f"{reason} (CANYU_REQUIRE_BROWSER=1 makes this a failure)")
    from django.db import connections
    from playwright.sync_api import sync_playwright

    snapshots = {alias: getattr(connections[alias], "_test_serialized_contents", None) for alias in connections}
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        # Playwright's sync API keeps an asyncio loop running in this thread
        # until it stops, and Django refuses ORM calls from a thread with a
        # running loop (SynchronousOnlyOperation), in the test and in the
        # transactional flush after it. No Django code runs on that loop; it
        # only drives the browser. Unset afterwards: subprocesses of later
        # tests (manage.py check --deploy) would inherit it and fail async.E001.
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        # With a loop running, django.db.connections hands this thread a
        # second set of connection objects (asgiref's thread-critical Local
        # switches to context storage), which lack the snapshot of migrated
        # rows taken when the test database was made; without it
        # serialized_rollback silently restores nothing.
        for alias, snapshot in snapshots.items():
            if snapshot is not None:
                connections[alias]._test_serialized_contents = snapshot
        # launch() gives every run a fresh temporary profile.
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def phone_locale():
    """The phone's language (Accept-Language and navigator.language).

    Override per test with ``@pytest.mark.parametrize("phone_locale", ["zh-CN"])``.
    """
    return "en-US"


@pytest.fixture
def phone(browser, phone_locale, tmp_path):
    """A page in a fresh context sized like a small Android phone, with its own cookies."""
    context = browser.new_context(
        viewport={"width": 360, "height": 740},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale=phone_locale,
    )
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    page = context.new_page()
    yield page
    context.close()

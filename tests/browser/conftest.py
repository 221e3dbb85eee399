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

The live server needs a transactional database. Any transactional test's
flush deletes the rows migrations made (the role groups of
accounts.0002_roles), so each browser test starts from those rows, restored
by ``_migrated_rows_restored``.
"""

from pathlib import Path

import pytest
from django.core.management import call_command

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


def pytest_itemcollected(item):
    # Called for every test of the session, not only this folder's.
    if HERE in item.path.parents:
        item.add_marker(pytest.mark.browser)
        if item.get_closest_marker("django_db") is None:
            # serialized_rollback: Django then snapshots the migrated rows
            # when it creates the test database (see _migrated_rows).
            item.add_marker(pytest.mark.django_db(transaction=True, serialized_rollback=True))


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
        except Exception as error:  # noqa: BLE001 - a dead browser must not hide the real failure
            report.sections.append(("browser", f"url: {page.url}\nno screenshot: {error}"))
    return report


@pytest.fixture(scope="package")
def _migrated_rows(django_db_setup) -> dict[str, str]:
    """Per database, the rows migrations made, as Django serialized them after creating it.

    Read before Playwright starts: see ``browser``.
    """
    from django.db import connections

    return {
        alias: connections[alias]._test_serialized_contents
        for alias in connections
        if hasattr(connections[alias], "_test_serialized_contents")
    }


# Package scope: one Chromium for all tests under tests/browser/, closed
# before the rest of the session (see DJANGO_ALLOW_ASYNC_UNSAFE below).
@pytest.fixture(scope="package")
def browser(_migrated_rows):
    if not Path(CHROMIUM).is_file():
        reason = f"chromium not installed at {CHROMIUM}: apt-get install chromium"
        if env_bool("CANYU_REQUIRE_BROWSER", False):
            pytest.fail(f"{reason} (CANYU_REQUIRE_BROWSER=1 requires it)", pytrace=False)
        pytest.skip(f"{reason} (CANYU_REQUIRE_BROWSER=1 makes this a failure)")
    from playwright.sync_api import sync_playwright

    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        # Playwright's sync API keeps an asyncio loop running in this thread
        # until it stops, and Django refuses ORM calls from a thread with a
        # running loop (SynchronousOnlyOperation), in the test and in the
        # flush after it. No Django code runs on that loop; it only drives
        # the browser. Unset afterwards: subprocesses of later tests
        # (manage.py check --deploy) would inherit it and fail async.E001.
        #
        # While the loop runs, django.db.connections also hands this thread a
        # second set of connection objects (asgiref's thread-critical Local
        # switches to context storage). They lack the snapshot Django keeps
        # for serialized_rollback, so Django neither restores it nor skips
        # post_migrate on flush: browser tests behave like plain transactional
        # tests, and _migrated_rows_restored does the restoring.
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        # launch() gives every run a fresh temporary profile.
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(autouse=True)
def _migrated_rows_restored(_migrated_rows, browser, transactional_db):
    # Flush first: an earlier transactional test's flush re-created content
    # types and permissions under new ids, which would collide with the
    # snapshot's. The flush after the test runs post_migrate, as for any
    # transactional test.
    from django.db import connections

    for alias, rows in _migrated_rows.items():
        call_command("flush", database=alias, interactive=False, inhibit_post_migrate=True, verbosity=0)
        connections[alias].creation.deserialize_db_from_string(rows)


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

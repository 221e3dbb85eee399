import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.test import Client
from django.urls import reverse

from accounts.models import User
from accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_saving_preferences_stores_language_and_time_zone(client, fan):
    response = client.post(reverse("accounts:preferences"), {"language": "zh-hans", "time_zone": "Europe/Berlin"})
    assert response.status_code == 302
    fan.refresh_from_db()
    assert (fan.language, fan.time_zone) == ("zh-hans", "Europe/Berlin")


def test_an_unknown_time_zone_is_refused(client, fan):
    response = client.post(reverse("accounts:preferences"), {"language": "en", "time_zone": "Mars/Olympus"})
    assert response.status_code == 400
    assert response.context["form"].has_error("time_zone", "invalid_choice")
    assert User.objects.get(pk=fan.pk).time_zone == "Asia/Shanghai"


def test_a_signed_in_users_language_wins_over_the_browser(client, fan):
    User.objects.filter(pk=fan.pk).update(language="zh-hans")
    response = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en")
    assert '<html lang="zh-hans">' in response.content.decode()


def test_times_are_shown_in_the_users_zone(client, fan):
    url = reverse("profile", args=[fan.username])
    assert "+08:00" in client.get(url).content.decode()  # default: Asia/Shanghai
    User.objects.filter(pk=fan.pk).update(time_zone="America/New_York")
    html = client.get(url).content.decode()
    assert "+08:00" not in html
    assert ("-05:00" in html) or ("-04:00" in html)  # EST or EDT, whatever today is


def test_anonymous_language_switch_is_remembered_in_a_cookie(client):
    response = client.post(reverse("accounts:set_language"), {"language": "en", "next": "/u/x/"})
    assert response.status_code == 302 and response.url == "/u/x/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert '<html lang="en">' in client.get(reverse("home")).content.decode()


def test_language_switch_is_saved_on_the_account(client, fan):
    client.post(reverse("accounts:set_language"), {"language": "en", "next": "/"})
    assert User.objects.get(pk=fan.pk).language == "en"


def test_language_switch_does_not_redirect_off_site(client):
    response = client.post(reverse("accounts:set_language"), {"language": "en", "next": "https://evil.example/"})
    assert response.url == "/"


def test_language_switch_refuses_an_unknown_language(client):
    response = client.post(reverse("accounts:set_language"), {"language": "xx", "next": "/"})
    assert response.status_code == 400


def test_views_get_the_user_itself_not_a_lazy_wrapper(client):
    user = UserFactory()
    client.force_login(user)
    assert type(client.get("/settings/").wsgi_request.user) is User
    assert type(Client().get("/settings/").wsgi_request.user) is AnonymousUser


def test_the_time_zone_picker_offers_the_common_zones_first_by_their_chinese_names(client, fan):
    html = client.get(reverse("accounts:preferences"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    common, everything = html.split('<optgroup label="常用时区">')[1].split('<optgroup label="全部时区">')
    assert '<option value="Asia/Shanghai" selected>北京时间（中国） (UTC+8)</option>' in common
    assert '<option value="Asia/Kolkata">印度 (UTC+5:30)</option>' in common
    assert common.count("<option") < 30 and "Asia/Shanghai" not in everything  # listed once
    assert '<option value="America/Argentina/Buenos_Aires">布宜诺斯艾利斯（阿根廷）</option>' in everything
    assert '<option value="America/Denver">丹佛（美国）</option>' in everything
    # One zone per region, by its current name: no "US/Mountain" beside Denver, no "Factory".
    assert 'value="US/Mountain"' not in html and 'value="Factory"' not in html


def test_the_other_zones_are_named_in_english_for_an_english_reader(client, fan):
    html = client.get(reverse("accounts:preferences"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<option value="America/Denver">Denver (United States)</option>' in html
    assert '<option value="Asia/Kolkata">India (UTC+5:30)</option>' in html


def test_a_zone_stored_under_an_older_name_shows_as_chosen_and_can_be_kept(client, fan):
    User.objects.filter(pk=fan.pk).update(time_zone="US/Eastern")
    html = client.get(reverse("accounts:preferences"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert '<option value="US/Eastern" selected>纽约（美国） (UTC' in html
    response = client.post(reverse("accounts:preferences"), {"language": "zh-hans", "time_zone": "US/Eastern"})
    assert response.status_code == 302 and User.objects.get(pk=fan.pk).time_zone == "US/Eastern"


def test_each_language_is_named_in_itself_and_marked_as_that_language(client, fan):
    html = client.get(reverse("accounts:preferences"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert '<option value="en" lang="en">English</option>' in html

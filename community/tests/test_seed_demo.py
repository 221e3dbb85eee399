import pytest
from django.core.management import call_command

from accounts.models import User
from forum.models import Board, Post, Thread


@pytest.mark.django_db
def test_demo_data_is_created_once(capsys):
    call_command("seed_demo")
    counts = (User.objects.count(), Board.objects.count(), Thread.objects.count(), Post.objects.count())
    call_command("seed_demo")
    assert (User.objects.count(), Board.objects.count(), Thread.objects.count(), Post.objects.count()) == counts
    assert counts[0] == 6 and counts[2] >= 5
    out = capsys.readouterr().out
    assert "canyu-demo-2026" in out and "pm_lin" in out


@pytest.mark.django_db
def test_demo_data_is_refused_in_production(settings):
    settings.PRODUCTION = True
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("seed_demo")
    assert not User.objects.exists()


@pytest.mark.django_db
def test_the_demo_photography_board_shows_pictures(client):
    from forum.models import PostImage

    call_command("seed_demo")
    board = Board.objects.get(slug="photography")
    html = client.get(board.threads.order_by("pk").first().get_absolute_url()).content.decode()
    assert board.threads.count() >= 3
    assert PostImage.objects.filter(attached_at__isnull=False).count() >= 3
    assert '<img src="/media/posts/' in html and 'alt="晚霞中的远山 Mountains under a sunset sky"' in html
    image = PostImage.objects.order_by("pk").first()
    assert image.image.storage.exists(image.image.name) and image.thumbnail.storage.exists(image.thumbnail.name)


@pytest.mark.django_db
def test_the_demo_has_earlier_weeks_reported_and_awarded(client, settings):
    from feedback.models import Award, ReleaseTally

    settings.VOTING_AWARD_MIN_REPORTS = 3  # as `make run` sets it
    call_command("seed_demo")
    frozen = ReleaseTally.objects.filter(frozen_at__isnull=False, release__product__slug="miui")
    assert frozen.count() >= 3 and all(tally.report_count == 5 for tally in frozen)
    assert Award.objects.values("release").distinct().count() >= 3
    client.force_login(User.objects.get(username="pm_lin"))
    trend = client.get("/feedback/miui/").content.decode()
    weeks = trend.split('<ul class="trend-weeks">')[1].split("</ul>")[0]
    assert weeks.count("<li>") >= 4 and weeks.count("🍿") >= 3  # this week's window and three awarded weeks
    latest = Award.objects.latest("granted_at").season  # the season of the demo's last award, whatever today is
    season = client.get(f"/awards/?season={latest}").content.decode().split('id="season-heading"')[1]
    assert "No awards in this season yet." not in season and "season-table" in season

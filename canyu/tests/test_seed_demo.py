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

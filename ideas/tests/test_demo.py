import pytest
from django.core.management import call_command
from django.urls import reverse

from ideas.models import Idea

pytestmark = pytest.mark.django_db


def test_seed_demo_makes_ideas_in_every_state_once(client):
    call_command("seed_demo")
    call_command("seed_demo")
    statuses = set(Idea.objects.values_list("status", flat=True))
    assert {"shipped", "planned", "under_review", "declined", "new"} <= statuses
    assert Idea.objects.filter(thread__title="希望锁屏可以显示农历", status="shipped").exists()
    assert client.get(reverse("ideas:list", args=["miui"])).status_code == 200
    roadmap = client.get(reverse("ideas:roadmap", args=["miui"]))
    assert roadmap.context["columns"]["shipped"] and roadmap.context["columns"]["planned"]

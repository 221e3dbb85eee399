"""A demo engineering-sample programme for the Router: two samples, a board for the build diaries,
the demo fan applied and selected (with their diary), 米粉小王 applied. Built through the real
functions; safe to run again: it makes nothing once the programme exists."""

from datetime import timedelta

from django.utils import timezone

from accounts.models import User
from forum.models import Board
from releases.models import Product
from samples import applying, selecting
from samples.models import Programme

TITLE = "路由器工程样机招募 Router engineering samples"


def create_demo_programme() -> bool:
    if Programme.objects.filter(title=TITLE).exists():
        return False
    product = Product.objects.filter(slug="router").first() or Product.objects.first()
    if product is None:
        return False
    admin = User.objects.get(username="admin")
    board, _created = Board.objects.get_or_create(
        slug="build-diaries",
        defaults={
            "name": "组装日记 Build diaries",
            "description": "Engineering samples, built by fans. 工程样机组装日记。",
        },
    )
    programme = Programme.objects.create(
        title=TITLE,
        product=product,
        description="两台样机，动手组装并分享照片。Two samples to assemble; share your build photos.",
        questions="你为什么想要样机？ Why do you want a sample?\n你会先测试什么？ What will you test first?",
        samples=2,
        board=board,
        published=True,
        closes_at=timezone.now() + timedelta(days=10),
        created_by=admin,
    )
    for username in ["fan", "米粉小王"]:
        applying.apply_for_sample(
            programme=programme,
            fan=User.objects.get(username=username),
            answers=["我家需要 Mesh。I need mesh at home.", "穿墙 Range through walls."],
        )
    selecting.select_applicant(application=programme.applications.get(fan__username="fan"), by=admin)
    return True

from datetime import timedelta

from django.utils import timezone

from accounts.tests.factories import UserFactory
from forum.tests.factories import BoardFactory
from releases.tests.factories import ProductFactory
from samples.models import Programme


def make_programme(*, samples=2, closes_in=timedelta(days=7), published=True, title="Router AX9000 samples"):
    return Programme.objects.create(
        title=title,
        product=ProductFactory(),
        questions="Why do you want one?\nWhat will you test first?",
        samples=samples,
        board=BoardFactory(),
        published=published,
        closes_at=timezone.now() + closes_in,
        created_by=UserFactory(is_staff=True),
    )

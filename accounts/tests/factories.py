from datetime import timedelta

import factory
from allauth.account.models import EmailAddress
from django.utils import timezone

from accounts.activity import site_today
from accounts.models import User
from accounts.roles import Role, grant_role

PASSWORD = "a-long-test-password-9"


class UserFactory(factory.django.DjangoModelFactory):
    """A fan with a verified e-mail address, as sign-up plus confirmation leaves them."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"fan{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.django.Password(PASSWORD)
    # An established fan; tests about brand-new accounts set date_joined.
    date_joined = factory.LazyFunction(lambda: timezone.now() - timedelta(days=30))
    # Already seen today, so a test's first request makes no activity UPDATE (accounts.activity).
    last_active_on = factory.LazyFunction(site_today)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if not create:
            return
        grant_role(self, Role.FAN)
        for role in extracted or []:
            grant_role(self, role)
        EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)

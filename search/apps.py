from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = _("Search")

    def ready(self):
        from django.db.models.signals import post_save

        from accounts.models import User
        from accounts.signals import profile_changed
        from search import people

        # The index of people is kept like a cache of the user rows (search/people.py says why).
        post_save.connect(people.user_saved, sender=User, dispatch_uid="search.people.user_saved")
        profile_changed.connect(people.profile_changed, dispatch_uid="search.people.profile_changed")

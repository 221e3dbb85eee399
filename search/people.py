"""People in the index: a person's document follows their account's name and whether it is active.

accounts sits below this app and does not call it, so the index of people is
kept like a cache of the user rows (STYLE.md: signals for caches only): a
receiver of User's post_save (sign-up, the admin's edits, deactivation) and of
accounts.signals.profile_changed (the profile form writes the display name
with an UPDATE) writes the person's document, inside the save's transaction
when there is one. What a person's document holds is only their names, which
everyone reads on their profile anyway; an inactive account's is hidden.
"""

from django.db import transaction

from accounts.models import User
from search import indexing

NAME_FIELDS = frozenset({"username", "display_name", "is_active"})


def index_person(user: User) -> None:
    with transaction.atomic():
        indexing.put_person(
            user_id=user.pk,
            username=user.username,
            display_name=user.display_name,
            active=user.is_active,
            joined_at=user.date_joined,
        )


def user_saved(sender, instance: User, created: bool, update_fields=None, raw: bool = False, **kwargs) -> None:
    """post_save of User: a save of only other fields (last_login at each sign-in) changes nothing here."""
    if raw or (update_fields is not None and not NAME_FIELDS & set(update_fields)):
        return
    index_person(instance)


def profile_changed(sender, user_id: int, **kwargs) -> None:
    user = User.objects.filter(pk=user_id).first()
    if user is not None:
        index_person(user)

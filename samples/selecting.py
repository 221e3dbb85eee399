"""Selecting fans for the samples, and finishing the selection.

Never more fans selected than there are samples, however many staff click at once: each selection
is one transaction that first moves ``selected_count`` by a conditional UPDATE (``selected_count <
samples AND state = 'open'``; the database refuses more, ``samples_selected_within_samples``), then
claims the application (``status = 'applied'`` → ``selected``): a lost claim rolls the count back.
The selected fan's build diary thread is started in the programme's board and they are told, in the
same commit. Finishing is a conditional UPDATE too (``open`` → ``finished``): the fans not selected
are told once, in batches after the commit, by a task.
"""

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import translation
from django.utils.translation import gettext as _

import outbox
from forum import posting
from notifications.delivery import notify
from notifications.models import Kind
from samples.applying import SampleRefused
from samples.models import Application, Programme

NOTIFY_BATCH = 2000


def may_select(user) -> bool:
    return user.is_authenticated and user.is_staff


@transaction.atomic(durable=True)
def select_applicant(*, application: Application, by) -> Application:
    """Select one application: a sample for the fan, a diary thread, a notification. Refused when
    the samples are all given, the selection is finished, or the application was decided already."""
    if not may_select(by):
        raise SampleRefused(_("Only staff select the fans who get samples."))
    counted = Programme.objects.filter(
        pk=application.programme_id, state=Programme.State.OPEN, selected_count__lt=F("samples")
    ).update(selected_count=F("selected_count") + 1)
    if counted != 1:
        raise SampleRefused(_("Every sample is given, or the selection is finished."))
    claimed = Application.objects.filter(pk=application.pk, status=Application.Status.APPLIED).update(
        status=Application.Status.SELECTED
    )
    if claimed != 1:
        # Raising rolls back the count taken above.
        raise SampleRefused(_("This application was decided already."))
    application = Application.objects.select_related("programme__board", "fan").get(pk=application.pk)
    programme, fan = application.programme, application.fan
    with translation.override(settings.LANGUAGE_CODE):
        title = _("Build diary: %(fan)s and %(programme)s") % {"fan": fan.username, "programme": programme.title}
        source = _("Photos and notes from building the engineering sample. Post your progress here.")
        news = _("you are selected: your build diary is open")
    diary = posting.add_thread(board=programme.board, author=fan, title=title[:120], source=source, spam_limits=False)
    Application.objects.filter(pk=application.pk).update(diary=diary)
    application.diary = diary
    notify(
        recipient_ids=[fan.pk],
        kind=Kind.SAMPLE,
        key=f"sample:{programme.pk}:selected",
        params={"title": programme.title, "news": news},
        url=diary.get_absolute_url(),
    )
    return application


@transaction.atomic(durable=True)
def finish_selection(*, programme: Programme, by) -> bool:
    """End the selection: the applications not selected become "not selected", and their fans are
    told after the commit. True only for the one call that finished it."""
    if not may_select(by):
        raise SampleRefused(_("Only staff select the fans who get samples."))
    if (
        Programme.objects.filter(pk=programme.pk, state=Programme.State.OPEN).update(state=Programme.State.FINISHED)
        != 1
    ):
        return False
    Application.objects.filter(programme_id=programme.pk, status=Application.Status.APPLIED).update(
        status=Application.Status.NOT_SELECTED
    )
    outbox.enqueue("samples.tasks.tell_not_selected", programme.pk)
    return True


def tell_not_selected(*, programme_id: int) -> int:
    """Tell the fans not selected, once each (notify's key), in batches; safe to run again."""
    programme = Programme.objects.get(pk=programme_id)
    with translation.override(settings.LANGUAGE_CODE):
        news = _("the samples went to other fans this time; thank you for applying")
    fan_ids = list(
        Application.objects.filter(programme=programme, status=Application.Status.NOT_SELECTED)
        .order_by("fan_id")
        .values_list("fan_id", flat=True)
    )
    told = 0
    for start in range(0, len(fan_ids), NOTIFY_BATCH):
        told += notify(
            recipient_ids=fan_ids[start : start + NOTIFY_BATCH],
            kind=Kind.SAMPLE,
            key=f"sample:{programme.pk}:not_selected",
            params={"title": programme.title, "news": news},
            url=programme.get_absolute_url(),
        )
    return told

import pytest
from django.core import mail

from accounts.tests.factories import UserFactory
from forum import following
from forum.models import ThreadFollow
from ideas import statuses, voting
from ideas.models import Idea, IdeaVote, StatusChange
from ideas.proposing import IdeaRefused
from ideas.tests.factories import make_idea, make_pm
from notifications import preferences
from notifications.models import EmailChoice, Kind, Notification
from releases.models import Release
from releases.tests.factories import make_release

pytestmark = pytest.mark.django_db
Status = Idea.Status


def voters(idea):
    return set(IdeaVote.objects.filter(idea=idea).values_list("user_id", flat=True))


def told(key_prefix):
    return sorted(
        Notification.objects.filter(kind=Kind.IDEA, key__startswith=key_prefix).values_list("recipient_id", flat=True)
    )


def test_a_product_manager_moves_an_idea_and_the_history_says_so():
    idea, pm = make_idea(), make_pm()
    change = statuses.set_status(idea=idea, by=pm, status=Status.UNDER_REVIEW, note="We are looking at it.")
    idea.refresh_from_db()
    assert (idea.status, idea.status_note) == (Status.UNDER_REVIEW, "We are looking at it.")
    assert (change.from_status, change.to_status, change.by, change.note) == (
        Status.NEW,
        Status.UNDER_REVIEW,
        pm,
        "We are looking at it.",
    )


def test_a_fan_cannot_change_the_status():
    idea = make_idea()
    with pytest.raises(IdeaRefused, match="Only product managers"):
        statuses.set_status(idea=idea, by=UserFactory(), status=Status.UNDER_REVIEW, note="")
    assert Idea.objects.get(pk=idea.pk).status == Status.NEW and not StatusChange.objects.exists()


def test_shipped_is_not_set_by_hand():
    idea = make_idea()
    with pytest.raises(IdeaRefused, match="cannot become shipped"):
        statuses.set_status(idea=idea, by=make_pm(), status=Status.SHIPPED, note="")
    assert Idea.objects.get(pk=idea.pk).status == Status.NEW


def test_declining_needs_a_note():
    idea = make_idea()
    with pytest.raises(IdeaRefused, match="why"):
        statuses.set_status(idea=idea, by=make_pm(), status=Status.DECLINED, note="  ")
    assert Idea.objects.get(pk=idea.pk).status == Status.NEW


def test_planned_for_a_release_of_the_same_product():
    idea = make_idea()
    release = make_release(product=idea.product)
    statuses.set_status(idea=idea, by=make_pm(), status=Status.PLANNED, note="", target_release=release)
    assert Idea.objects.get(pk=idea.pk).target_release == release


def test_planned_for_a_release_of_another_product_is_refused():
    idea = make_idea()
    with pytest.raises(IdeaRefused, match="same product"):
        statuses.set_status(idea=idea, by=make_pm(), status=Status.PLANNED, note="", target_release=make_release())
    assert Idea.objects.get(pk=idea.pk).status == Status.NEW


def test_planned_for_a_published_release_is_refused():
    idea = make_idea()
    release = make_release(product=idea.product)
    Release.objects.filter(pk=release.pk).update(state=Release.State.PUBLISHED, published_at=release.publish_at)
    with pytest.raises(IdeaRefused, match="published already"):
        statuses.set_status(idea=idea, by=make_pm(), status=Status.PLANNED, note="", target_release=release)
    assert Idea.objects.get(pk=idea.pk).status == Status.NEW


def test_in_build_with_an_item_of_another_product_is_refused():
    idea = make_idea()
    item = make_release().changelog.get()
    with pytest.raises(IdeaRefused, match="same product"):
        statuses.set_status(idea=idea, by=make_pm(), status=Status.IN_BUILD, note="", changelog_item=item)
    assert Idea.objects.get(pk=idea.pk).status == Status.NEW


def test_in_build_links_the_item_and_its_release():
    idea = make_idea()
    item = make_release(product=idea.product).changelog.get()
    statuses.set_status(idea=idea, by=make_pm(), status=Status.IN_BUILD, note="", changelog_item=item)
    idea.refresh_from_db()
    assert (idea.status, idea.changelog_item, idea.target_release) == (Status.IN_BUILD, item, item.release)


def test_the_second_of_two_product_managers_is_told_the_idea_changed():
    idea = make_idea()
    stale = Idea.objects.get(pk=idea.pk)
    statuses.set_status(idea=idea, by=make_pm(), status=Status.UNDER_REVIEW, note="")
    with pytest.raises(IdeaRefused, match="changed meanwhile"):
        statuses.set_status(idea=stale, by=make_pm(), status=Status.DECLINED, note="No.")
    assert Idea.objects.get(pk=idea.pk).status == Status.UNDER_REVIEW and StatusChange.objects.count() == 1


def test_merging_an_idea_into_itself_is_refused():
    idea = make_idea(votes=[UserFactory()])
    with pytest.raises(IdeaRefused, match="itself"):
        statuses.merge_idea(idea=idea, into=idea, by=make_pm(), note="")
    assert Idea.objects.get(pk=idea.pk).status == Status.NEW and len(voters(idea)) == 1


def test_merging_into_a_circle_is_refused_and_nothing_moves():
    first = make_idea(votes=[UserFactory()])
    second = make_idea(product=first.product, votes=[UserFactory()])
    statuses.merge_idea(idea=second, into=first, by=make_pm(), note="")
    with pytest.raises(IdeaRefused, match="circle"):
        statuses.merge_idea(idea=first, into=second, by=make_pm(), note="")
    first.refresh_from_db()
    assert (first.status, first.vote_count, len(voters(first))) == (Status.NEW, 2, 2)


def test_merging_into_a_duplicate_merges_into_what_it_was_merged_into():
    first = make_idea()
    second, third = make_idea(product=first.product), make_idea(product=first.product, votes=[UserFactory()])
    statuses.merge_idea(idea=second, into=first, by=make_pm(), note="")
    statuses.merge_idea(idea=third, into=second, by=make_pm(), note="")
    assert Idea.objects.get(pk=third.pk).merged_into == first
    assert Idea.objects.get(pk=first.pk).vote_count == 1


def test_merging_ideas_of_different_products_is_refused():
    idea = make_idea()
    with pytest.raises(IdeaRefused, match="same product"):
        statuses.merge_idea(idea=idea, into=make_idea(), by=make_pm(), note="")


def test_a_fan_cannot_merge_ideas():
    idea = make_idea()
    with pytest.raises(IdeaRefused, match="Only product managers"):
        statuses.merge_idea(idea=idea, into=make_idea(product=idea.product), by=UserFactory(), note="")
    assert Idea.objects.get(pk=idea.pk).status == Status.NEW


def test_merging_moves_votes_without_counting_anyone_twice():
    both, only_source, only_target = UserFactory(), UserFactory(), UserFactory()
    source = make_idea(votes=[both, only_source])
    target = make_idea(product=source.product, votes=[both, only_target])
    statuses.merge_idea(idea=source, into=target, by=make_pm(), note="Same request.")
    source.refresh_from_db()
    target.refresh_from_db()
    assert (source.status, source.merged_into, source.vote_count, voters(source)) == (
        Status.DUPLICATE,
        target,
        0,
        set(),
    )
    assert (target.vote_count, voters(target)) == (3, {both.pk, only_source.pk, only_target.pk})


def test_merging_moves_followers_without_following_twice():
    source = make_idea()
    target = make_idea(product=source.product)
    fan = UserFactory()
    following.follow_thread(user=fan, thread=source.thread)
    following.follow_thread(user=fan, thread=target.thread)
    statuses.merge_idea(idea=source, into=target, by=make_pm(), note="")
    assert not ThreadFollow.objects.filter(thread=source.thread).exists()
    assert set(ThreadFollow.objects.filter(thread=target.thread).values_list("user_id", flat=True)) == {
        source.thread.author_id,
        target.thread.author_id,
        fan.pk,
    }


def test_a_merge_tells_the_duplicates_fans_once_and_not_the_targets(django_capture_on_commit_callbacks):
    source_voter, target_voter = UserFactory(), UserFactory()
    source = make_idea(votes=[source_voter])
    target = make_idea(product=source.product, votes=[target_voter])
    with django_capture_on_commit_callbacks(execute=True):
        change = statuses.merge_idea(idea=source, into=target, by=make_pm(), note="")
    assert told(f"idea:{source.pk}:") == sorted([source_voter.pk, source.thread.author_id])
    assert told(f"idea:{target.pk}:") == []
    assert Notification.objects.get(recipient=source_voter).key == f"idea:{source.pk}:status:{change.pk}"


def test_voters_and_followers_are_told_of_a_change_once(django_capture_on_commit_callbacks):
    voter_and_follower, voter = UserFactory(), UserFactory()
    idea = make_idea(votes=[voter_and_follower, voter])
    following.follow_thread(user=voter_and_follower, thread=idea.thread)
    pm = make_pm()
    following.follow_thread(user=pm, thread=idea.thread)
    with django_capture_on_commit_callbacks(execute=True):
        change = statuses.set_status(idea=idea, by=pm, status=Status.UNDER_REVIEW, note="Looking.")
    statuses.notify_status_change(change_id=change.pk)  # a redelivered task
    assert told(f"idea:{idea.pk}:") == sorted([voter_and_follower.pk, voter.pk, idea.thread.author_id])
    notification = Notification.objects.get(recipient=voter)
    assert notification.message == f"{idea.thread.title}: Under review"


def test_the_fan_out_walks_voters_and_followers_in_batches(settings, django_capture_on_commit_callbacks):
    settings.VOTING_NOTIFY_BATCH = 2
    fans = [UserFactory() for _ in range(5)]
    idea = make_idea(votes=fans[:3])
    for fan in fans[2:]:
        following.follow_thread(user=fan, thread=idea.thread)
    with django_capture_on_commit_callbacks(execute=True):
        statuses.set_status(idea=idea, by=make_pm(), status=Status.UNDER_REVIEW, note="")
    assert told(f"idea:{idea.pk}:") == sorted([fan.pk for fan in fans] + [idea.thread.author_id])


@pytest.mark.parametrize(("choice", "mails"), [(EmailChoice.IMMEDIATE, 1), (EmailChoice.OFF, 0)])
def test_a_voters_email_preference_is_respected(choice, mails, django_capture_on_commit_callbacks):
    voter = UserFactory()
    preferences.save_email_choices(user_id=voter.pk, choices={Kind.IDEA: choice})
    idea = make_idea(votes=[voter])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        statuses.set_status(idea=idea, by=make_pm(), status=Status.UNDER_REVIEW, note="")
    assert len([m for m in mail.outbox if voter.email in m.to]) == mails
    assert Notification.objects.filter(recipient=voter, kind=Kind.IDEA).count() == 1


def test_status_changes_by_default_go_to_the_daily_digest_not_right_away(django_capture_on_commit_callbacks):
    voter = UserFactory()
    idea = make_idea(votes=[voter])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        statuses.set_status(idea=idea, by=make_pm(), status=Status.UNDER_REVIEW, note="")
    assert [m for m in mail.outbox if voter.email in m.to] == []
    assert Notification.objects.filter(recipient=voter, kind=Kind.IDEA, emailed_at=None).count() == 1


def test_taking_back_a_vote_before_the_change_means_no_notification(django_capture_on_commit_callbacks):
    voter = UserFactory()
    idea = make_idea(votes=[voter])
    voting.toggle_vote(idea=idea, user=voter)
    with django_capture_on_commit_callbacks(execute=True):
        statuses.set_status(idea=idea, by=make_pm(), status=Status.UNDER_REVIEW, note="")
    assert not Notification.objects.filter(recipient=voter).exists()

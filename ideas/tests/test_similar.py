"""Similar titles: Latin words and Chinese character pairs, stop words left out, one index query."""

import pytest

from accounts.roles import Role
from accounts.tests.factories import UserFactory
from forum import moderation
from ideas import similar
from ideas.models import IdeaTerm
from ideas.tests.factories import ideas_product, propose

pytestmark = pytest.mark.django_db


def test_latin_titles_give_case_folded_words_without_plurals_or_stop_words():
    assert similar.terms("Add a DARK mode for the Photos app") == {"dark", "mode", "photo", "app"}


def test_chinese_titles_give_pairs_of_characters_without_the_common_ones():
    assert similar.terms("希望增加深色模式") == {"望增", "加深", "深色", "色模", "模式"}


def test_mixed_titles_and_full_width_letters_are_normalised():
    assert similar.terms("ＭＩＵＩ 相机 HDR") == {"miui", "相机", "hdr"}


def test_a_title_of_only_stop_words_has_no_terms():
    assert similar.terms("please add support") == set()


def test_proposing_stores_the_title_terms():
    idea = propose(ideas_product(), title="Dark mode for messages")
    assert set(IdeaTerm.objects.filter(idea=idea).values_list("term", flat=True)) == {"dark", "mode", "message"}
    assert idea.term_count == 3


def test_a_chinese_title_finds_the_idea_worded_differently():
    product = ideas_product()
    wanted = propose(product, title="深色模式")
    propose(product, title="相机夜景")
    assert similar.similar_ideas(product=product, title="希望增加深色模式") == [wanted]


def test_the_most_similar_comes_first_and_unrelated_ideas_are_left_out():
    product = ideas_product()
    close = propose(product, title="Dark mode for messages")
    farther = propose(product, title="Dark mode for the lock screen")
    propose(product, title="Dark wallpapers for the lock screen and home screen")  # shares one word in eight
    propose(product, title="Faster charging")
    assert similar.similar_ideas(product=product, title="dark mode in messages") == [close, farther]


def test_ideas_of_other_products_and_merged_duplicates_are_not_suggested(django_user_model):
    from ideas import statuses
    from ideas.tests.factories import make_pm

    product = ideas_product()
    kept = propose(product, title="Dark mode")
    merged = propose(product, title="Dark mode please")
    statuses.merge_idea(idea=merged, into=kept, by=make_pm())
    propose(ideas_product(), title="Dark mode")
    assert similar.similar_ideas(product=product, title="dark mode") == [kept]


def test_suggestions_cost_two_queries(django_assert_num_queries):
    product = ideas_product()
    for number in range(5):
        propose(product, title=f"Dark mode variant {number}")
    with django_assert_num_queries(2):
        assert len(similar.similar_ideas(product=product, title="dark mode")) == 5


def test_a_hidden_idea_is_never_suggested():
    """The suggestions come from the search index, which a moderator's hide updates in its transaction."""
    product = ideas_product()
    hidden = propose(product, title="Dark mode for messages")
    assert similar.similar_ideas(product=product, title="dark mode") == [hidden]
    moderator = UserFactory(roles=[Role.MODERATOR])
    moderation.set_thread_flag(thread=hidden.thread, moderator=moderator, kind="hide_thread")
    assert similar.similar_ideas(product=product, title="dark mode") == []


def test_a_title_is_found_by_a_word_inside_a_longer_chinese_title():
    """ "充电" finds "充电到 80% 自动停止" (issue 19): Chinese words and pairs from the index, not whole titles."""
    product = ideas_product()
    wanted = propose(product, title="充电到 80% 自动停止 Stop charging at 80%")
    assert similar.similar_ideas(product=product, title="充电", threshold=0) == [wanted]
    assert similar.similar_ideas(product=product, title="charging", threshold=0) == [wanted]

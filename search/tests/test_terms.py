"""Text into terms: Chinese words, pairs and characters; English stemmed; nothing typed becomes an operator."""

import pytest

from search.terms import document_terms, parse_query, stem


def test_forms_of_an_english_word_share_a_stem():
    assert {stem(word) for word in ["charging", "charged", "charges", "charge"]} == {"charg"}
    assert stem("glass") == "glass" and stem("bus") == "bus"


def test_a_chinese_run_gives_words_pairs_and_characters():
    terms = document_terms("无线充电器").split()
    assert {"无线", "充电器", "充电"} <= set(terms)  # rjieba's words
    assert {"线充", "电器"} <= set(terms)  # every pair
    assert {"无", "充"} <= set(terms)  # every character


def test_mixed_text_keeps_both_languages():
    terms = set(document_terms("充电到 80% 自动停止 Stop charging").split())
    assert {"充电", "停止", "80", "stop", "charg"} <= terms


def test_one_and_two_character_queries_look_up_characters_and_pairs():
    assert parse_query("充").groups == ((("充",),),)
    assert parse_query("充电").groups == ((("充电",),),)


def test_a_longer_chinese_query_matches_its_words_or_all_its_pairs():
    (group,) = parse_query("深色模式").groups
    assert group == (("深色", "模式"), ("深色", "色模", "模式"))


@pytest.mark.parametrize("text", ['& | ! : * ( ) "', "'; DROP TABLE x; --", "a:* & !b", '"充电" OR x', "\\'"])
def test_operators_and_punctuation_never_reach_the_query(text):
    query = parse_query(text)
    for group in query.groups:
        for alternative in group:
            for term in alternative:
                assert term.isalnum()
    assert query.tsquery().count("'") == 2 * sum(len(alternative) for group in query.groups for alternative in group)


def test_stop_words_alone_are_said_to_be_too_common():
    assert not parse_query("the of and") and parse_query("the of and").only_stop_words
    assert not parse_query("的").groups and parse_query("的").only_stop_words
    assert parse_query("the charging").groups == ((("charg",),),)


def test_a_long_query_is_cut_and_says_so():
    query = parse_query("charging " * 200)
    assert query.cut and (("charg",),) in query.groups
    assert parse_query(" ".join(f"word{n}" for n in range(30))).cut


def test_empty_and_blank_queries_are_empty():
    assert not parse_query("") and not parse_query("   ") and not parse_query(None)

import pytest
from django.core.exceptions import ValidationError

from accounts.usernames import normalize_username, validate_username


@pytest.mark.parametrize("name", ["alice", "米粉小王", "Ωmega_1", "a.b-c", "abc", "x" * 30, "ｆｕｌｌ"])
def test_valid_usernames_pass(name):
    validate_username(name)


@pytest.mark.parametrize(
    "name, code",
    [
        ("ab", "length"),
        ("x" * 31, "length"),
        ("ali\u200bce", "invisible_character"),  # zero-width space
        ("ali\u202ece", "invisible_character"),  # right-to-left override
        ("ali\u2066ce", "invisible_character"),  # left-to-right isolate
        ("ali\x07ce", "invisible_character"),  # bell
        ("ali ce", "invalid_character"),
        ("alice!", "invalid_character"),
        ("al<b>", "invalid_character"),
        ("😀😀😀", "invalid_character"),
    ],
)
def test_bad_usernames_are_refused_with_their_reason(name, code):
    with pytest.raises(ValidationError) as excinfo:
        validate_username(name)
    assert excinfo.value.code == code


def test_full_width_letters_normalise_to_ascii():
    assert normalize_username("ａｌｉｃｅ") == "alice"

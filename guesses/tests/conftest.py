import pytest


@pytest.fixture(autouse=True)
def _guesses_tests_in_english(in_english):
    # Refusals and notification params are matched in English (root conftest.in_english).
    pass

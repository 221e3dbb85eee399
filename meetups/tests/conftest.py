import pytest


@pytest.fixture(autouse=True)
def _meetups_tests_in_english(in_english):
    # Refusals and notification params are matched in English (root conftest.in_english).
    pass

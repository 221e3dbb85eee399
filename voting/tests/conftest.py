import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _in_english(settings):
    # Refusals and notification params are matched in English, whatever LANGUAGE_CODE is.
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield

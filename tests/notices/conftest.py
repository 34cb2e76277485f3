import pytest


@pytest.fixture(autouse=True)
def _english(settings):
    # Assertions read the English text; the Chinese catalogue must not change what they see.
    settings.LANGUAGE_CODE = "en"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")

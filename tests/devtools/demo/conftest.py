import pytest


@pytest.fixture
def evidence_folder(settings, tmp_path):
    """Evidence files (the demo adds one) go to a fresh private folder for the test."""
    folder = tmp_path / "evidence"
    settings.STORAGES = {
        **settings.STORAGES,
        "evidence": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(folder)},
        },
    }
    return folder

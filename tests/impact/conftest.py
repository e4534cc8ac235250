import pytest


@pytest.fixture(autouse=True)
def evidence_folder(settings, tmp_path):
    """Evidence files go to a fresh private folder for each test."""
    folder = tmp_path / "evidence"
    settings.STORAGES = {
        **settings.STORAGES,
        "evidence": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(folder)},
        },
    }
    return folder

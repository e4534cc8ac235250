import pytest


@pytest.fixture(autouse=True)
def _evidence_in_a_fresh_folder(evidence_folder):
    """Every impact test writes its evidence files to a fresh private folder."""
    return evidence_folder

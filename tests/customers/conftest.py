import pytest


@pytest.fixture(autouse=True)
def _uploads_in_a_temporary_folder(settings, tmp_path):
    """Import uploads are stored files; keep them out of the project's media folder."""
    settings.MEDIA_ROOT = tmp_path / "media"

"""campaign.yaml validation: every error names the file and the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from wir_letters import CampaignError, load_campaign
from tests.conftest import write_campaign


def _error(path: Path) -> str:
    with pytest.raises(CampaignError) as caught:
        load_campaign(path)
    return str(caught.value)


def test_paths_are_relative_to_the_campaign_file(campaign_file: Path) -> None:
    campaign = load_campaign(campaign_file)
    assert campaign.documents[0].template == campaign_file.parent / "templates" / "letter.docx"
    assert campaign.output.folder == campaign_file.parent / "out"
    assert campaign.date.isoformat() == "2017-01-16"


def test_unknown_key_is_named(tmp_path: Path) -> None:
    path = write_campaign(tmp_path, titel="typo")
    assert f"{path}: titel: unknown key" in _error(path)


def test_unknown_nested_key_is_named(tmp_path: Path) -> None:
    path = write_campaign(tmp_path, sender={"authority": "A", "phone_number": "1"})
    assert "sender.phone_number: unknown key" in _error(path)


def test_missing_template_file_is_named(tmp_path: Path) -> None:
    path = write_campaign(tmp_path, documents=[{"id": "a", "title": "A", "template": "nowhere.docx"}])
    assert "documents[0].template: template not found" in _error(path)


def test_wrong_type_is_named(tmp_path: Path) -> None:
    path = write_campaign(tmp_path, date="soon")
    assert f"{path}: date: " in _error(path)


def test_missing_campaign_file(tmp_path: Path) -> None:
    assert "campaign file not found" in _error(tmp_path / "campaign.yaml")

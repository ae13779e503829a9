"""The public API as a developer uses it: one recipients type everywhere, recipients from plain dicts."""

from __future__ import annotations

from pathlib import Path

import pytest

import wir_letters
from tests.conftest import RECIPIENTS, FakeConverter, write_campaign
from wir_letters import (RecipientError, RecipientList, assess_all, build, check, load_campaign, make_recipient,
                         read_recipients)


def test_make_recipient_validates_like_a_list_row() -> None:
    """This test ensures that a plain dict is checked by the same rules as a row of a list."""
    recipient = make_recipient(dict(RECIPIENTS[1], postcode="7548"))
    assert recipient.id == "kassel" and recipient.fields["postcode"] == "07548"
    with pytest.raises(RecipientError) as caught:
        make_recipient(dict(RECIPIENTS[1], postcode="341", email="nicht gültig"))
    assert [p.field for p in caught.value.problems] == ["postcode", "email"]


def test_every_function_takes_the_same_recipients(tmp_path: Path) -> None:
    """This test ensures that check, build and assess_all take a RecipientList or a list of Recipient alike."""
    campaign = load_campaign(write_campaign(tmp_path))
    listed = read_recipients(campaign.recipients, campaign.schema)
    own = [make_recipient(row) for row in RECIPIENTS]
    assert isinstance(listed, RecipientList)
    assert check(campaign, listed) == check(campaign, own) == check(campaign)
    result = build(campaign, own, converter=FakeConverter())
    assert result.ok and [r.id for r in result.results] == [r["id"] for r in RECIPIENTS]
    for recipients in (listed, own):
        statuses, unplanned = assess_all(campaign, recipients, result.out)
        assert {s.state for s in statuses} == {"up to date"} and unplanned == []


def test_the_api_is_what_init_exports() -> None:
    """This test ensures that the documented entry points are exported and nothing private is."""
    for name in ("build", "check", "preflight", "assess_all", "load_campaign", "load_recipients", "read_recipients",
                 "make_recipient", "Recipients", "RecipientList", "State", "ReasonKind", "__version__"):
        assert name in wir_letters.__all__
    assert not [name for name in wir_letters.__all__ if name.startswith("_") and name != "__version__"]

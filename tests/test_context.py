"""The template context: one list of names for rendering and for the checks of templates."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import write_campaign
from wir_letters import load_campaign, load_recipients
from wir_letters.builder.plan import make_context, plan_recipient
from wir_letters.documents.context import CONTEXT_NAMES, MAPPING_KEYS, bare_columns, template_context
from wir_letters.documents.jinja import LOCALE_KEY


def test_template_context_holds_exactly_the_context_names_and_mapping_keys(tmp_path: Path) -> None:
    """This test ensures that the context holds every name in CONTEXT_NAMES (and the bare columns,
    and the locale) and that each fixed mapping has exactly the keys MAPPING_KEYS lists."""
    campaign = load_campaign(write_campaign(tmp_path, conditions={"east": 'kind == "stadt"'}))
    recipient = load_recipients(campaign.recipients)[0]
    document = campaign.documents[0]
    context = template_context(campaign, recipient.fields, document, campaign.documents)
    assert set(context) == set(CONTEXT_NAMES) | bare_columns(set(recipient.fields)) | {LOCALE_KEY}
    for name, keys in MAPPING_KEYS.items():
        assert set(context[name]) == keys
    assert context["enclosures"] == ["Ausschreibung", "Aktionsplan II"]
    assert set(context["conditions"]) == {"east"}


def test_build_context_matches_the_documents_context(tmp_path: Path) -> None:
    """This test ensures that the context a build renders with is the one documents.context describes."""
    campaign = load_campaign(write_campaign(tmp_path))
    for recipient in load_recipients(campaign.recipients):
        plan = plan_recipient(campaign, recipient, tmp_path / "out")
        for document in plan.documents:
            expected = template_context(campaign, recipient.fields, document.document,
                                        [d.document for d in plan.documents])
            assert make_context(campaign, plan, document) == expected

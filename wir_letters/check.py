"""Preflight: every problem in campaign, recipients and templates, found without writing output."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import jinja2

from .campaign import Campaign, Sender
from .errors import InputError, Problem, RecipientError
from .plan import CONTEXT_NAMES, address_problem, rule_problem
from .recipients import Recipient, load_recipients
from .render import rule_names, used_names, when_applies

_MAPPING_KEYS = {
    "sender": set(Sender.model_fields),
    "campaign": {"title", "date"},
    "document": {"id", "title"},
}


def check(campaign: Campaign, recipients_path: Path | None = None) -> list[Problem]:
    """Return every problem found in the recipients and templates of ``campaign`` (empty: all good)."""
    problems: list[Problem] = []
    recipients: Sequence[Recipient] = []
    columns: set[str] | None = None
    try:
        recipients = load_recipients(recipients_path or campaign.recipients)
        columns = {name for r in recipients for name in r.fields}
    except RecipientError as err:
        problems += err.problems
        columns = err.columns
    for doc in campaign.documents:
        problems += _template_problems(campaign, doc.template, columns)
        if doc.when:
            problems += _rule_problems(campaign, f"documents.{doc.id}.when", doc.when, columns)
    for name, rule in campaign.conditions.items():
        problems += _rule_problems(campaign, f"conditions.{name}", rule, columns)
    for recipient in recipients:
        problem = address_problem(campaign, recipient)
        if problem:
            problems.append(problem)
        rules = [d.when for d in campaign.documents] + list(campaign.conditions.values())
        for rule in rules:
            try:
                when_applies(rule, recipient.fields)
            except jinja2.TemplateError as err:
                problems.append(rule_problem(campaign, recipient, err))
                break
    return problems


def _template_problems(campaign: Campaign, template: Path, columns: set[str] | None) -> list[Problem]:
    try:
        names = used_names(template)
    except InputError as err:
        return err.problems
    problems = []
    for name, attributes in sorted(names.items()):
        if name not in CONTEXT_NAMES:
            problems.append(Problem(str(template), f"unknown variable {name!r}", field=name,
                                    fix=f"use recipient.<column> or one of: {', '.join(CONTEXT_NAMES)}"))
            continue
        known = {"recipient": columns, "conditions": set(campaign.conditions)}.get(name, _MAPPING_KEYS.get(name))
        for attribute in sorted(attributes - known) if known is not None else ():
            what = "column" if name == "recipient" else "key"
            problems.append(Problem(str(template), f"{name}.{attribute}: no such {what}", field=f"{name}.{attribute}",
                                    fix="add the column to the recipient list" if name == "recipient"
                                    else "correct the tag in the template"))
    return problems


def _rule_problems(campaign: Campaign, key: str, rule: str, columns: set[str] | None) -> list[Problem]:
    where = str(campaign.source)
    try:
        names = rule_names(rule)
    except jinja2.TemplateSyntaxError as err:
        return [Problem(where, f"rule {rule!r} does not parse: {err.message}", field=key,
                        fix="write a Jinja expression, e.g. kind != \"landkreis\"")]
    unknown = sorted(names - columns) if columns is not None else []
    return [Problem(where, f"rule {rule!r} uses unknown field {n!r}", field=key,
                    fix="use a recipient column, e.g. kind") for n in unknown]

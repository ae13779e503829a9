"""Preflight: every problem in campaign, recipients and templates, found without writing output."""

from __future__ import annotations

import difflib
from collections import defaultdict
from collections.abc import Sequence, Set as AbstractSet
from pathlib import Path

import jinja2

from wir_letters.inputs.campaign import Campaign
from wir_letters.errors import InputError, Problem, RecipientError
from wir_letters.checks._filetypes import attachment_problem, template_file_problem
from wir_letters.documents.mergefields import field_findings
from wir_letters.checks.rows import address_problem, rule_problem
from wir_letters.documents.context import CONTEXT_NAMES, MAPPING_KEYS, bare_columns
from wir_letters.inputs.names import bundle_name, bundle_pattern_problem
from wir_letters.pdf.bundle import is_pdf_a
from wir_letters.inputs.recipients import (
    OPTIONAL_COLUMNS,
    REQUIRED_COLUMNS,
    Recipient,
    RecipientList,
    Recipients,
    as_recipient_list,
    read_recipients,
)
from wir_letters.documents.analysis import rule_names, rule_truth_tested, truth_tested, used_names
from wir_letters.documents.rules import when_applies
from wir_letters.checks.mail import mail_problems
from wir_letters.documents.mail_text import mail_columns
from wir_letters.i18n import N_



def check(campaign: Campaign, recipients: Recipients | Path | None = None) -> list[Problem]:
    """Return every problem (errors and notes) in the recipients and templates of ``campaign``.

    Args:
        recipients: the recipients (a ``RecipientList`` or a sequence of ``Recipient``), or the
            path of a list to read; default: the campaign's own list.
    """
    if recipients is not None and not isinstance(recipients, Path):
        listed = as_recipient_list(recipients)
        return preflight(campaign, listed) + mail_problems(campaign, listed)
    path = recipients or campaign.recipients
    try:
        listed = read_recipients(path, campaign.schema)
    except RecipientError as err:
        listed = RecipientList([], err.problems, frozenset(err.columns or ()), path)
        return preflight(campaign, listed, known_columns=bool(err.columns))  # preflight lists err.problems
    return preflight(campaign, listed) + mail_problems(campaign, listed)


def preflight(campaign: Campaign, listed: RecipientList, known_columns: bool = True) -> list[Problem]:
    """Check templates, attachments, rules and each recipient against the campaign.

    Returns the problems of ``listed`` first, then the new ones; severity "note" marks
    information (columns no template uses) that does not stop a build.
    """
    columns = set(listed.columns) if known_columns else None
    problems = list(listed.problems)
    used: set[str] = set()
    tested: dict[str, str] = {}  # column -> the template or rule that tests its truth
    for i, doc in enumerate(campaign.documents):
        found, names, truth = _template_problems(campaign, doc.template, f"documents[{i}].template", columns)
        problems += found
        used |= names
        tested.update(dict.fromkeys(truth, str(doc.template)))
        if doc.when:
            problems += _rule_problems(campaign, f"documents.{doc.id}.when", doc.when, columns, used)
    for name, rule in campaign.conditions.items():
        problems += _rule_problems(campaign, f"conditions.{name}", rule, columns, used)
    used |= mail_columns(campaign)
    for i, attachment in enumerate(campaign.attachments):
        problem = attachment_problem(attachment.file, f"attachments[{i}].file")
        if problem is None and campaign.output.pdf_a and not is_pdf_a(attachment.file):
            problem = Problem(str(attachment.file), N_("is not PDF/A, so the bundles cannot be PDF/A (output.pdf_a)"),
                              field=f"attachments[{i}].file", code="attachment.not_pdf_a",
                              fix=N_("export it again as PDF/A-2b, or drop output.pdf_a"))
        problems += [problem] if problem else []
    pattern_problem = bundle_pattern_problem(campaign, columns)
    problems += [pattern_problem] if pattern_problem else []
    problems += _recipient_problems(campaign, listed.recipients, bundles=pattern_problem is None)
    problems += _text_flag_problems(listed, {**tested, **_rule_tested_columns(campaign)})
    if columns is not None:
        problems += _unused_column_notes(listed.source or campaign.recipients, columns - listed.aliases, used)
        problems += _clash_notes(listed.source or campaign.recipients, columns)
    return problems


def _template_problems(campaign: Campaign, template: Path, key: str,
                       columns: set[str] | None) -> tuple[list[Problem], set[str], set[str]]:
    """Return the template's problems, the recipient columns it reads and those whose truth it tests."""
    bad_file = template_file_problem(template, key)
    if bad_file:
        return [bad_file], set(), set()
    problems = [Problem(str(template), f.message, where=f.where, field=key, fix=f.fix, code=f.code,
                        params={**f.params, **f.where_params}) for f in field_findings(template)]
    try:
        names = used_names(template)
    except InputError as err:
        return problems + err.problems, set(), set()
    bare = bare_columns(columns) if columns is not None else set()
    for name, attributes in sorted(names.items()):
        if name in CONTEXT_NAMES:
            problems += _attribute_problems(campaign, template, name, attributes, columns)
        elif columns is not None and name not in bare:
            match = _did_you_mean(name, columns)
            problems.append(Problem(
                str(template), N_("unknown variable {name!r} – did you mean {suggestion}?") if match
                else N_("unknown variable {name!r}"), field=name,
                fix=N_("use a column of the recipient list (recipient.<column>) or one of: {names}"),
                code="template.unknown_variable", params={"name": name, "suggestion": match,
                                                          "names": ", ".join(CONTEXT_NAMES)}))
    used = set(names.get("recipient", ())) | (set(names) & bare)
    return problems, used, truth_tested(template)  # the same parse, cached


def _attribute_problems(campaign: Campaign, template: Path, name: str, attributes: set[str],
                        columns: set[str] | None) -> list[Problem]:
    """Keys read from ``recipient``, ``sender``, ``campaign`` … that do not exist."""
    known = {"recipient": columns, "conditions": set(campaign.conditions)}.get(name, MAPPING_KEYS.get(name))
    if known is None:
        return []
    problems = []
    for attribute in sorted(attributes - known):
        match = _did_you_mean(attribute, known, name + ".")
        if name == "recipient":
            message = N_("no such column in the recipient list – did you mean {suggestion}?") if match \
                else N_("no such column in the recipient list")
            fix, code = N_("add the column to the recipient list"), "template.unknown_column"
        else:
            message = N_("no such key – did you mean {suggestion}?") if match else N_("no such key")
            fix, code = N_("correct the tag in the template"), "template.unknown_key"
        problems.append(Problem(str(template), message, field=f"{name}.{attribute}", fix=fix, code=code,
                                params={"suggestion": match, "name": name, "attribute": attribute}))
    return problems


def _did_you_mean(name: str, known: AbstractSet[str], prefix: str = "recipient.") -> str:
    """``recipient.city`` for a name that differs from a known one by case or a typo, else ""."""
    by_case = {k.lower(): k for k in known}
    match = by_case.get(name.lower()) or next(iter(difflib.get_close_matches(name, sorted(known), n=1,
                                                                                cutoff=0.8)), None)
    return f"{prefix}{match}" if match else ""


def _clash_notes(source: Path, columns: set[str]) -> list[Problem]:
    """Columns named like a template variable can only be read as ``recipient.<name>``."""
    return [Problem(str(source), N_("the column has the name of the template variable {name!r}, so {{{{ {name} }}}} "
                                    "means that variable"), field=name, severity="note",
                    fix=N_("write {{{{ recipient.{name} }}}} to read the column"), code="recipient.column_shadowed",
                    params={"name": name}) for name in sorted(columns) if name in CONTEXT_NAMES]


def _rule_problems(campaign: Campaign, key: str, rule: str, columns: set[str] | None,
                   used: set[str]) -> list[Problem]:
    where = str(campaign.source)
    try:
        names = rule_names(rule)
    except jinja2.TemplateSyntaxError as err:
        return [Problem(where, N_("rule {rule!r} does not parse: {error}"), field=key,
                        fix=N_("write a Jinja expression, e.g. kind != \"landkreis\""), code="rule.syntax_error",
                        params={"rule": rule, "error": err.message})]
    used |= names
    unknown = sorted(names - columns) if columns is not None else []
    return [Problem(where, N_("rule {rule!r} uses unknown field {name!r}"), field=key,
                    fix=N_("use a recipient column, e.g. kind"), code="rule.unknown_field",
                    params={"rule": rule, "name": n}) for n in unknown]


def _recipient_problems(campaign: Campaign, recipients: Sequence[Recipient], bundles: bool = True) -> list[Problem]:
    """Address length, rules that fail on a row, bundle names that are bad or shared."""
    problems = []
    names: dict[str, list[str]] = defaultdict(list)
    rules = [d.when for d in campaign.documents] + list(campaign.conditions.values())
    for recipient in recipients:
        problem = address_problem(campaign, recipient)
        problems += [problem] if problem else []
        for rule in rules:
            try:
                when_applies(rule, recipient.fields)
            except jinja2.TemplateError as err:
                problems.append(rule_problem(campaign, recipient, err))
                break
        if not bundles:
            continue
        try:
            names[bundle_name(campaign, recipient)].append(recipient.id)
        except (KeyError, ValueError) as err:
            problems.append(Problem(str(campaign.source), N_("the bundle name pattern cannot be filled: {error}"),
                                    where=N_("recipient {recipient_id}"), field="output.bundle_name",
                                    fix=N_("use columns of the recipient list, e.g. \"{{id}}.pdf\""),
                                    recipient=recipient.id, code="bundle.pattern_unfillable",
                                    params={"error": str(err), "recipient_id": recipient.id}))
    for name, ids in names.items():
        if len(ids) > 1:
            problems += [Problem(str(campaign.source), N_("bundle name {name!r} is shared by {ids}"),
                                 where=N_("recipient {recipient_id}"), field="output.bundle_name",
                                 fix=N_("include {{id}} in the pattern"), recipient=rid, code="bundle.name_shared",
                                 params={"name": name, "ids": ", ".join(ids), "recipient_id": rid}) for rid in ids]
    return problems


_FALSE_WORDS = {"nein", "falsch", "false", "no", "n", "0"}
_FLAG_WORDS = _FALSE_WORDS | {"ja", "wahr", "true", "yes", "j", "y", "x", "1"}


def _rule_tested_columns(campaign: Campaign) -> dict[str, str]:
    """Columns whose truth a ``when`` or ``conditions`` rule tests, each with the rule's key."""
    tested: dict[str, str] = {}
    rules = {f"documents.{d.id}.when": d.when for d in campaign.documents if d.when}
    rules.update({f"conditions.{name}": rule for name, rule in campaign.conditions.items()})
    for key, rule in rules.items():
        try:
            tested.update(dict.fromkeys(rule_truth_tested(rule), f"{campaign.source} ({key})"))
        except jinja2.TemplateSyntaxError:
            continue
    return tested


def _text_flag_problems(listed: RecipientList, tested: dict[str, str]) -> list[Problem]:
    """A yes/no column read as text is true even when it says "nein": refuse it where an ``if`` tests it."""
    problems = []
    for column, where in sorted(tested.items()):
        values = [r.fields.get(column) for r in listed.recipients if column in r.fields]
        texts = {v.strip().lower() for v in values if isinstance(v, str) and v.strip()}
        if values and all(isinstance(v, str) for v in values) and texts and texts <= _FLAG_WORDS \
                and texts & _FALSE_WORDS:
            said = sorted(texts & _FALSE_WORDS)[0]
            problems.append(Problem(str(listed.source or ""), N_("holds yes/no words as text, and {tested_by} tests "
                                                                 "it with if: the text {said!r} counts as true there"),
                                    field=column, fix=N_("declare it in campaign.yaml: columns: {{{column}: boolean}}"),
                                    code="recipient.flag_as_text",
                                    params={"tested_by": where, "said": said, "column": column}))
    return problems


def _unused_column_notes(source: Path, columns: set[str], used: set[str]) -> list[Problem]:
    builtin = set(REQUIRED_COLUMNS) | set(OPTIONAL_COLUMNS)
    return [Problem(str(source), N_("no template or rule uses this column"), field=column, severity="note",
                    code="recipient.column_unused") for column in sorted(columns - builtin - used)]

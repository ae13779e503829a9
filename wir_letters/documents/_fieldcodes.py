r"""Word field instructions read and translated into Jinja expressions (see ``mergefields.py``).

An instruction is a list of pieces: text, and nested fields (``{ IF { MERGEFIELD Anrede } = "Frau" … }``).
``translate`` turns its tokens into the Jinja expression the merge field becomes, or says why it
cannot be merged (``Untranslatable``) or that it is not a merge field (``LookupError``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Union

from wir_letters.documents._word_if import OPERATORS
from wir_letters.i18n import N_

_FORMATS = {"upper": "upper", "lower": "lower", "caps": "title", "firstcap": "capitalize"}
_OPERATORS = tuple(sorted(OPERATORS, key=len, reverse=True))  # "<=" before "<", for operators written on a word
_REFUSED_FIXES = {  # the fix for each field that cannot be merged (templates)
    "NEXT": N_("wir_letters makes one document per recipient, so there is no next record: delete the field"),
    "NEXTIF": N_("there is no next record in a per-recipient document: delete the field; leave recipients out "
                 "with a 'when' rule in campaign.yaml, or filter the recipient list"),
    "SKIPIF": N_("delete the field; leave recipients out with a 'when' rule in campaign.yaml, or filter the "
                 "recipient list"),
    "ASK": N_("a batch cannot ask: put the value into a column of the recipient list and use a MERGEFIELD"),
    "FILLIN": N_("a batch cannot ask: put the value into a column of the recipient list and use a MERGEFIELD"),
    "SET": N_("use a column of the recipient list (MERGEFIELD) instead of SET and REF"),
    "INCLUDETEXT": N_("paste the text into the template (or use a condition to choose it)"),
    "INCLUDEPICTURE": N_("insert the picture into the template itself"),
    "DATABASE": N_("use a per-recipient table (tables: in campaign.yaml) with a {{%tr for %}} row"),
}
REFUSED = {kind: fix.format() for kind, fix in _REFUSED_FIXES.items()}  # the same fixes, in English


@dataclass
class Field:
    """A complex field being read: its instruction (text and nested fields) and its runs."""

    parts: list[Union[str, Field]] = field(default_factory=list)
    in_result: bool = False

    def text(self) -> str:
        """The instruction as Word shows it, nested fields in braces."""
        return "".join(p if isinstance(p, str) else "{ " + p.text() + " }" for p in self.parts).strip()


Piece = Union[str, Field]


class Untranslatable(Exception):
    """The field cannot be merged; carries the message and the fix for ``check``: English templates
    (``N_``) filled from ``params`` plus ``field_text``, the whole field's instruction (the field that
    fails may be nested in it), which the caller adds; ``code`` names the kind."""

    def __init__(self, message: str, fix: str, code: str, **params: Any) -> None:
        super().__init__(message)
        self.message, self.fix, self.code, self.params = message, fix, code, params


def split_tokens(parts: list[Piece]) -> list[list[Piece]]:
    """Split an instruction into tokens at spaces outside quotes; a nested field is part of a token."""
    tokens: list[list[Piece]] = []
    current: list[Piece] = []
    quoted = started = False
    for part in parts:
        if not isinstance(part, str):
            current.append(part)
            started = True
            continue
        for char in part:
            if char == '"':
                quoted, started = not quoted, True
                if not quoted:  # a closing quote ends the token, "" included
                    tokens.append(current)
                    current, started = [], False
            elif char.isspace() and not quoted:
                if started:
                    tokens.append(current)
                current, started = [], False
            else:
                if current and isinstance(current[-1], str):
                    current[-1] += char
                else:
                    current.append(char)
                started = True
    if started:
        tokens.append(current)
    return tokens


def _word(token: list[Piece]) -> str:
    return "".join(p for p in token if isinstance(p, str))


def _expression(token: list[Piece]) -> str:
    """A token as a Jinja expression: literal text and nested fields joined with ``~``."""
    if len(token) == 1 and not isinstance(token[0], str):
        return _field_expression(token[0])
    pieces = [json.dumps(p, ensure_ascii=False) if isinstance(p, str) else f"({_field_expression(p)})"
              for p in token]
    return " ~ ".join(pieces) if pieces else '""'


def _field_expression(item: Field) -> str:
    return translate(split_tokens(item.parts), item.text())


def translate(tokens: list[list[Piece]], instruction: str) -> str:
    """Return the Jinja expression for a field.

    Raises:
        Untranslatable: for refused fields and fields that hold merge fields LibreOffice cannot fill.
        LookupError: for other fields (PAGE, DATE …), which stay as they are.
    """
    if not tokens:
        raise LookupError(instruction)
    kind = _word(tokens[0]).upper()
    if kind in REFUSED:
        raise Untranslatable(N_("the Word field {kind} cannot be used in a per-recipient merge: {{ {field_text} }}"),
                             _REFUSED_FIXES[kind], "template.field_refused", kind=kind, instruction=instruction)
    if kind == "ADDRESSBLOCK":
        return 'address_lines|join("\\n")'
    if kind == "GREETINGLINE":
        return "salutation"
    if kind == "MERGEFIELD" and len(tokens) >= 2:
        return _merge_field(_word(tokens[1]), tokens[2:])
    if kind == "IF":
        return _if_field(tokens[1:], instruction)
    if any(not isinstance(p, str) for token in tokens for p in token):
        raise Untranslatable(N_("the Word field {kind!r} holds merge fields, which LibreOffice cannot calculate: "
                                "{{ {field_text} }}"),
                             N_("use a MERGEFIELD with a \\# or \\@ switch, or an IF field, or compute the value in a "
                                "column of the recipient list"),
                             "template.field_not_calculable", kind=kind or instruction, instruction=instruction)
    raise LookupError(instruction)


def _merge_field(name: str, rest: list[list[Piece]]) -> str:
    """``MERGEFIELD name`` with its switches, as Word applies them: picture, case, before/after."""
    value = f"recipient[{json.dumps(name, ensure_ascii=False)}]"
    switches = {_word(key).lower(): _word(arg) for key, arg in zip(rest[::2], rest[1::2])}
    shown = value
    if "\\#" in switches:
        shown = f"{value}|word_number({json.dumps(switches[chr(92) + '#'], ensure_ascii=False)})"
    elif "\\@" in switches:
        shown = f"{value}|word_date({json.dumps(switches[chr(92) + '@'], ensure_ascii=False)})"
    fmt = _FORMATS.get(switches.get("\\*", "").lower())
    if fmt:
        shown = f"{shown}|{fmt}" if shown != value else f"{value}|word_text|{fmt}"
    before, after = switches.get("\\b", ""), switches.get("\\f", "")
    if before or after:
        shown = f"({json.dumps(before, ensure_ascii=False)} ~ {shown} ~ {json.dumps(after, ensure_ascii=False)}) " \
                f"if {value} not in ('', none) else ''"
    return shown


def _if_field(args: list[list[Piece]], instruction: str) -> str:
    """``IF left op right then [else]``; an operator written against its operands is split off."""
    args = _split_operator(args)
    if len(args) < 4 or _word(args[1]) not in _OPERATORS or any(not isinstance(p, str) for p in args[1]):
        raise Untranslatable(N_("the IF field {instruction!r} cannot be read: {{ {field_text} }}"),
                             N_('write it as IF {{ MERGEFIELD Anrede }} = "Frau" "text if true" "text if false"'),
                             "template.if_field_unreadable", instruction=instruction)
    left, op, right, then = args[:4]
    otherwise = args[4] if len(args) > 4 else []
    return (f"word_if({_expression(left)}, {json.dumps(_word(op))}, {_expression(right)}, "
            f"{_expression(then)}, {_expression(otherwise)})")


def _split_operator(args: list[list[Piece]]) -> list[list[Piece]]:
    """Turn ``{X}="Frau"`` or ``{X} ="Frau"`` into three tokens, as Word reads them."""
    if len(args) >= 2 and _word(args[1]) in _OPERATORS:
        return args
    for index, token in enumerate(args[:2]):
        for pos, piece in enumerate(token):
            if isinstance(piece, str):
                op = next((o for o in _OPERATORS if piece.startswith(o)), None)
                if op and (pos or index):
                    before, rest = token[:pos], piece[len(op):]
                    after = ([rest] if rest else []) + token[pos + 1:]
                    head = args[:index] + ([before] if before else [])
                    return head + [[op]] + ([after] if after else []) + args[index + 1:]
    return args

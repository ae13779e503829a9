"""Column headers of a recipient list: German and Word-style names, case and spacing forgiven.

A header is compared in its ``header_key`` form (case, umlauts, spaces, ``-``, ``_`` and ``.``
ignored), so ``PLZ``, ``plz`` and `` Plz `` are one header. Built-in columns are recognised by
their own name and by the aliases below; ``columns: {x: {header: …}}`` in campaign.yaml maps
any other header. Headers that match nothing keep their text (spaces trimmed).
"""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from typing import Any

from wir_letters.errors import Problem, RecipientError
from wir_letters.i18n import N_
from wir_letters.inputs.values import Phrase

ALIASES: Mapping[str, tuple[str, ...]] = {
    "id": ("ID", "Kennung"),
    # "Name" alone is the addressee; map it elsewhere with columns: {contact_last_name: {header: Name}}
    "name": ("Name", "Empfänger", "Adressat", "Behörde", "Dienststelle", "Institution", "Organisation",
             "Firma", "Company", "Company Name"),
    "kind": ("Art", "Typ", "Type"),
    "street": ("Straße", "Str.", "Straße und Hausnummer", "Anschrift", "Adresse", "Address", "Address Line 1",
               "Street"),
    "postcode": ("PLZ", "Postleitzahl", "ZIP", "ZIP Code", "Postal Code", "Postcode"),
    "city": ("Ort", "Stadt", "City", "Town"),
    "department": ("Abteilung", "Department"),
    "contact_salutation": ("Anrede", "Title", "Courtesy Title"),  # Word's "Title" is Mr./Mrs.
    "contact_title": ("Titel", "Akademischer Titel"),
    "contact_first_name": ("Vorname", "First Name"),
    "contact_last_name": ("Nachname", "Name, Nachname", "Familienname", "Last Name", "Surname"),
    "contact_role": ("Funktion", "Amt", "Amtsbezeichnung", "Job Title"),
    "email": ("E-Mail", "E-Mail-Adresse", "E-mail Address", "Mail"),
    "your_ref": ("Ihr Zeichen", "Your Reference"),
    "your_message": ("Ihre Nachricht", "Ihre Nachricht vom", "Ihr Schreiben vom"),
}

_IGNORED = re.compile(r"[\s\-_.\u200b\ufeff]+")
_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue"})


def header_key(text: str) -> str:
    """The form headers are compared in: ``"Post-Leitzahl "`` → ``"postleitzahl"``, ``Straße`` → ``strasse``."""
    return _IGNORED.sub("", text.casefold().translate(_UMLAUTS))


def header_lookup(declared: Iterable[str] = (), headers: Mapping[str, str] | None = None,
                  builtin: Iterable[str] = ALIASES) -> dict[str, str]:
    """Return header key → column for the ``builtin`` columns and their aliases, the ``declared``
    column names (unless an alias already means a built-in column) and, first of all, ``headers``
    (a file header → column, from ``columns: {x: {header: …}}``)."""
    lookup: dict[str, str] = {}
    for column in builtin:
        lookup |= {header_key(name): column for name in (column, *ALIASES[column])}
    for column in declared:
        lookup.setdefault(header_key(column), column)
    return lookup | {header_key(header): column for header, column in (headers or {}).items()}


@functools.cache
def _builtin_lookup() -> dict[str, str]:
    return header_lookup()


def clean_header(text: str) -> str:
    """A header as written, without surrounding spaces and invisible marks."""
    return text.strip().strip("\u200b\ufeff").strip()


def map_headers(path: Path, texts: Sequence[str], lookup: Mapping[str, str], entry: int | None = None) -> list[str]:
    """Return the column each header means (``""`` for an empty header); ``entry`` is the number of
    a YAML entry whose keys these are (None: the header row of a table, with column letters).

    Raises:
        RecipientError: when two headers mean the same column (``PLZ`` and ``Postleitzahl``).
    """
    cleaned = [clean_header(text) for text in texts]
    columns = [lookup.get(header_key(text), text) if text else "" for text in cleaned]
    own = {text for text in cleaned if text in ALIASES}  # spelt exactly as a built-in column: it wins
    columns = [text if column in own and _is_alias(text, column) else column for text, column in zip(cleaned, columns)]
    places: dict[str, list[int]] = {}
    for position, column in enumerate(columns):
        if column:
            places.setdefault(column, []).append(position)
    problems = [_duplicate(path, entry, column, [(cleaned[i], _letter(i) if entry is None else "") for i in found])
                for column, found in places.items() if len(found) > 1]
    if problems:
        raise RecipientError(problems)
    return columns


def _is_alias(text: str, column: str) -> bool:
    """True when ``text`` means ``column`` as a built-in alias (``Company Name`` for name): next to
    a header spelt exactly as the column (``name``) it stays a column of its own."""
    return text != column and _builtin_lookup().get(header_key(text)) == column


def renamed(texts: Sequence[str], columns: Sequence[str]) -> dict[str, str]:
    """Column → header as written, for each header read as another name (``PLZ`` → postcode)."""
    return {column: clean_header(text) for text, column in zip(texts, columns)
            if column and clean_header(text) != column}


_DUPLICATES = {  # (columns with letters?, more than two?) -> message
    (True, False): N_("the columns {listed} are both read as {column}"),
    (True, True): N_("the columns {listed} are all read as {column}"),
    (False, False): N_("the keys {listed} are both read as {column}"),
    (False, True): N_("the keys {listed} are all read as {column}"),
}


def _duplicate(path: Path, entry: int | None, column: str, headers: list[tuple[str, str]]) -> Problem:
    named = [f"{letter} ({text!r})" if letter else repr(text) for text, letter in headers]
    listed = Phrase(N_("{first} and {last}"), {"first": ", ".join(named[:-1]), "last": named[-1]})
    params: dict[str, Any] = {"listed": listed, "column": column, "entry": entry}
    return Problem(str(path), _DUPLICATES[bool(headers[0][1]), len(named) > 2],
                   N_("header") if entry is None else N_("entry {entry}"), column,
                   fix=N_("delete one of them, or rename it"), code="recipients.header_twice", params=params)


def _letter(position: int) -> str:
    """Spreadsheet column letter of a 0-based position: 0 → A, 26 → AA."""
    letters = ""
    position += 1
    while position:
        position, rest = divmod(position - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def missing_problem(path: Path, missing: Sequence[str], found: Sequence[str]) -> Problem:
    """One problem for required columns the header lacks: what was recognised, what was not,
    and the header that looks most like a missing column."""
    recognised = [c for c in found if c in ALIASES]
    others = [c for c in found if c not in ALIASES]
    params: dict[str, Any] = {"missing": ", ".join(missing), "recognised": ", ".join(recognised) or Phrase(N_("none")),
                              "others": ", ".join(map(repr, others))}
    message = (N_("missing required column(s): {missing}; recognised: {recognised}; not recognised: {others}")
               if others else N_("missing required column(s): {missing}; recognised: {recognised}"))
    close = next(((column, header) for column in missing if (header := _closest(column, others))), None)
    if close:
        column, header = close
        fix = N_("{header!r} looks like {column}: rename it to {alias}, or map it in campaign.yaml: "
                 "columns: {{{column}: {{header: {header!r}}}}}")
        params |= {"header": header, "column": column, "alias": ALIASES[column][0]}
    else:
        fix = N_("name them in the first row, e.g. {examples}, or map your header in campaign.yaml: "
                 "columns: {{COLUMN: {{header: YOUR HEADER}}}}")
        params["examples"] = Phrase.joined(", ", [Phrase(N_("{column} or {alias}"), {"column": c, "alias": ALIASES[c][0]})
                                                for c in missing])
    return Problem(str(path), message, N_("header"), fix=fix, code="recipients.columns_missing", params=params)


def _closest(column: str, headers: Sequence[str]) -> str | None:
    """The header most like ``column`` or one of its aliases, if it is close (a typo)."""
    targets = [header_key(name) for name in (column, *ALIASES[column])]
    scored = [(difflib.SequenceMatcher(None, header_key(h), t).ratio(), h) for h in headers for t in targets]
    score, header = max(scored, default=(0.0, ""))
    return header if score >= 0.75 else None

"""Merged conversion: which letters share a LibreOffice document, and what to do with its PDF.

LibreOffice's cost is mostly per document, so letters of one template are joined into merged
documents of up to :data:`GROUP` letters (``_docx_merge``) and split back (``_pdf_split``).
Whether a letter is merged depends only on the letter itself (``_docx_parts``), and a merged
letter's PDF does not depend on the other letters of its group, so the bytes are the same
however a build batches its documents. A letter whose split does not check out is converted
again: merged with its NUMPAGES corrected, or alone in a merged document when its fonts were
not the prelude's; anything failing then is converted alone, with the reason kept.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Generic, Protocol, TypeVar

from wir_letters.i18n import N_
from wir_letters.inputs.values import Phrase
from wir_letters.pdf._docx_merge import merged_docx
from wir_letters.pdf._docx_parts import Letter, read_letter
from wir_letters.pdf._pdf_split import split_merged

GROUP = 20  # letters per merged document: LibreOffice's per-document cost shared, a failure stays small


class _Job(Protocol):
    @property
    def source(self) -> Path: ...

    @property
    def target(self) -> Path: ...


J = TypeVar("J", bound=_Job)


@dataclass
class Group(Generic[J]):
    """Letters converted in one LibreOffice document; ``counts``: the NUMPAGES value of each."""

    jobs: list[J]
    letters: list[Letter]
    counts: list[int]

    def docx(self) -> bytes:
        """The merged DOCX."""
        return merged_docx(self.letters, self.counts)


@dataclass
class Outcome(Generic[J]):
    """What a merged document gave: PDFs per job, letters to merge again, jobs to convert alone."""

    done: dict[J, bytes] = field(default_factory=dict)
    again: list[tuple[J, Letter, int, bool]] = field(default_factory=list)  # job, letter, count, alone in a group
    alone: dict[J, str] = field(default_factory=dict)  # job -> why it is converted alone (a Phrase)


def plan(jobs: Sequence[J], pages_seen: dict[str, int], placed_ok: bool = False) -> tuple[list[Group[J]], dict[J, str]]:
    """Merged groups of ``jobs`` (same template, in order) and the jobs to convert alone, each with why.
    ``placed_ok``: letters with a different first page or positioned frames may merge (see ``read_letter``)."""
    alone: dict[J, str] = {}
    by_key: dict[str, list[tuple[J, Letter]]] = {}
    for job in jobs:
        letter = read_letter(job.source, placed_ok)
        if letter.reason:
            alone[job] = letter.reason
        else:
            by_key.setdefault(letter.key, []).append((job, letter))
    groups = []
    for key, members in by_key.items():
        for start in range(0, len(members), GROUP):
            chunk = members[start:start + GROUP]
            groups.append(Group([job for job, _ in chunk], [letter for _, letter in chunk],
                                [pages_seen.get(key) or _saved_pages(letter) for _, letter in chunk]))
    return groups, alone


def _saved_pages(letter: Letter) -> int:
    """The page count Word saved with the template (``docProps/app.xml``): the first guess for NUMPAGES."""
    found = re.search(rb"<Pages>(\d+)</Pages>", letter.parts.get("docProps/app.xml", b""))
    return max(1, int(found.group(1))) if found else 1


def regroup(again: Sequence[tuple[J, Letter, int, bool]]) -> list[Group[J]]:
    """Groups for a second try: corrected counts together by template, unclean fonts one per group."""
    groups: list[Group[J]] = []
    by_key: dict[str, Group[J]] = {}
    for job, letter, count, single in again:
        if single:
            groups.append(Group([job], [letter], [count]))
            continue
        group = by_key.get(letter.key)
        if group is None or len(group.jobs) >= GROUP:
            group = by_key[letter.key] = Group([], [], [])
            groups.append(group)
        group.jobs.append(job)
        group.letters.append(letter)
        group.counts.append(count)
    return groups


def settle(group: Group[J], pdf: bytes | None, last_try: bool, pages_seen: dict[str, int]) -> Outcome[J]:
    """Check the merged ``pdf`` of ``group`` and split it; see :class:`Outcome`."""
    outcome: Outcome[J] = Outcome()
    pieces = split_merged(pdf, len(group.jobs)) if pdf is not None else None
    if pieces is None:
        why = Phrase(N_("the merged conversion made no PDF") if pdf is None
                     else N_("the merged PDF lacks its letter marks"))
        outcome.alone.update((job, why) for job in group.jobs)
        return outcome
    for job, letter, count, piece in zip(group.jobs, group.letters, group.counts, pieces):
        if letter.numpages:
            pages_seen[letter.key] = piece.pages
        wrong_count = letter.numpages and piece.pages != count
        if piece.pure and not wrong_count:
            outcome.done[job] = piece.data
        elif last_try or (not piece.pure and len(group.jobs) == 1):
            outcome.alone[job] = Phrase(N_("its page count changed with NUMPAGES filled in") if piece.pure else
                                        N_("it prints glyphs beyond the shared font set"))
        else:
            outcome.again.append((job, letter, piece.pages if wrong_count else count, not piece.pure))
    return outcome

"""The change log as readers see it: one announcement per change, however many entries it has.

data/subprocessors.yml keeps one entry per subprocessor (the JSON export and Annex IV of the DPA
need them so), but the first version of the list, or a provider replacing several others, is one
event: entries of the same kind, dates and summary are shown as one announcement.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

from api.content import Change, Subprocessor, Subprocessors, Text


@dataclass(frozen=True)
class Announcement:
    kind: Literal["added", "removed", "changed"]
    notice_date: date
    effective_date: date
    summary: Text
    subprocessors: tuple[Subprocessor, ...]


def announcements(subprocessors: Subprocessors) -> list[Announcement]:
    """The change log grouped into announcements, newest first; names keep the log's order."""
    grouped: dict[tuple[str, date, date, Text], tuple[Change, list[Subprocessor]]] = {}
    for change in subprocessors.changelog:
        summary = change.summary
        key = (change.kind, change.notice_date, change.effective_date, summary)
        _, entries = grouped.setdefault(key, (change, []))
        entries.append(subprocessors.get(change.subprocessor))
    result = [
        Announcement(
            kind=first.kind,
            notice_date=first.notice_date,
            effective_date=first.effective_date,
            summary=first.summary,
            subprocessors=tuple(entries),
        )
        for first, entries in grouped.values()
    ]
    # The log is kept newest last; sorting the reversed log is stable, so announcements of the
    # same dates also come newest first.
    result.reverse()
    result.sort(key=lambda item: (item.notice_date, item.effective_date), reverse=True)
    return result

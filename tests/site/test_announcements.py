"""The change log grouped for readers: one announcement per event, newest first."""

from __future__ import annotations

import importlib
import sys
from datetime import date
from types import ModuleType

import pytest

from api.content import Change, Content, Text
from tests.support.site_build import PROJECT_ROOT

HOOKS = PROJECT_ROOT / "overrides" / "hooks"


@pytest.fixture(scope="module")
def module() -> ModuleType:
    sys.path.insert(0, str(HOOKS))
    try:
        return importlib.import_module("announcements")
    finally:
        sys.path.remove(str(HOOKS))


def change(kind: str, sub: str, notice: date, effective: date, summary: str) -> Change:
    return Change.model_validate(
        {
            "kind": kind,
            "subprocessor": sub,
            "notice_date": notice,
            "effective_date": effective,
            "summary": Text(de=summary, en=summary),
        }
    )


def test_entries_of_one_event_become_one_announcement(module: ModuleType, content: Content) -> None:
    first, later = date(2026, 11, 26), date(2027, 1, 4)
    effective = date(2027, 2, 4)
    log = [
        change("added", "aws", first, first, "initial"),
        change("added", "hubspot", first, first, "initial"),
        change("removed", "frogged", later, effective, "replaced"),
        change("added", "userflow", later, effective, "replaced"),
        change("changed", "stripe", later, effective, "entity"),
        change("changed", "unlayer", later, effective, "entity"),
    ]
    subprocessors = content.subprocessors.model_copy(update={"changelog": log})
    items = module.announcements(subprocessors)
    summary = [(i.kind, i.summary.en, [s.id for s in i.subprocessors]) for i in items]
    # Newest first; same dates: the later log entry first; names in the log's order.
    assert summary == [
        ("changed", "entity", ["stripe", "unlayer"]),
        ("added", "replaced", ["userflow"]),
        ("removed", "replaced", ["frogged"]),
        ("added", "initial", ["aws", "hubspot"]),
    ]
    assert items[0].notice_date == later and items[0].effective_date == effective


def test_the_data_s_first_version_is_one_announcement(module: ModuleType, content: Content) -> None:
    items = module.announcements(content.subprocessors)
    initial = items[-1]
    assert [entry.id for entry in initial.subprocessors] == [
        change.subprocessor
        for change in content.subprocessors.changelog
        if change.summary == content.subprocessors.changelog[0].summary
    ]
    assert len(initial.subprocessors) == len(content.subprocessors.all()) == 6

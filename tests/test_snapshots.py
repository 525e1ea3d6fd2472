"""Snapshots of the home, new-workshop, walk-through and help screens at 80x24 and 120x40.

After an intended change to a screen: review, then `pytest --snapshot-update`.
"""

from __future__ import annotations

import pytest

from tui_harness import make_app, settle

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]



def keys(*presses: str):
    async def run_before(pilot) -> None:
        await settle(pilot)
        await pilot.press(*presses)
        await settle(pilot)

    return run_before


@pytest.mark.parametrize("size", SIZES)
def test_home_empty(snap_compare, tmp_path, size):
    assert snap_compare(make_app(tmp_path, demo=False), terminal_size=size, run_before=keys())


@pytest.mark.parametrize("size", SIZES)
def test_home_with_workshops(snap_compare, tmp_path, size):
    assert snap_compare(make_app(tmp_path), terminal_size=size, run_before=keys())


@pytest.mark.parametrize("size", SIZES)
def test_new_workshop_with_errors(snap_compare, tmp_path, size):
    assert snap_compare(make_app(tmp_path), terminal_size=size, run_before=keys("n", "tab", *"Claims", "enter"))


@pytest.mark.parametrize("size", SIZES)
def test_walkthrough(snap_compare, tmp_path, size):
    assert snap_compare(make_app(tmp_path), terminal_size=size, run_before=keys("enter", "3"))


@pytest.mark.parametrize("size", SIZES)
def test_walkthrough_guidance_and_note_bar(snap_compare, tmp_path, size):
    run_before = keys("enter", "question_mark", "p", *"Sponsor wavered on budget")
    assert snap_compare(make_app(tmp_path), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_walkthrough_blind_vote_collecting(snap_compare, tmp_path, size):
    assert snap_compare(make_app(tmp_path), terminal_size=size, run_before=keys("enter", "v", "1"))


@pytest.mark.parametrize("size", SIZES)
def test_walkthrough_votes_revealed(snap_compare, tmp_path, size):
    run_before = keys("enter", "v", "1", "2", "4", "r")
    assert snap_compare(make_app(tmp_path), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_help(snap_compare, tmp_path, size):
    assert snap_compare(make_app(tmp_path), terminal_size=size, run_before=keys("enter", "f1"))

"""The core stays headless: scripted commands never pay for importing Textual."""

from __future__ import annotations

import subprocess
import sys

import pytest

HEADLESS_MODULES = [
    "workshop.cli",
    "workshop.questionnaire",
    "workshop.session",
    "workshop.store",
    "workshop.analysis",
    "workshop.export",
]


@pytest.mark.parametrize("module", HEADLESS_MODULES)
def test_module_does_not_import_textual(module):
    code = f"import sys, {module}; print(any(m == 'textual' or m.startswith('textual.') for m in sys.modules))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


@pytest.mark.parametrize("module", ["workshop.questionnaire", "workshop.session", "workshop.analysis"])
def test_domain_does_not_import_sqlite(module):
    code = f"import sys, {module}; print(sorted(m for m in sys.modules if m in ('sqlite3', 'sqlite_utils')))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"

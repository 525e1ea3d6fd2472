"""The web stack stays out of every import path that does not serve.

`workshop` commands and the facilitator's app never pay for Starlette, uvicorn or Jinja2; what the
app needs from the phone-vote server (who has voted, the QR code, starting and stopping it) is
importable without them, and the QR helper imports segno only when it draws.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

WEB_STACK = ("starlette", "uvicorn", "jinja2", "multipart", "python_multipart", "anyio", "h11")

NOT_SERVING = [
    "workshop.cli",
    "workshop.tui.app",
    "workshop.web",
    "workshop.web.ballots",
    "workshop.web.launch",
    "workshop.web.qr",
    "workshop.web.security",
]


def loaded_after(code: str) -> set[str]:
    probe = f"import sys; {code}; print(' '.join(sorted({{m.split('.')[0] for m in sys.modules}})))"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return set(result.stdout.split())


@pytest.mark.parametrize("module", NOT_SERVING)
def test_module_does_not_import_the_web_stack(module):
    assert not loaded_after(f"import {module}") & set(WEB_STACK)


def test_the_server_module_does_import_it():  # the probe above can see a web import
    assert {"starlette", "jinja2"} <= loaded_after("import workshop.web.app")


def test_the_qr_helper_imports_segno_only_when_it_draws():
    assert "segno" not in loaded_after("import workshop.web.qr")
    assert "segno" in loaded_after("from workshop.web.qr import qr_lines; qr_lines('http://192.0.2.1:8765/x')")

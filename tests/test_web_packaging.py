"""The wheel ships the phone pages' templates: without them an installed server cannot draw a page."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = ROOT / "src" / "workshop" / "web" / "templates"


def test_wheel_contains_the_phone_pages(tmp_path):
    subprocess.run([sys.executable, "-m", "hatchling", "build", "-t", "wheel", "-d", str(tmp_path)],
                   cwd=ROOT, check=True, capture_output=True)
    [wheel] = tmp_path.glob("*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    templates = sorted(p.name for p in TEMPLATES.glob("*.html"))
    assert {"base.html", "join.html", "ballot.html", "revealed.html", "waiting.html", "error.html"} <= set(templates)
    for name in templates:
        assert f"workshop/web/templates/{name}" in names

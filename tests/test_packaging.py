"""The wheel ships the built-in question sets, and README documents only commands that exist."""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile
from pathlib import Path

from workshop.cli import cli

ROOT = Path(__file__).resolve().parents[1]


def test_wheel_contains_the_builtin_question_sets(tmp_path):
    subprocess.run([sys.executable, "-m", "hatchling", "build", "-t", "wheel", "-d", str(tmp_path)],
                   cwd=ROOT, check=True, capture_output=True)
    [wheel] = tmp_path.glob("*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    for set_id in ("business", "technical", "organizational", "risk", "genai"):
        assert f"workshop/questionnaires/{set_id}.toml" in names


def test_every_command_in_readme_exists():
    readme = (ROOT / "README.md").read_text()
    shell_blocks = "\n".join(re.findall(r"```sh\n(.*?)```", readme, re.DOTALL))
    mentioned = set(re.findall(r"^workshop ([a-z]+)\b", shell_blocks, re.MULTILINE))
    subcommands = set(cli.commands)
    assert mentioned, "README shows no commands"
    assert mentioned <= subcommands, mentioned - subcommands
    assert subcommands <= mentioned, f"README does not document: {subcommands - mentioned}"

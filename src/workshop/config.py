"""The user's settings file: `config.toml` in the user config folder (or $WORKSHOP_CONFIG).

Today it holds one table, `[keymap]`, which maps a key binding's id to the keys that trigger it:

    [keymap]
    "walk.next" = "right,l"      # ids are listed by `F1` in the app, beside each key
    "walk.prev" = "left,h"

Reading never raises: problems come back as one-line messages the app shows once.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from workshop.files import read_small_text
from workshop.text import terminal


@dataclass(frozen=True)
class Config:
    keymap: dict[str, str] = field(default_factory=dict)
    problems: tuple[str, ...] = ()


def load_config(path: Path) -> Config:
    """The settings in `path`; a missing file is an empty config."""
    try:
        text = read_small_text(path)
    except FileNotFoundError:
        return Config()
    except (OSError, ValueError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        return Config(problems=(f"{terminal(path)}: cannot read ({terminal(reason)})",))
    try:
        raw = tomllib.loads(text)
    except (tomllib.TOMLDecodeError, RecursionError) as exc:
        return Config(problems=(f"{terminal(path)}: not valid TOML ({terminal(exc)})",))
    problems: list[str] = []
    keymap: dict[str, str] = {}
    table = raw.get("keymap", {})
    if not isinstance(table, dict):
        return Config(problems=(f"{terminal(path)}: [keymap] must be a table of binding id = keys",))
    for binding_id, keys in table.items():
        if not isinstance(keys, str) or not keys.strip():
            problems.append(f"{terminal(path)}: keymap '{terminal(binding_id, 40)}' needs keys as a string, e.g. \"j,down\"")
            continue
        keymap[binding_id] = keys.replace(" ", "")
    unknown = sorted(set(raw) - {"keymap"})
    if unknown:
        problems.append(f"{terminal(path)}: unknown setting '{terminal(unknown[0], 40)}'")
    return Config(keymap=keymap, problems=tuple(problems))

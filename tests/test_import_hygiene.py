"""The layers, checked on every package: what each may import, and what importing it may load.

Two kinds of check. The static one reads every module's import statements, those inside functions
too, so a lazy import across a layer is caught as well. The runtime one imports modules in a fresh
interpreter and looks at what was loaded: it guards what commands and the first frame pay for.

- Nothing outside `workshop.tui` imports Textual.
- The domain (questionnaire, session, analysis, formatting) imports no SQLite, store, UI, web server
  or export; the store imports no UI, web server, export or analysis; the exports import no store.
- Nothing in `workshop.tui` imports sqlite3 or sqlite_utils: screens read through the store.
- Importing the CLI loads no Textual, web stack, export package, store or pydantic: each command
  imports what it uses.
- The app's first frame (CLI, store, app, home screen) loads no pydantic: the home list is a light
  query, and the models come after the first paint.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

import workshop

PACKAGE = Path(workshop.__file__).parent
WEB_STACK = ("starlette", "uvicorn", "jinja2", "multipart", "python_multipart")
DOMAIN = ("workshop.questionnaire", "workshop.session", "workshop.analysis", "workshop.formatting")

# module (and its submodules) -> what it must never import, anywhere in its code
FORBIDDEN: dict[str, tuple[str, ...]] = {
    **{
        domain: ("sqlite3", "sqlite_utils", "textual", "rich", *WEB_STACK, "workshop.store", "workshop.tui",
                 "workshop.web", "workshop.export", "workshop.report", "workshop.cli", "workshop.demo")
        for domain in DOMAIN
    },
    "workshop.store": ("textual", "rich", *WEB_STACK, "workshop.tui", "workshop.web", "workshop.export",
                       "workshop.report", "workshop.analysis", "workshop.cli"),
    "workshop.export": ("sqlite3", "sqlite_utils", "textual", *WEB_STACK, "workshop.store", "workshop.tui",
                        "workshop.web", "workshop.cli"),
    "workshop.web": ("textual", "workshop.tui", "workshop.cli"),
    "workshop.tui": ("sqlite3", "sqlite_utils", *WEB_STACK),
}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def imported_names(source: str, module: str, is_package: bool = False) -> set[str]:
    """Every module an import statement in the source names, at the top or inside a function."""
    names: set[str] = set()
    package = module if is_package else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: resolved against the module's package
                anchor = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{anchor}.{base}" if base else anchor
            names.add(base)
            names |= {f"{base}.{alias.name}" for alias in node.names}  # `from workshop import store`
    return names


def within(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def rules_for(module: str) -> tuple[str, ...]:
    forbidden = [f for owner, banned in FORBIDDEN.items() if within(module, owner) for f in banned]
    if not within(module, "workshop.tui"):
        forbidden.append("textual")
    if not within(module, "workshop.web"):
        forbidden.extend(WEB_STACK)
    return tuple(dict.fromkeys(forbidden))


@pytest.mark.parametrize("module", sorted(MODULES))
def test_each_module_imports_only_what_its_layer_may(module):
    forbidden = rules_for(module)
    path = MODULES[module]
    names = imported_names(path.read_text(encoding="utf-8"), module, path.name == "__init__.py")
    crossing = sorted(name for name in names if any(within(name, f) for f in forbidden))
    assert crossing == [], f"{module} imports {crossing}"


def test_the_static_check_sees_lazy_and_relative_imports():
    source = "def later():\n    import textual.app\n    from sqlite_utils import Database\n    from ..store import x\n"
    names = imported_names(source, "workshop.analysis.probe")
    assert {"textual.app", "sqlite_utils", "workshop.store", "workshop.store.x"} <= names
    assert "workshop.store" in rules_for("workshop.analysis.probe") and "textual" in rules_for("workshop.cli")
    assert "uvicorn" in rules_for("workshop.cli") and "uvicorn" not in rules_for("workshop.web.server")


def loaded_after(imports: list[str], watched: tuple[str, ...]) -> dict[str, list[str]]:
    """Import each module in turn in one fresh interpreter; which watched modules did each one load first?

    A module that loads a watched one is caught even if an earlier module loaded it too: the earlier
    one is then caught itself, so an empty answer means none of them loads any.
    """
    probe = (
        "import importlib, json, sys\n"
        f"watched = {watched!r}\n"
        "def seen():\n"
        "    return {m for m in sys.modules if any(m == w or m.startswith(w + '.') for w in watched)}\n"
        "found = {}\n"
        f"for name in {imports!r}:\n"
        "    before = seen()\n"
        "    importlib.import_module(name)\n"
        "    new = sorted(seen() - before)\n"
        "    if new:\n"
        "        found[name] = new\n"
        "print(json.dumps(found))\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return json.loads(result.stdout)


def test_no_module_outside_the_tui_loads_textual():
    outside = [m for m in MODULES if not within(m, "workshop.tui") and m != "workshop.__main__"]
    assert loaded_after(outside, ("textual",)) == {}


def test_the_domain_loads_no_sqlite_store_ui_or_export():
    domain = [m for m in MODULES if any(within(m, d) for d in DOMAIN)]
    watched = ("sqlite3", "sqlite_utils", "workshop.store", "textual", "workshop.export", *WEB_STACK)
    assert loaded_after(domain, watched) == {}


def test_importing_the_cli_loads_only_what_every_command_needs():
    watched = ("textual", "rich", *WEB_STACK, "workshop.export", "workshop.analysis", "workshop.store",
               "sqlite_utils", "pydantic")
    assert loaded_after(["workshop.cli"], watched) == {}


def test_the_first_frame_loads_no_models():
    first_frame = ["workshop.cli", "workshop.setfiles", "workshop.store", "workshop.tui.app",
                   "workshop.tui.screens.home"]
    assert loaded_after(first_frame, ("pydantic", "workshop.session", "workshop.questionnaire")) == {}


def test_the_runtime_check_sees_a_module_load_another():
    found = loaded_after(["workshop.text", "workshop.session"], ("pydantic",))
    assert list(found) == ["workshop.session"] and "pydantic.main" in found["workshop.session"]

"""Where workshop keeps its files: the database, the user's own question sets, settings and cache."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "workshop"
DB_ENV = "WORKSHOP_DB"
QUESTIONNAIRES_ENV = "WORKSHOP_QUESTIONNAIRES"
CONFIG_ENV = "WORKSHOP_CONFIG"
CACHE_ENV = "WORKSHOP_CACHE"


def default_db_path() -> Path:
    """`WORKSHOP_DB` if set, else `workshop.db` in the user's data folder."""
    if value := os.environ.get(DB_ENV):
        return Path(value).expanduser()
    return Path(platformdirs.user_data_dir(APP_NAME)) / "workshop.db"


def user_questionnaire_dir() -> Path:
    """`WORKSHOP_QUESTIONNAIRES` if set, else `questionnaires/` in the user's config folder."""
    if value := os.environ.get(QUESTIONNAIRES_ENV):
        return Path(value).expanduser()
    return Path(platformdirs.user_config_dir(APP_NAME)) / "questionnaires"


def default_export_dir() -> Path:
    return Path.cwd() / "exports"


def user_config_file() -> Path:
    """`WORKSHOP_CONFIG` if set, else `config.toml` in the user's config folder."""
    if value := os.environ.get(CONFIG_ENV):
        return Path(value).expanduser()
    return Path(platformdirs.user_config_dir(APP_NAME)) / "config.toml"


def cache_dir() -> Path:
    """`WORKSHOP_CACHE` if set, else the user's cache folder: what can be rebuilt at any time."""
    if value := os.environ.get(CACHE_ENV):
        return Path(value).expanduser()
    return Path(platformdirs.user_cache_dir(APP_NAME))

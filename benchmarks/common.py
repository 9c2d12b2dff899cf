"""What every benchmark starts with: Django set up on a database of its own.

Import this module before anything from Django or the project. The database is a temporary
SQLite file unless DATABASE_URL is given; ``fresh_database()`` drops and re-creates a
PostgreSQL one, then migrates.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("SIDEBYSIDE_ENV", "development")
os.environ["DEBUG"] = "false"
_tmp = tempfile.TemporaryDirectory()
os.environ.setdefault("DATABASE_URL", f"sqlite:///{_tmp.name}/bench.sqlite3")
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402


def fresh_database() -> None:
    if connection.vendor == "postgresql":
        import psycopg

        settings = connection.settings_dict
        admin = (
            f"host={settings['HOST']} port={settings['PORT'] or 5432} user={settings['USER']} dbname=postgres"
        )
        connection.close()
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{settings["NAME"]}"')
            conn.execute(f'CREATE DATABASE "{settings["NAME"]}"')
    call_command("migrate", verbosity=0)

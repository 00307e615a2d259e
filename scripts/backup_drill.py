"""Backup and restore drill for PostgreSQL: dump, restore into a new database, compare.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test .venv/bin/python scripts/backup_drill.py

Steps, against the server DATABASE_URL names (it needs the right to create databases):

1. make a fresh source database, migrate it and load the fictional demo data (the case,
   its chronology, documents, request and session record), so the drill never touches a
   live database unless --source names one;
2. `pg_dump -Fc` it, then `pg_restore` the dump into a second new database;
3. compare every table: row count and an md5 over its rows in primary-key order;
4. run `manage.py check` against the restored database as a smoke test;
5. print the dump size, the dump and restore times (the restore time is the recovery time
   this drill shows) and PASS or FAIL; drop both drill databases unless --keep.

Exit status 0 only when every table matches.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def _libpq(url: str) -> str:
    return url.replace("postgres://", "postgresql://", 1)


def _admin(url: str) -> psycopg.Connection:
    return psycopg.connect(_libpq(url), autocommit=True)


def _manage(url: str, *args: str) -> None:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "supervision.settings",
        "DATABASE_URL": url,
        "DEMO_MODE": "true",
        "TESTING": "true",
    }
    subprocess.run([PYTHON, str(ROOT / "manage.py"), *args], check=True, env=env, cwd=ROOT)  # noqa: S603


def _fingerprints(url: str) -> dict[str, tuple[int, str]]:
    """Row count and md5 of every table in the public schema, rows in primary-key order."""
    found: dict[str, tuple[int, str]] = {}
    with psycopg.connect(_libpq(url)) as connection, connection.cursor() as cursor:
        cursor.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
        )
        tables = [row[0] for row in cursor.fetchall()]
        for table in tables:
            cursor.execute(
                "SELECT a.attname FROM pg_index i JOIN pg_attribute a"
                " ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)"
                " WHERE i.indrelid = %s::regclass AND i.indisprimary ORDER BY a.attnum",
                [table],
            )
            keys = [row[0] for row in cursor.fetchall()]
            order = (
                sql.SQL(", ").join(sql.Identifier(key) for key in keys)
                if keys
                else sql.SQL("t::text")
            )
            query = sql.SQL(
                "SELECT count(*), coalesce(md5(string_agg(t::text, '|' ORDER BY {order})), '')"
                " FROM {table} t"
            ).format(order=order, table=sql.Identifier(table))
            cursor.execute(query)
            count, digest = cursor.fetchone() or (0, "")
            found[table] = (int(count), str(digest))
    return found


def drill(server_url: str, *, source: str | None, keep: bool) -> bool:
    suffix = uuid.uuid4().hex[:8]
    source_db = source or f"drill_source_{suffix}"
    restored_db = f"drill_restored_{suffix}"
    source_url = _with_database(server_url, source_db)
    restored_url = _with_database(server_url, restored_db)
    made = []
    try:
        with _admin(server_url) as admin:
            if source is None:
                admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(source_db)))
                made.append(source_db)
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(restored_db)))
            made.append(restored_db)
        if source is None:
            print(f"Loading the demo data into {source_db}")
            _manage(source_url, "migrate", "--noinput", "-v0")
            for command in (
                "load_demo_data",
                "load_demo_chronology",
                "load_demo_documents",
                "load_demo_request",
                "load_demo_session",
            ):
                _manage(source_url, command)
        with tempfile.TemporaryDirectory() as folder:
            dump = Path(folder) / "backup.dump"
            started = time.monotonic()
            subprocess.run(  # noqa: S603
                ["pg_dump", "-Fc", "--no-owner", "-f", str(dump), _libpq(source_url)],  # noqa: S607
                check=True,
            )
            dumped = time.monotonic() - started
            started = time.monotonic()
            subprocess.run(  # noqa: S603
                [  # noqa: S607 - pg_restore from the server's own client tools
                    "pg_restore",
                    "--no-owner",
                    "--exit-on-error",
                    "-d",
                    _libpq(restored_url),
                    str(dump),
                ],
                check=True,
            )
            restored = time.monotonic() - started
            size = dump.stat().st_size
        before = _fingerprints(source_url)
        after = _fingerprints(restored_url)
        _manage(restored_url, "check")
        differences = sorted(
            table for table in before.keys() | after.keys() if before.get(table) != after.get(table)
        )
        rows = sum(count for count, _ in before.values())
        print(f"Tables: {len(before)}; rows: {rows}; dump size: {size:,} bytes")
        print(f"Dump took {dumped:.2f} s; restore took {restored:.2f} s")
        for table in differences:
            print(f"  DIFFERENT: {table}: {before.get(table)} != {after.get(table)}")
        print("PASS" if not differences and before else "FAIL")
        return not differences and bool(before)
    finally:
        if not keep:
            with _admin(server_url) as admin:
                for name in made:
                    admin.execute(
                        sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                            sql.Identifier(name)
                        )
                    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--source", help="an existing database to back up (default: a new demo one)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the drill databases")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        print("Set DATABASE_URL to a PostgreSQL server (postgres://user@host:port/db).")
        return 2
    return 0 if drill(url, source=args.source, keep=args.keep) else 1


if __name__ == "__main__":
    sys.exit(main())

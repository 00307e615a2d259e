"""Fault drill: PostgreSQL killed mid-write, then a mail outage. Nothing acknowledged is lost.

    .venv/bin/python scripts/fault_drill.py [--seconds 4] [--writers 4]

Runs as root on a Debian machine with PostgreSQL's server binaries (it starts its own
throw-away cluster as the postgres user; it never touches another database):

1. initdb a cluster with data checksums in a temporary folder (fsync and synchronous
   commit on, as in production) and start it on a free loopback port;
2. migrate it;
3. start writers (and wait until they commit): each puts emails in the outbox through the
   application (`notifications.services.email_queue`, the way every change sends mail)
   and, only after
   the transaction has committed, writes the email's id to an acknowledgement file and
   fsyncs it; there is no SMTP server listening, so nothing can be sent yet (a mail outage);
4. kill -9 the postmaster and its backends while they write, start the cluster again and
   let the writers carry on until they commit again;
5. check that every acknowledged email is in the outbox, then start an SMTP server on
   loopback, run `manage.py send_queued_email`, and check every acknowledged email was
   delivered exactly once.

Prints the counts and PASS or FAIL; exit status 0 only on PASS.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
PG_BIN = Path("/usr/lib/postgresql/15/bin")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _as_postgres(*command: str) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *command]


class Cluster:
    def __init__(self, folder: Path, port: int) -> None:
        self.folder = folder
        self.data = folder / "data"
        self.port = port
        self.url = f"postgres://postgres@127.0.0.1:{port}/drill"

    def init(self) -> None:
        shutil.chown(self.folder, "postgres", "postgres")
        subprocess.run(  # noqa: S603
            _as_postgres(
                str(PG_BIN / "initdb"),
                "-D",
                str(self.data),
                "-A",
                "trust",
                "-U",
                "postgres",
                "--data-checksums",
                "-E",
                "UTF8",
                "--locale",
                "C",
            ),
            check=True,
            capture_output=True,
        )

    def start(self) -> None:
        """Start the postmaster as a child (through runuser, which reaps it when killed)."""
        self.server = subprocess.Popen(  # noqa: S603
            _as_postgres(
                str(PG_BIN / "postgres"),
                "-D",
                str(self.data),
                "-p",
                str(self.port),
                "-k",
                str(self.folder),
                "-c",
                "listen_addresses=127.0.0.1",
                "-c",
                "fsync=on",
                "-c",
                "synchronous_commit=on",
                "-c",
                "full_page_writes=on",
            ),
            stdout=(self.folder / "server.log").open("ab"),
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            ready = subprocess.run(  # noqa: S603
                [str(PG_BIN / "pg_isready"), "-h", "127.0.0.1", "-p", str(self.port)],
                capture_output=True,
                check=False,
            )
            if ready.returncode == 0:
                return
            if self.server.poll() is not None:
                break
            time.sleep(0.2)
        log = (self.folder / "server.log").read_text(errors="replace")[-2000:]
        raise RuntimeError(f"PostgreSQL did not start:\n{log}")

    def kill(self) -> None:
        """kill -9 the postmaster and every backend of this cluster, mid-write."""
        postmaster = int((self.data / "postmaster.pid").read_text().splitlines()[0])
        children = subprocess.run(  # noqa: S603
            ["pgrep", "-P", str(postmaster)],  # noqa: S607
            capture_output=True,
            text=True,
            check=False,
        ).stdout.split()
        for pid in [postmaster, *map(int, children)]:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        self.server.wait(timeout=30)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            alive = [
                pid
                for pid in children
                if Path(f"/proc/{pid}").exists()
                and "Z" not in Path(f"/proc/{pid}/stat").read_text().split()[2]
            ]
            if not alive:
                return
            time.sleep(0.1)

    def stop(self) -> None:
        server = getattr(self, "server", None)
        if server is not None and server.poll() is None:
            postmaster = int((self.data / "postmaster.pid").read_text().splitlines()[0])
            os.kill(postmaster, signal.SIGQUIT)
            server.wait(timeout=30)


def _env(url: str, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "supervision.settings",  # not the test settings
        "DATABASE_URL": url,
        "DEMO_MODE": "true",
        "TESTING": "true",
        **extra,
    }


def _manage(url: str, *args: str, **extra: str) -> str:
    result = subprocess.run(  # noqa: S603
        [PYTHON, str(ROOT / "manage.py"), *args],
        check=True,
        env=_env(url, **extra),
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    return result.stdout


# --- The writer process -----------------------------------------------------------------


def writer(ack_path: Path, threads: int) -> None:
    """Queue emails through the application until a "stop" file appears beside the
    acknowledgement file, surviving the database going away; record each id only once its
    transaction has committed."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "supervision.settings")
    import django

    django.setup()
    from django.db import close_old_connections, transaction

    from supervision.notifications.services import email_queue

    lock = threading.Lock()
    handle = ack_path.open("a", encoding="utf-8")
    stop = ack_path.with_name("stop")

    def work(number: int) -> None:
        sequence = 0
        while not stop.exists():
            sequence += 1
            try:
                with transaction.atomic():
                    message = email_queue(
                        to=f"writer{number}@drill.example",
                        subject=f"drill {number}-{sequence}",
                        body="A change; sign in to see it.",
                        kind="drill",
                    )
                with lock:  # acknowledged: committed
                    handle.write(f"{message.pk}\n")
                    handle.flush()
                    os.fsync(handle.fileno())
            except Exception:
                close_old_connections()
                from django.db import connection

                connection.close()
                time.sleep(0.05)

    workers = [threading.Thread(target=work, args=(n,)) for n in range(threads)]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join()
    handle.close()


# --- The drill --------------------------------------------------------------------------


def drill(seconds: float, writers: int) -> bool:
    folder = Path(tempfile.mkdtemp(prefix="fault-drill-"))
    cluster = Cluster(folder, _free_port())
    smtp_port = _free_port()
    try:
        cluster.init()
        cluster.start()
        subprocess.run(  # noqa: S603
            [
                str(PG_BIN / "createdb"),
                "-h",
                "127.0.0.1",
                "-p",
                str(cluster.port),
                "-U",
                "postgres",
                "drill",
            ],
            check=True,
            capture_output=True,
        )
        _manage(cluster.url, "migrate", "--noinput", "-v0")
        ack = folder / "acknowledged.txt"
        ack.touch()
        email = f"smtp://127.0.0.1:{smtp_port}"
        process = subprocess.Popen(  # noqa: S603
            [
                PYTHON,
                __file__,
                "--writer",
                str(ack),
                "--writers",
                str(writers),
            ],
            env=_env(cluster.url, EMAIL_URL=email, EMAIL_TIMEOUT="2"),
            cwd=ROOT,
        )
        _wait_for_writes(ack, process)  # the writers are committing
        time.sleep(seconds)
        before_kill = len(ack.read_text().split())
        cluster.kill()
        time.sleep(0.5)
        cluster.start()
        _wait_for_writes(ack, process, more_than=len(ack.read_text().split()))
        (ack.with_name("stop")).touch()
        process.wait(timeout=120)
        acknowledged = {int(line) for line in ack.read_text().split()}
        check = subprocess.run(  # noqa: S603
            [PYTHON, "-c", _COUNT_PRESENT, str(ack)],
            env=_env(cluster.url),
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
        present = int(check.stdout.strip())
        lost = len(acknowledged) - present
        print(
            f"Writers: {writers}; acknowledged before the kill: {before_kill}; "
            f"acknowledged in all: {len(acknowledged)}; present after restart: {present}; "
            f"lost: {lost}"
        )
        delivered = _deliver(cluster.url, smtp_port)
        counts = {subject: delivered.count(subject) for subject in set(delivered)}
        duplicates = sum(n - 1 for n in counts.values() if n > 1)
        expected = int(
            subprocess.run(  # noqa: S603
                [PYTHON, "-c", _COUNT_QUEUED_BEFORE, str(ack)],
                env=_env(cluster.url),
                cwd=ROOT,
                capture_output=True,
                text=True,
                check=True,
            ).stdout.strip()
        )
        undelivered = expected - len(counts)
        print(
            f"Mail outage: {expected} acknowledged emails; delivered after the server came "
            f"back: {len(counts)}; not delivered: {undelivered}; duplicates: {duplicates}"
        )
        passed = lost == 0 and len(acknowledged) > 0 and undelivered == 0 and duplicates == 0
        print("PASS" if passed else "FAIL")
        return passed
    finally:
        cluster.stop()
        shutil.rmtree(folder, ignore_errors=True)


_COUNT_PRESENT = """
import os, sys, django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "supervision.settings")
django.setup()
from supervision.notifications.models import OutboxMessage
ids = {int(line) for line in open(sys.argv[1]).read().split()}
print(OutboxMessage.objects.filter(pk__in=ids, kind="drill").count())
"""

_COUNT_QUEUED_BEFORE = """
import os, sys, django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "supervision.settings")
django.setup()
from supervision.notifications.models import OutboxMessage
ids = {int(line) for line in open(sys.argv[1]).read().split()}
print(OutboxMessage.objects.filter(pk__in=ids).count())
"""


def _wait_for_writes(ack: Path, process: subprocess.Popen[bytes], more_than: int = 0) -> None:
    """Wait until the writers have acknowledged more than `more_than` emails."""
    deadline = time.monotonic() + 180
    while len(ack.read_text().split()) <= more_than:
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError("The writers stopped writing.")
        time.sleep(0.1)


def _deliver(url: str, smtp_port: int) -> list[str]:
    """Start an SMTP sink, send everything due (repeatedly, as cron would), return subjects."""
    from aiosmtpd.controller import Controller

    subjects: list[str] = []

    class Sink:
        async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
            content = envelope.content  # type: ignore[attr-defined]
            text = content.decode("utf-8", "replace") if isinstance(content, bytes) else content
            for line in text.splitlines():
                if line.startswith("Subject: "):
                    subjects.append(line.removeprefix("Subject: ").strip())
            return "250 OK"

    controller = Controller(Sink(), hostname="127.0.0.1", port=smtp_port)
    controller.start()
    try:
        email = f"smtp://127.0.0.1:{smtp_port}"
        for _ in range(3):  # running it again sends nothing twice
            _manage(url, "send_queued_email", EMAIL_URL=email, EMAIL_TIMEOUT="5")
    finally:
        controller.stop()
    return subjects


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=4.0, help="writing time before the kill")
    parser.add_argument("--writers", type=int, default=4)
    parser.add_argument("--writer", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.writer:
        writer(Path(args.writer), args.writers)
        return 0
    if os.geteuid() != 0 or not (PG_BIN / "initdb").exists():
        print("The fault drill needs root and PostgreSQL 15's server binaries.")
        return 2
    return 0 if drill(args.seconds, args.writers) else 1


if __name__ == "__main__":
    sys.exit(main())

"""Faults the product must survive without losing or doubling a record.

- Concurrent writers on SQLite (several processes adding entries and an import at once)
  never see "database is locked": every write lands.
- A PostgreSQL restart in the middle of an import, from the command line and under the
  worker, is waited out: the import carries on from its last commit and ends row for row
  as an uninterrupted one. The restart is of a private server this test starts, never the
  suite's own.

(Killing the importer or the worker with SIGKILL ten times is in
cmeledger/reporting/tests/test_crash.py.)
"""

from __future__ import annotations

import os
import random
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from cmeledger.lib.testsite import Site

# Concurrent writers in child processes and a private PostgreSQL restarted mid-import.
pytestmark = pytest.mark.slow

ROWS = 6_000
BATCH = 100
WRITERS = 6
ENTRIES_EACH = 60

WRITER = """
import sys
from decimal import Decimal
from django.db import transaction
from cmeledger.accounts.models import User
from cmeledger.ledger import services
from cmeledger.ledger.models import CreditEntry
from cmeledger.ledger.testing import entry_fields

me = User.objects.get(email=sys.argv[1])
for n in range(int(sys.argv[2])):
    # Read, then write, in one transaction: the pattern that upgrades a read lock to a
    # write lock and fails with "database is locked" unless transactions start IMMEDIATE.
    with transaction.atomic():
        count = CreditEntry.objects.filter(clinician=me).count()
        services.create_entry(me, me, entry_fields(title=f"Session {count + 1}",
                                                    credits=Decimal("0.25")))
"""


def test_concurrent_writers_on_sqlite_never_see_database_is_locked(tmp_path):
    site = Site(tmp_path / "site", REPORTING_BATCH_ROWS=str(BATCH))  # always SQLite
    site.run("migrate", "--no-input", "-v", "0")
    partner_file = site.folder / "partner.tsv"
    site.run(
        "reporting", "sample", "--org", "busy-org", "--rows", str(ROWS), "--clinicians", "200",
        "--output", str(partner_file), "--create",
    )  # fmt: skip
    emails = [f"writer{n}@example.org" for n in range(WRITERS)]
    site.run(
        "shell", "-c",
        "from cmeledger.conftest import make_clinician\n"
        f"for email in {emails!r}:\n    make_clinician(email, 'Wren', email[:7])\n",
    )  # fmt: skip

    started = [
        subprocess.Popen(
            site.command("shell", "-c", WRITER.replace("sys.argv[1]", repr(email)).replace(
                "sys.argv[2]", str(ENTRIES_EACH))),
            env=site.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        for email in emails
    ]  # fmt: skip
    started.append(
        subprocess.Popen(
            site.command("reporting", "import", str(partner_file), "--org", "busy-org"),
            env=site.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
    )  # fmt: skip
    for process in started:
        _out, err = process.communicate(timeout=600)
        assert "database is locked" not in err
        assert process.returncode == 0, err[-2000:]

    written = site.query(
        "SELECT COUNT(*) FROM ledger_creditentry e JOIN accounts_user u ON u.id = e.clinician_id "
        "WHERE u.email LIKE 'writer%'"
    )[0][0]
    assert written == WRITERS * ENTRIES_EACH
    assert site.query("SELECT status, rows_done FROM reporting_submission") == [("done", ROWS + 1)]


# A private PostgreSQL server, restarted on purpose.


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class PrivateServer:
    """initdb into a temporary folder and run it on a free port, as the postgres user
    when the tests run as root (PostgreSQL refuses to run as root)."""

    def __init__(self) -> None:
        versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))
        if not versions:
            pytest.fail("PostgreSQL's server binaries are missing (Debian package postgresql)")
        self.bin = versions[-1].parent
        self.folder = Path(tempfile.mkdtemp(prefix="cmeledger-pg-"))
        self.data = self.folder / "data"
        self.port = _free_port()
        self.as_postgres = os.geteuid() == 0
        if self.as_postgres:
            shutil.chown(self.folder, "postgres", "postgres")
        self._pg("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8")
        self.start()

    def _pg(self, tool: str, *args: str) -> None:
        command = [str(self.bin / tool), *args]
        if self.as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr + done.stdout

    def start(self) -> None:
        options = (
            f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c full_page_writes=off"
        )
        self._pg("pg_ctl", "-D", str(self.data), "-o", options, "-l",
                 str(self.folder / "log"), "-w", "start")  # fmt: skip

    def restart(self, mode: str) -> None:
        """Stop (fast: end every session; immediate: as a crash would) and start again."""
        self._pg("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")
        time.sleep(0.5)  # the importer meets a closed port, not just a dropped session
        self.start()

    def stop(self) -> None:
        self._pg("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.folder, ignore_errors=True)

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}"


@pytest.fixture(scope="module")
def server():
    private = PrivateServer()
    yield private
    private.stop()


@pytest.fixture(scope="module")
def prepared(server, tmp_path_factory):
    site = Site(
        tmp_path_factory.mktemp("prepared"), server.url,
        REPORTING_BATCH_ROWS=str(BATCH), DB_RETRY_SECONDS="60",
    )  # fmt: skip
    site.run("migrate", "--no-input", "-v", "0")
    partner_file = site.folder / "partner.tsv"
    site.run(
        "reporting", "sample", "--org", "restart-org", "--rows", str(ROWS), "--clinicians",
        "200", "--output", str(partner_file), "--create",
    )  # fmt: skip
    clean = site.copy_to(tmp_path_factory.mktemp("clean"))
    clean.run("reporting", "import", str(partner_file), "--org", "restart-org", "--quiet")
    return site, clean, partner_file


def _rows_done(site: Site) -> int:
    try:
        return site.rows_done()
    except Exception:  # noqa: BLE001 - the server is between stop and start
        return -1


def restart_during(site: Site, server: PrivateServer, process, points: list[int]) -> None:
    for point, mode in zip(points, ["fast", "immediate"], strict=False):
        deadline = time.monotonic() + 120
        while _rows_done(site) < point:
            assert process.poll() is None, "the import ended before the restart"
            assert time.monotonic() < deadline, "the import made no progress"
            time.sleep(0.01)
        server.restart(mode)


def _points(seed: int) -> list[int]:
    return sorted(random.Random(seed).sample(range(BATCH, ROWS - 20 * BATCH), 2))


def test_an_import_waits_out_a_postgresql_restart_and_ends_as_an_uninterrupted_run(
    server, prepared, tmp_path
):
    base, clean, partner_file = prepared
    site = base.copy_to(tmp_path / "restarted")
    process = subprocess.Popen(
        site.command("reporting", "import", str(partner_file), "--org", "restart-org", "--quiet"),
        env=site.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    restart_during(site, server, process, _points(seed=3))
    _out, err = process.communicate(timeout=300)
    assert process.returncode == 0, err[-2000:]
    assert "carrying on" in err  # it did lose the connection, and waited

    assert site.ledger() == clean.ledger()
    assert site.query("SELECT status FROM reporting_submission") == [("done",)]


def test_the_worker_waits_out_a_postgresql_restart_and_finishes_the_job(
    server, prepared, tmp_path
):
    base, clean, partner_file = prepared
    site = base.copy_to(tmp_path / "worker")
    site.run(
        "shell", "-c",
        "from django.core.files import File\n"
        "from cmeledger.accounts.models import Organization\n"
        "from cmeledger.reporting import jobs\n"
        f"with open({str(partner_file)!r}, 'rb') as handle:\n"
        "    jobs.submit_file(Organization.objects.get(slug='restart-org'),"
        " File(handle, name='partner.tsv'), user=None)\n",
    )  # fmt: skip
    process = subprocess.Popen(
        site.command("worker", "--batch", "--no-startup-delay", "-v", "1"),
        env=site.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    restart_during(site, server, process, _points(seed=5))
    out, err = process.communicate(timeout=300)
    assert process.returncode == 0, (out + err)[-2000:]

    assert site.ledger() == clean.ledger()
    assert site.query("SELECT status, channel FROM reporting_submission") == [("done", "upload")]

"""A real crash: the importing process is killed with SIGKILL part way through a file,
several times, and started again. The ledger must end row for row as an uninterrupted
run leaves it, with the same counts.

These tests run the `cmeledger` command in child processes against a SQLite file of
their own (a SQLite file, or fresh PostgreSQL databases when the suite runs on
PostgreSQL), so they need no database fixture and leave the suite's database alone.
"""

from __future__ import annotations

import random
import signal
import subprocess
import time
from pathlib import Path

import pytest

from cmeledger.lib.testsite import Site, postgres_server

# Each test SIGKILLs child processes ten times over a 12,000-row import (about a minute).
pytestmark = pytest.mark.slow

ROWS = 12_000
CLINICIANS = 400
BATCH = 150
KILLS = 10


@pytest.fixture
def sites():
    made: list[Site] = []
    yield made
    for site in made:
        site.drop()


@pytest.fixture(scope="module")
def prepared(tmp_path_factory):
    """A migrated site with the organization and clinicians a sample file names."""
    site = Site(
        tmp_path_factory.mktemp("prepared"), postgres_server(), REPORTING_BATCH_ROWS=str(BATCH)
    )
    try:
        site.run("migrate", "--no-input", "-v", "0")
        partner_file = site.folder / "partner.tsv"
        site.run(
            "reporting", "sample", "--org", "crash-org", "--rows", str(ROWS),
            "--clinicians", str(CLINICIANS), "--output", str(partner_file), "--create",
        )  # fmt: skip
        yield site, partner_file
    finally:
        site.drop()


def kill_after(site: Site, process: subprocess.Popen, rows: int) -> None:
    """SIGKILL the process once it has committed `rows` rows: it is then somewhere in the
    middle of its next batch."""
    deadline = time.monotonic() + 60
    while site.rows_done() < rows:
        assert process.poll() is None, "the import ended before it could be killed"
        assert time.monotonic() < deadline, "the import made no progress"
        time.sleep(0.002)
    process.send_signal(signal.SIGKILL)
    assert process.wait(timeout=30) == -signal.SIGKILL


def kill_points(seed: int) -> list[int]:
    chooser = random.Random(seed)
    # Ten batches short of the end at the latest, so the process is still running.
    return sorted(chooser.sample(range(BATCH, ROWS - 10 * BATCH), KILLS))


def assert_whole_batches(site: Site) -> None:
    """Only whole batches are stored: the checkpoint is a batch boundary, and every
    stored record of the file lies before it."""
    done = site.rows_done()
    assert (done - 1) % BATCH == 0  # row 1 is the header
    records = site.query("SELECT COUNT(*) FROM reporting_reportedrecord")[0][0]
    invalid = site.query("SELECT COUNT(DISTINCT row) FROM reporting_rowerror")[0][0]
    assert records + invalid == done - 1


@pytest.fixture
def runs(prepared, sites, tmp_path) -> tuple[Site, Site, Path]:
    """A site after an uninterrupted import of the file, a copy of the prepared site to
    crash, and the file."""
    base, partner_file = prepared
    clean = base.copy_to(tmp_path / "clean")
    crashed = base.copy_to(tmp_path / "crashed")
    sites.extend([clean, crashed])
    clean.run("reporting", "import", str(partner_file), "--org", "crash-org", "--quiet")
    return clean, crashed, partner_file


def test_an_import_killed_ten_times_ends_as_an_uninterrupted_run(runs):
    clean, crashed, partner_file = runs

    for point in kill_points(seed=4):
        process = crashed.start(
            "reporting", "import", str(partner_file), "--org", "crash-org", "--quiet"
        )
        kill_after(crashed, process, point)
        assert_whole_batches(crashed)
    output = crashed.run("reporting", "import", str(partner_file), "--org", "crash-org")
    assert "Continuing submission 1, which stopped after row" in output

    assert crashed.ledger() == clean.ledger()
    assert crashed.query("SELECT status FROM reporting_submission") == [("done",)]


def test_a_worker_killed_mid_job_and_restarted_finishes_the_job(runs):
    clean, crashed, partner_file = runs

    crashed.run(
        "shell", "-c",
        "from pathlib import Path\n"
        "from django.core.files import File\n"
        "from cmeledger.accounts.models import Organization\n"
        "from cmeledger.reporting import jobs\n"
        f"with open({str(partner_file)!r}, 'rb') as handle:\n"
        "    jobs.submit_file(Organization.objects.get(slug='crash-org'),"
        " File(handle, name='partner.tsv'), user=None)\n",
    )  # fmt: skip
    worker = ("db_worker", "--queue-name", "imports", "--batch", "--no-startup-delay", "-v", "0")
    for point in kill_points(seed=9):
        process = crashed.start(*worker)
        kill_after(crashed, process, point)
        assert_whole_batches(crashed)
        # What an operator (or `serve` on start-up) does after a crash.
        assert crashed.run("reporting", "resume") == "Restarted 1 job(s).\n"
    crashed.run(*worker)

    assert crashed.ledger() == clean.ledger()
    assert crashed.query("SELECT status, channel FROM reporting_submission") == [("done", "upload")]

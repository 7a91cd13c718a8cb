"""`make bench-load`: the site under gunicorn with concurrent users, on SQLite and PostgreSQL.

For each engine a throw-away site (a SQLite file, or a database of its own on the
PostgreSQL server at LOAD_POSTGRES, dropped afterwards) is set up with the `cmeledger`
command, served by gunicorn (4 workers x 4 threads) with one `db_worker`, and driven by
LOAD_USERS simulated clinicians (50) for LOAD_SECONDS (60). Each sends its next request
as soon as the last is answered: the dashboard with its session, the entry list or a new
entry with its token. Meanwhile an organization uploads generated reporting files of
LOAD_IMPORT_ROWS rows (10,000), one after another, each followed until its job is done.

Printed: requests/s and p50/p99 latency per kind of request and overall. The exit status
is 1 when any request failed (connection failure, 5xx, any other status than the valid
request's), when an acknowledged entry is not stored or more are stored than were
acknowledged, or when the import did not finish with every row of the file either
stored or refused with its error. LOAD_ENGINES=sqlite (or postgres) runs one engine.
"""

from __future__ import annotations

import csv
import io
import json
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from uuid import UUID

import requests

from cmeledger.lib.testsite import Site

USERS = int(os.environ.get("LOAD_USERS", "50"))
SECONDS = float(os.environ.get("LOAD_SECONDS", "60"))
IMPORT_ROWS = int(os.environ.get("LOAD_IMPORT_ROWS", "10000"))
ENGINES = os.environ.get("LOAD_ENGINES", "sqlite,postgres").split(",")
POSTGRES = os.environ.get("LOAD_POSTGRES", "postgres://postgres@127.0.0.1:5432")
WORKERS, THREADS = 4, 4
ORG = "load-org"
PASSWORD = "load-bench-password-7"
REQUEST_TIMEOUT = 120  # beyond SQLite's 30 s busy timeout: a slow answer is measured, not lost
IMPORT_TIMEOUT = 600

DASHBOARD, LIST, WRITE, UPLOAD, JOB = (
    "dashboard (GET /, session)",
    "entry list (GET /api/v1/entries)",
    "new entry (POST /api/v1/entries)",
    "import upload (POST /reports/files)",
    "import job (GET /reports/jobs/{id})",
)
MIX = ((DASHBOARD, 0.35), (LIST, 0.25), (WRITE, 0.40))

# Run in the site by `cmeledger shell -c`: the load's clinicians are the first generated
# ones (those the import names too), with a password, their sets and a token each; the
# organization gets a member and an organization token.
SETUP = """
import json
from django.contrib.auth.hashers import make_password
from cmeledger.accounts.models import ApiToken, Organization, Role, User
from cmeledger.requirements.enrollment import enroll_automatically

hashed = make_password({password!r})
people = []
for index in range({users}):
    user = User.objects.get(email=f"clinician{{index}}@example.org")
    user.password = hashed
    user.save(update_fields=["password"])
    enroll_automatically(user)
    people.append({{"email": user.email, "token": ApiToken.issue(user, "load")[1]}})
org = Organization.objects.get(slug={org!r})
member = User.objects.create(
    email="member@load-org.example.org", role=Role.ORGANIZATION, organization=org,
    password=hashed,
)
org_token = ApiToken.issue(member, "load", organization=org)[1]
print("LOAD-SETUP " + json.dumps({{"clinicians": people, "org_token": org_token}}))
"""

WORDS = (
    "Spasticity Stroke Pain Opioid Ethics Ultrasound Gait Spinal Pediatric Amputee Sports "
    "Concussion Prosthetics Neuropathy Rehabilitation Update Review Workshop Grand Rounds"
).split()
CREDIT_TYPES = ("ama-pra-1", "ama-pra-1", "ama-pra-2", "moc-points", "attendance")
TOPICS = ("ethics", "pain-management", "opioid-prescribing", "patient-safety", "implicit-bias")
KINDS = ("live", "enduring", "journal", "internet-live", "internet-enduring")


def fake_entry(rng: random.Random) -> dict:
    """A generated self-reported entry: no real person, course or provider."""
    return {
        "title": " ".join(rng.sample(WORDS, 3)),
        "provider": f"{rng.choice(WORDS)} CME Institute",
        "accreditor": "accme",
        "activity_kind": rng.choice(KINDS),
        "completed_on": (date.today() - timedelta(days=rng.randint(0, 700))).isoformat(),
        "credit_type": rng.choice(CREDIT_TYPES),
        "credits": str(rng.randint(1, 40) / 4),
        "topics": rng.sample(TOPICS, rng.randint(0, 2)),
        "notes": "load benchmark",
    }


def percentile(ordered: list[float], q: float) -> float:
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


@dataclass
class Results:
    """What the load saw: latencies by kind, failures, and the entry ids acknowledged."""

    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    failures: list[str] = field(default_factory=list)
    acknowledged: set[str] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def call(
        self, kind: str, expected: int, send: Callable[[], requests.Response]
    ) -> requests.Response | None:
        started = time.perf_counter()
        try:
            response = send()
        except requests.RequestException as error:
            self._fail(kind, time.perf_counter() - started, f"{type(error).__name__}: {error}")
            return None
        elapsed = time.perf_counter() - started
        if response.status_code != expected:
            body = response.text[:300].replace("\n", " ")
            self._fail(kind, elapsed, f"status {response.status_code}: {body}")
            return None
        with self.lock:
            self.latencies[kind].append(elapsed)
        return response

    def _fail(self, kind: str, elapsed: float, detail: str) -> None:
        with self.lock:
            self.latencies[kind].append(elapsed)
            self.failures.append(f"{kind}: {detail}")


def guarded(out: Results, name: str, work: Callable[[], object]) -> Callable[[], None]:
    """A thread's body whose crash is a failure of the run, not a silent short thread."""

    def run() -> None:
        try:
            work()
        except Exception as error:  # noqa: BLE001 - reported with the failed requests
            with out.lock:
                out.failures.append(f"{name} stopped: {type(error).__name__}: {error}")

    return run


class Server:
    """gunicorn and one db_worker on a site; stopped, whatever happens, by `stop`."""

    def __init__(self, site: Site) -> None:
        self.site = site
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.processes: list[subprocess.Popen] = []

    def _start(self, name: str, command: list[str]) -> None:
        log = open(self.site.folder / f"{name}.log", "wb")  # noqa: SIM115 - the child owns it
        self.processes.append(
            subprocess.Popen(command, env=self.site.env, stdout=log, stderr=subprocess.STDOUT)
        )
        log.close()

    def start(self) -> None:
        self._start(
            "gunicorn",
            [
                sys.executable, "-m", "gunicorn", "cmeledger.wsgi:application",
                "--workers", str(WORKERS), "--threads", str(THREADS),
                "--bind", f"127.0.0.1:{self.port}", "--graceful-timeout", "10",
            ],
        )  # fmt: skip
        self._start("worker", self.site.command("worker", "--no-reload", "--interval", "1"))
        deadline = time.monotonic() + 60
        while True:
            for process in self.processes:
                if process.poll() is not None:
                    raise RuntimeError(f"{process.args[2]} exited: {self.log_tail()}")
            try:
                if requests.get(f"{self.url}/healthz", timeout=5).text == "ok\n":
                    return
            except requests.RequestException:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"/healthz did not answer ok within 60 s: {self.log_tail()}")
            time.sleep(0.2)

    def died(self) -> list[str]:
        return [
            f"{process.args[2]} exited with code {process.returncode} during the load"
            for process in self.processes
            if process.poll() is not None
        ]

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def log_tail(self, lines: int = 40) -> str:
        tails = []
        for name in ("gunicorn", "worker"):
            path = self.site.folder / f"{name}.log"
            if path.exists():
                text = path.read_text(errors="replace").splitlines()[-lines:]
                tails.append(f"--- {name}.log ---\n" + "\n".join(text))
        return "\n".join(tails)


def log_in(url: str, email: str) -> requests.Session:
    session = requests.Session()
    session.get(f"{url}/accounts/login/", timeout=REQUEST_TIMEOUT).raise_for_status()
    answer = session.post(
        f"{url}/accounts/login/",
        data={
            "login": email,
            "password": PASSWORD,
            "csrfmiddlewaretoken": session.cookies["csrftoken"],
        },
        allow_redirects=False,
        timeout=REQUEST_TIMEOUT,
    )
    if answer.status_code != 302 or "sessionid" not in session.cookies:
        raise RuntimeError(f"login of {email} failed: {answer.status_code}")
    return session


def clinician(
    url: str, session: requests.Session, token: str, seed: int, deadline: float, out: Results
) -> None:
    rng = random.Random(seed)
    bearer = {"Authorization": f"Bearer {token}"}
    kinds, weights = zip(*MIX, strict=True)
    while time.monotonic() < deadline:
        kind = rng.choices(kinds, weights)[0]
        if kind == DASHBOARD:
            out.call(
                kind,
                200,
                lambda: session.get(f"{url}/", allow_redirects=False, timeout=REQUEST_TIMEOUT),
            )
        elif kind == LIST:
            out.call(
                kind,
                200,
                lambda: session.get(
                    f"{url}/api/v1/entries",
                    params={"limit": 25},
                    headers=bearer,
                    allow_redirects=False,
                    timeout=REQUEST_TIMEOUT,
                ),
            )
        else:
            entry = fake_entry(rng)
            answer = out.call(
                kind,
                201,
                lambda entry=entry: session.post(
                    f"{url}/api/v1/entries",
                    json=entry,
                    headers=bearer,
                    allow_redirects=False,
                    timeout=REQUEST_TIMEOUT,
                ),
            )
            if answer is not None:
                entry_id = answer.json().get("id")
                with out.lock:
                    if entry_id:
                        out.acknowledged.add(str(UUID(entry_id)))
                    else:
                        out.failures.append(f"{kind}: 201 without an id")


@dataclass
class Import:
    job: int | None = None
    finished: dict | None = None
    seconds: float = 0.0


def round_file(path: Path, number: int) -> bytes:
    """The sample file with its record ids made unique to this round, so that every
    round creates records (the same ids again would only be unchanged)."""
    with path.open(encoding="utf-8", newline="") as source:
        rows = list(csv.reader(source, delimiter="\t"))
    column = rows[0].index("Record ID")
    for row in rows[1:]:
        row[column] = f"r{number}-{row[column]}"
    out = io.StringIO()
    csv.writer(out, delimiter="\t", lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode()


def organization(url: str, token: str, path: Path, deadline: float, out: Results) -> list[Import]:
    """Upload a file and follow its job once a second until it finishes, then the next,
    for as long as the load lasts; the last job is followed (unmeasured) to its end."""
    rounds: list[Import] = []
    session = requests.Session()
    bearer = {"Authorization": f"Bearer {token}"}
    while time.monotonic() < deadline:
        result = Import()
        rounds.append(result)
        body = round_file(path, len(rounds))
        started = time.monotonic()
        answer = out.call(
            UPLOAD,
            202,
            lambda body=body: session.post(
                f"{url}/api/v1/reports/files",
                files={"file": (f"round{len(rounds)}.tsv", body, "text/tab-separated-values")},
                headers=bearer,
                timeout=REQUEST_TIMEOUT,
            ),
        )
        if answer is None:
            return rounds
        result.job = answer.json()["id"]
        job_url = f"{url}/api/v1/reports/jobs/{result.job}"
        while result.finished is None and time.monotonic() < started + IMPORT_TIMEOUT:
            time.sleep(1)
            if time.monotonic() < deadline:
                answer = out.call(
                    JOB,
                    200,
                    lambda job_url=job_url: session.get(
                        job_url, headers=bearer, timeout=REQUEST_TIMEOUT
                    ),
                )
                job = answer.json() if answer is not None else {}
            else:
                try:
                    job = session.get(job_url, headers=bearer, timeout=REQUEST_TIMEOUT).json()
                except requests.RequestException:
                    job = {}  # after the load; the job must still finish in time
            if job.get("finished_at"):
                result.finished = job
                result.seconds = time.monotonic() - started
        if result.finished is None:
            return rounds
    return rounds


def data_rows(path: Path) -> int:
    with path.open(encoding="utf-8", newline="") as source:
        return sum(1 for _ in csv.reader(source, delimiter="\t")) - 1


def check_writes(site: Site, out: Results) -> tuple[list[str], int]:
    stored = {str(UUID(str(row[0]))) for row in site.query(
        "SELECT id FROM ledger_creditentry WHERE source = 'self'"
    )}  # fmt: skip
    problems = []
    lost = out.acknowledged - stored
    if lost:
        problems.append(f"{len(lost)} acknowledged entries are not stored, e.g. {min(lost)}")
    if len(stored) != len(out.acknowledged):
        problems.append(
            f"{len(out.acknowledged):,} entries acknowledged but {len(stored):,} stored"
        )
    return problems, len(stored)


def check_import(site: Site, rounds: list[Import], rows: int) -> list[str]:
    """Each file must end done, with every row either stored (by its job) or refused."""
    if not rounds:
        return ["no import was sent"]
    problems = []
    for result in rounds:
        if result.job is None:
            problems.append("an import upload was not accepted")
            continue
        job = result.job
        if result.finished is None:
            problems.append(f"import job {job} did not finish within {IMPORT_TIMEOUT} s")
            continue
        if result.finished["status"] != "done":
            problems.append(
                f"import job {job} ended {result.finished['status']}: {result.finished['message']}"
            )
            continue
        records = site.query(
            f"SELECT COUNT(*) FROM reporting_reportedrecord WHERE submission_id = {job}"
        )[0][0]
        refused = site.query(
            f"SELECT COUNT(DISTINCT row) FROM reporting_rowerror WHERE submission_id = {job}"
        )[0][0]
        done, created, invalid = site.query(
            f"SELECT rows_done, created, invalid FROM reporting_submission WHERE id = {job}"
        )[0]
        if done != rows + 1:  # row 1 is the header
            problems.append(
                f"job {job}: the checkpoint is row {done:,}, the file ends at {rows + 1:,}"
            )
        if records + refused != rows:
            problems.append(
                f"job {job}: the file has {rows:,} rows; {records:,} stored, {refused:,} refused"
            )
        if (created, invalid) != (records, refused):
            problems.append(
                f"job {job} counts {created:,} created and {invalid:,} invalid; "
                f"{records:,} stored, {refused:,} refused"
            )
    total = site.query("SELECT COUNT(*) FROM reporting_reportedrecord")[0][0]
    reported = sum(r.finished["counts"]["created"] for r in rounds if r.finished)
    if total != reported:
        problems.append(f"the jobs created {reported:,} records; {total:,} are stored")
    return problems


def report(engine: str, out: Results, elapsed: float) -> None:
    print(f"\n{engine}: {USERS} users for {elapsed:.1f} s, gunicorn {WORKERS}x{THREADS}")
    every = []
    for kind in (DASHBOARD, LIST, WRITE, UPLOAD, JOB):
        times = sorted(out.latencies.get(kind, []))
        every.extend(times)
        if times:
            print(line(kind, times, elapsed, out, kind))
    print(line("overall", sorted(every), elapsed, out, None))


def line(label: str, times: list[float], elapsed: float, out: Results, kind: str | None) -> str:
    failed = sum(1 for f in out.failures if kind is None or f.startswith(kind + ":"))
    return (
        f"  {label:<38} {len(times):7,} req {len(times) / elapsed:7.1f} req/s"
        f"   p50 {percentile(times, 0.5) * 1000:8.1f} ms   p99 {percentile(times, 0.99) * 1000:8.1f} ms"
        f"   errors {failed}"
    )


def run_engine(engine: str, workdir: Path) -> list[str]:
    postgres = POSTGRES if engine == "postgres" else ""
    site = Site(
        workdir / f"bench_load_{engine}",
        postgres,
        SECRET_KEY=os.environ.get("SECRET_KEY", "bench-only-secret-key"),
        LOG_LEVEL="WARNING",
        # Every simulated clinician logs in from this one machine within seconds.
        RATE_LIMIT_LOGIN="10000/m/ip",
    )
    server = Server(site)
    try:
        clinicians = max(2000, USERS)
        partner_file = site.folder / "completions.tsv"
        setup_started = time.perf_counter()
        site.run("migrate", "--no-input", "-v", "0")
        site.run("catalog", "sync")
        site.run(
            "reporting", "sample", "--org", ORG, "--rows", str(IMPORT_ROWS),
            "--clinicians", str(clinicians), "--output", str(partner_file), "--create",
        )  # fmt: skip
        code = SETUP.format(password=PASSWORD, users=USERS, org=ORG)
        made = site.run("shell", "-c", code).splitlines()[-1]
        people = json.loads(made.removeprefix("LOAD-SETUP "))
        server.start()
        sessions = [log_in(server.url, person["email"]) for person in people["clinicians"]]
        print(
            f"\n{engine}: site ready in {time.perf_counter() - setup_started:.1f} s "
            f"({clinicians:,} clinicians, import file of {IMPORT_ROWS:,} rows)"
        )
        out = Results()
        started = time.monotonic()
        deadline = started + SECONDS
        threads = [
            threading.Thread(
                target=guarded(
                    out,
                    f"clinician {i}",
                    lambda i=i, token=person["token"]: clinician(
                        server.url, sessions[i], token, i, deadline, out
                    ),
                )
            )
            for i, person in enumerate(people["clinicians"])
        ]
        rounds: list[list[Import]] = []
        threads.append(
            threading.Thread(
                target=guarded(
                    out,
                    "organization",
                    lambda: rounds.append(
                        organization(server.url, people["org_token"], partner_file, deadline, out)
                    ),
                )
            )
        )
        for thread in threads:
            thread.start()
        for thread in threads[:-1]:
            thread.join()
        elapsed = time.monotonic() - started
        threads[-1].join()
        problems = server.died()
        report(engine, out, elapsed)
        imports = rounds[0] if rounds else []
        finished = sorted(r.seconds for r in imports if r.finished)
        if finished:
            print(
                f"  import: {len(imports)} file(s) of {IMPORT_ROWS:,} rows, one after another; "
                f"each done {percentile(finished, 0.5):.1f} s after its upload (median), "
                f"{sum(r.finished['counts']['created'] for r in imports if r.finished):,} "
                f"records created"
            )
        server.stop()
        write_problems, stored = check_writes(site, out)
        print(f"  entries acknowledged {len(out.acknowledged):,}, stored {stored:,}")
        problems += [f"{len(out.failures)} failed requests"] if out.failures else []
        problems += write_problems + check_import(site, imports, data_rows(partner_file))
        for failure in out.failures[:10]:
            print(f"  failed: {failure}")
        if out.failures:
            print(server.log_tail())
        return [f"{engine}: {problem}" for problem in problems]
    finally:
        server.stop()
        site.drop()


def main() -> int:
    print(
        f"CME Ledger load: {USERS} users, {SECONDS:g} s, engines {', '.join(ENGINES)}, "
        f"Python {sys.version.split()[0]}"
    )
    workdir = Path(tempfile.mkdtemp(prefix="cmeledger-load-"))
    problems: list[str] = []
    for engine in ENGINES:
        if engine not in ("sqlite", "postgres"):
            print(f"Unknown engine '{engine}' in LOAD_ENGINES; use sqlite and/or postgres.")
            return 2
        problems += run_engine(engine, workdir)
    if problems:
        print("\nFAILED:\n" + "\n".join(f"  {problem}" for problem in problems))
        print(f"Logs and the SQLite file are kept in {workdir}")
        return 1
    shutil.rmtree(workdir, ignore_errors=True)
    print("\nNo errors, no lost writes; every import row stored or refused with its error.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

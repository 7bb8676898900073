"""The benchmark: `make bench`.

1. Builds the large reference tenant ``bench`` (bench.localhost) with seed_demo (timed), unless it
   exists already (``--reseed`` rebuilds it).
2. Serves the app the way production does (gunicorn, DEBUG off) with BENCH_INSTRUMENT=1, which adds
   server time, query count and SQL time to every response (crm/lib/bench.py).
3. Logs in as a salesperson and measures every page of bench/pages.py: p50/p95 server time, SQL
   queries, response size, and two floors measured in the same run: the page's SQL alone (replayed
   directly) and a bare Django view that runs the same SQL and renders the rows with no layout.
4. Measures throughput with 20 concurrent users (wrk when installed, else a Python thread pool),
   tenant provisioning, and writes everything to bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm.settings")
os.environ["DEBUG"] = "0"
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-for-production-0123456789abcdef")
os.environ["SECURE_SSL_REDIRECT"] = "0"
os.environ["BENCH_INSTRUMENT"] = "1"
os.environ.setdefault("ALLOWED_HOSTS", ".localhost,localhost,127.0.0.1")

SCHEMA, DOMAIN = "bench", "bench.localhost"
PASSWORD = "crm-demo-2026"  # noqa: S105 - seeded demo password


class Client:
    """A tiny HTTP client that talks to 127.0.0.1 with the tenant's Host header and keeps cookies."""

    def __init__(self, port: int, host: str = DOMAIN):
        self.port, self.host, self.cookies = port, host, {}
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)

    def request(self, method: str, path: str, body: dict | None = None, headers: dict | None = None):
        hdrs = {"Host": self.host, "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        hdrs.update(headers or {})
        data = None
        if body is not None:
            data = urllib.parse.urlencode(body)
            hdrs["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in range(2):
            try:
                self.conn.request(method, path, body=data, headers=hdrs)
                resp = self.conn.getresponse()
                content = resp.read()
                break
            except (http.client.HTTPException, ConnectionError):
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
                if attempt:
                    raise
        for header, value in resp.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";")[0]
        return resp, content

    def login(self, email: str) -> None:
        _, html = self.request("GET", "/login/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1).decode()
        resp, _ = self.request("POST", "/login/", {"csrfmiddlewaretoken": token, "email": email, "password": PASSWORD},
                               {"Referer": f"http://{self.host}/login/"})
        if resp.status != 302:
            raise SystemExit(f"login as {email} failed with HTTP {resp.status}")


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def build_tenant(customers: int, reseed: bool) -> dict:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from tenants.models import Tenant
    from tenants.services import tenant_ensure_public, tenant_provision

    timings = {}
    call_command("collectstatic", interactive=False, verbosity=0)  # production serves collected files
    call_command("migrate_schemas", executor="standard", verbosity=0)
    tenant_ensure_public(domain="localhost")
    existing = Tenant.objects.filter(schema_name=SCHEMA).first()
    if existing and reseed:
        existing.delete(force_drop=True)
        existing = None
    if existing is None:
        started = time.monotonic()
        tenant_provision(schema=SCHEMA, name="Bench AG", domain=DOMAIN, admin_email="admin@bench.test",
                         admin_password=PASSWORD, lead_function_enabled=True)
        timings["provision_s"] = time.monotonic() - started
        started = time.monotonic()
        call_command("seed_demo", schema=SCHEMA, customers=customers)
        timings["seed_s"] = time.monotonic() - started
    connection.set_schema_to_public()
    # Provisioning a fresh tenant, measured on its own.
    started = time.monotonic()
    tmp = tenant_provision(schema="bench_provision_probe", name="Probe", domain="probe.bench.localhost",
                           admin_email="admin@probe.test", admin_password=PASSWORD)
    timings["provision_fresh_s"] = time.monotonic() - started
    tmp.delete(force_drop=True)
    return timings


def tenant_facts() -> dict:
    from django.db import connection
    from django_tenants.utils import schema_context

    facts = {}
    with schema_context(SCHEMA), connection.cursor() as cursor:
        for label, sql in {
            "customers": "SELECT count(*) FROM customers_customer",
            "leads": "SELECT count(*) FROM customers_customer WHERE status='lead'",
            "contacts": "SELECT count(*) FROM customers_contactperson",
            "projects": "SELECT count(*) FROM sales_salesproject",
            "users": "SELECT count(*) FROM crm_user",
            "teams": "SELECT count(*) FROM crm_team",
        }.items():
            cursor.execute(sql)
            facts[label] = cursor.fetchone()[0]
        for table in ("activity_activity",):
            cursor.execute("SELECT to_regclass(%s)", [table])
            if cursor.fetchone()[0]:
                cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 - fixed table name
                facts[table.split("_")[0] + " rows"] = cursor.fetchone()[0]
    return facts


def replay_sql(key: str, capture_dir: Path, samples: int) -> list[float]:
    from django.db import connection
    from django_tenants.utils import schema_context

    data = json.loads((capture_dir / f"{key}.json").read_text())
    times = []
    with schema_context(data["schema"]), connection.cursor() as cursor:
        for _ in range(samples):
            started = time.perf_counter()
            for sql, params in data["statements"]:
                cursor.execute(sql, params or None)
                if cursor.description:
                    cursor.fetchall()
            times.append((time.perf_counter() - started) * 1000)
    return times


def start_server(port: int, workers: int) -> subprocess.Popen:
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    proc = subprocess.Popen([gunicorn, "crm.wsgi:application",  # noqa: S603 - our own venv's gunicorn
                              "--bind", f"127.0.0.1:{port}", "--workers",
                             str(workers), "--log-level", "warning"], cwd=ROOT, env=os.environ.copy())
    for _ in range(120):
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz", headers={"Host": DOMAIN})
            if conn.getresponse().status in (200, 503):
                return proc
        except OSError:
            time.sleep(0.5)
    proc.kill()
    raise SystemExit("gunicorn did not start")


def measure_pages(port: int, samples: int, capture_dir: Path) -> list[dict]:
    from bench.pages import pages

    client = Client(port)
    client.login(os.environ.get("BENCH_USER", "anna.1@demo.test"))
    rows = []
    for page in pages():
        method, path, headers, label, budget = page["method"], page["path"], page.get("headers", {}), page["label"], page["budget_ms"]
        server, queries, size, status = [], 0, 0, 0
        for i in range(samples + 2):
            resp, content = client.request(method, path, page.get("body"), headers)
            status = resp.status
            if i >= 2:
                server.append(float(resp.getheader("X-Server-ms") or 0))
                queries, size = int(resp.getheader("X-Queries") or 0), len(content)
        row = {"label": label, "path": path, "status": status, "p50": pct(server, 50), "p95": pct(server, 95),
               "queries": queries, "bytes": size, "budget": budget}
        if method == "GET" and page.get("floor", True):
            resp, _ = client.request(method, path, None, {**headers, "X-Bench-Capture": "1"})
            key = resp.getheader("X-Bench-Capture")
            if key:
                row["sql_p50"] = statistics.median(replay_sql(key, capture_dir, max(5, samples // 2)))
                bare = []
                for _ in range(max(5, samples // 2)):
                    r, _c = client.request("GET", f"/__bench/bare/{key}")
                    bare.append(float(r.getheader("X-Server-ms") or 0))
                row["bare_p50"] = statistics.median(bare)
        rows.append(row)
        print(f"  {label:45s} p50 {row['p50']:7.1f} ms  p95 {row['p95']:7.1f} ms  q {queries:3d}  {size/1024:7.1f} KiB  HTTP {status}")
    return rows


def throughput(port: int, paths: list[tuple[str, str]], seconds: int = 20, users: int = 20) -> list[dict]:
    client = Client(port)
    client.login(os.environ.get("BENCH_USER", "anna.1@demo.test"))
    cookie = "; ".join(f"{k}={v}" for k, v in client.cookies.items())
    out = []
    for label, path in paths:
        if shutil.which("wrk"):
            res = subprocess.run(["wrk",  # noqa: S603, S607 - the load generator on PATH
                                  "-t2", f"-c{users}", f"-d{seconds}s", "-H", f"Host: {DOMAIN}", "-H",
                                  f"Cookie: {cookie}", f"http://127.0.0.1:{port}{path}"], capture_output=True, text=True)
            rps = float(re.search(r"Requests/sec:\s+([\d.]+)", res.stdout).group(1))
            errors = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", res.stdout))
            sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", res.stdout)
            errors += sum(int(n) for n in sock.groups()) if sock else 0
            tool = "wrk"
        else:
            deadline, counts = time.monotonic() + seconds, []

            def user_loop(path=path, deadline=deadline):
                c = Client(port)
                c.cookies = dict(client.cookies)
                ok = bad = 0
                while time.monotonic() < deadline:
                    try:
                        r, _ = c.request("GET", path)
                        ok, bad = (ok + 1, bad) if r.status == 200 else (ok, bad + 1)
                    except Exception:  # noqa: BLE001
                        bad += 1
                return ok, bad

            with ThreadPoolExecutor(users) as pool:
                counts = list(pool.map(lambda _: user_loop(), range(users)))
            rps, errors, tool = sum(c[0] for c in counts) / seconds, sum(c[1] for c in counts), "python threads"
        out.append({"label": label, "rps": rps, "errors": errors, "tool": tool, "users": users, "seconds": seconds})
        print(f"  throughput {label}: {rps:.0f} req/s, {errors} errors ({tool})")
    return out


def machine() -> str:
    cpu = "unknown CPU"
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    mem = ""
    try:
        kb = int(next(line.split()[1] for line in open("/proc/meminfo") if line.startswith("MemTotal")))
        mem = f", {kb / 1024 / 1024:.0f} GiB RAM"
    except (OSError, StopIteration):
        pass
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg = cursor.fetchone()[0]
    return f"{platform.node()}: {os.cpu_count()} cores ({cpu}){mem}; Python {platform.python_version()}; PostgreSQL {pg}"


def write_results(path: Path, *, rows, timings, facts, tput, samples, workers) -> None:
    def ok(row):
        return "✅" if row["p95"] <= row["budget"] and row["status"] < 400 else "❌"

    lines = [
        "# Benchmark results",
        "",
        f"Written by `make bench` on {time.strftime('%Y-%m-%d %H:%M')}. Machine: {machine()}.",
        f"Server: gunicorn, {workers} workers, DEBUG off. Each page: 2 warm-ups, then {samples} requests as a salesperson.",
        "Server time = time inside Django (X-Server-ms); floors measured in the same run: **SQL** = the page's own",
        "statements replayed directly; **bare** = a bare Django view running the same SQL and rendering its rows",
        "without tables, filters or layout.",
        "",
        "## The tenant",
        "",
        ", ".join(f"{k}: {v:,}" for k, v in facts.items()),
        "",
        "| step | seconds |",
        "|---|---|",
        *[f"| {k} | {v:.1f} |" for k, v in timings.items()],
        "",
        "## Pages",
        "",
        "| page | p50 ms | p95 ms | budget | queries | KiB | SQL floor ms | bare floor ms | ratio p50/bare | ok |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|:-:|",
    ]
    for r in rows:
        sql = f"{r['sql_p50']:.1f}" if "sql_p50" in r else "–"
        bare = f"{r['bare_p50']:.1f}" if "bare_p50" in r else "–"
        ratio = f"{r['p50'] / r['bare_p50']:.1f}×" if r.get("bare_p50") else "–"
        lines.append(f"| {r['label']} | {r['p50']:.1f} | {r['p95']:.1f} | {r['budget']} | {r['queries']} | "
                     f"{r['bytes'] / 1024:.1f} | {sql} | {bare} | {ratio} | {ok(r)} |")
    if tput:
        lines += ["", "## Throughput", "", "| page | concurrent users | seconds | requests/s | errors | tool |", "|---|---:|---:|---:|---:|---|"]
        lines += [f"| {t['label']} | {t['users']} | {t['seconds']} | {t['rps']:.0f} | {t['errors']} | {t['tool']} |" for t in tput]
    notes = ROOT / "bench" / "NOTES.md"
    if notes.exists():
        lines += ["", notes.read_text().strip()]
    path.write_text("\n".join(lines) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--samples", type=int, default=20)
    parser.add_argument("--reseed", action="store_true")
    parser.add_argument("--port", type=int, default=8199)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--no-throughput", action="store_true")
    parser.add_argument("--out", default=str(ROOT / "bench" / "RESULTS.md"))
    args = parser.parse_args()

    capture_dir = Path(os.environ.setdefault("BENCH_CAPTURE_DIR", str(ROOT / "bench" / "out" / "capture")))
    capture_dir.mkdir(parents=True, exist_ok=True)
    print(f"building the reference tenant ({args.customers:,} customers) ...")
    timings = build_tenant(args.customers, args.reseed)
    facts = tenant_facts()
    print("  " + ", ".join(f"{k}: {v:,}" for k, v in facts.items()))
    server = start_server(args.port, args.workers)
    try:
        rows = measure_pages(args.port, args.samples, capture_dir)
        from bench.pages import throughput_paths

        tput = [] if args.no_throughput else throughput(args.port, throughput_paths())
    finally:
        server.terminate()
        server.wait(10)
    write_results(Path(args.out), rows=rows, timings=timings, facts=facts, tput=tput, samples=args.samples,
                  workers=args.workers)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()

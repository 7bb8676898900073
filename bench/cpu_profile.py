"""Where a page's CPU goes: cProfile over many requests of the load run's pages, in one process.

    .venv/bin/python bench/cpu_profile.py [--requests 200] [--page /customers/ ...]

Runs the pages of ``throughput_paths`` (or ``--page``) against the reference tenant through
Django's request handler with DEBUG off (the whole middleware stack, no HTTP server) as the bench
user, after warm-up requests, and prints the functions with the most own time and the most
cumulative time. bench/RESULTS.md quotes its top entries.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.env import production_like  # noqa: E402 - the repository is on the path only now

production_like()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--requests", type=int, default=200, help="profiled requests per page")
    parser.add_argument(
        "--page", action="append", default=[], help="a path to profile (repeatable)"
    )
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument(
        "--save", default=None, help="also write the raw stats to this file (pstats)"
    )
    parser.add_argument(
        "--schema", default="bench", help="the tenant (default: the reference tenant)"
    )
    parser.add_argument("--host", default=None, help="its host name (default: <schema>.localhost)")
    args = parser.parse_args()

    import django

    django.setup()
    from django.test import Client
    from django_tenants.utils import schema_context

    from bench.pages import context, throughput_paths
    from crm.models import User

    email = os.environ.get("BENCH_USER", "anna.1@demo.test")
    ctx = context(email, schema=args.schema)
    paths = args.page or [path for label, path in throughput_paths(ctx) if label != "/healthz"]
    client = Client(HTTP_HOST=args.host or f"{args.schema}.localhost")
    with schema_context(ctx["schema"]):
        client.force_login(User.objects.get(email=email))
    for path in paths:
        for _ in range(5):
            assert client.get(path).status_code == 200, path
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    for path in paths:
        for _ in range(args.requests):
            client.get(path)
    profiler.disable()
    elapsed = time.perf_counter() - started
    n = args.requests * len(paths)
    if args.save:
        profiler.dump_stats(args.save)
    print(f"{n} requests over {', '.join(paths)}: {elapsed / n * 1000:.1f} ms each (profiled)")
    for key in ("tottime", "cumulative"):
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out)
        stats.strip_dirs().sort_stats(key).print_stats(args.top)
        print(out.getvalue())


if __name__ == "__main__":
    main()

"""``casewatch bench <what> …``: measured benchmarks on the configured database.

Why a command: the import targets (case rows per second with validation, peak memory) are only
meaningful on a real database with its indexes, so they are measured by the product itself, the
same way on a laptop, in CI and on the production server before go-live.

Subcommands are registered in `SUBCOMMANDS` (name -> (add_arguments, handler)); other apps add
theirs (``bench screening`` …) the same way.

``bench import --cases N`` generates N cases with their parties and events (the demo city when
``casewatch.demo.generator`` is installed, otherwise `casewatch.cases.importing.synth`), imports
them through the normal job path, re-imports them (which must change nothing), and runs a
baseline of a plain ORM ``save()`` loop on a small sample inside a rolled-back transaction.
It refuses to run on a database that already holds cases unless ``--reset`` is given.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction


def reset_tables() -> list[str]:
    """The imported tables, children first (the reverse of the import order), for ``--reset``: a
    fixed list of the case tables missed the enforcement and fund tables that reference cases, and
    the DELETE of cases failed on their foreign keys. Staff are kept (accounts refer to them)."""
    from casewatch.cases.importing.tables import IMPORT_ORDER, spec

    return [spec(t).db_table for t in reversed(IMPORT_ORDER) if t != "staff"]


class PeakRss:
    """Samples this process's resident memory in a thread (peak over a block of work)."""

    def __init__(self, interval: float = 0.1):
        import psutil

        self.process = psutil.Process()
        self.interval = interval
        self.peak = 0
        self._stop = threading.Event()

    def _run(self):
        while not self._stop.is_set():
            self.peak = max(self.peak, self.process.memory_info().rss)
            self._stop.wait(self.interval)

    def __enter__(self):
        self.peak = self.process.memory_info().rss
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self.process.memory_info().rss)


def _mb(n: int) -> str:
    return f"{n / 2**20:,.0f} MB"


# ---------------------------------------------------------------------------------------------
# bench import
# ---------------------------------------------------------------------------------------------


def import_arguments(parser):
    parser.add_argument(
        "--cases", type=int, default=10_000, help="number of cases to generate (default 10,000)"
    )
    parser.add_argument("--database-url", help="run against this database instead of the configured one")
    parser.add_argument(
        "--format", choices=("parquet", "csv"), default="parquet", help="file format to import"
    )
    parser.add_argument(
        "--baseline", type=int, default=2_000, help="cases in the ORM save() baseline (0: skip)"
    )
    parser.add_argument("--seed", type=int, default=20210301, help="seed of the demo generator")
    parser.add_argument("--reset", action="store_true", help="empty the case registry tables first")
    parser.add_argument(
        "--synthetic", action="store_true", help="use the built-in generator even if the demo exists"
    )
    parser.add_argument("--lake", help="import this folder of Parquet files instead of generating a city")
    parser.add_argument(
        "--changed",
        type=float,
        default=1.0,
        help="percent of cases changed for a third import of cases only (0: skip; default 1)",
    )
    parser.add_argument("--no-floors", action="store_true", help="skip the COPY floors")
    parser.add_argument(
        "--floors-only",
        action="store_true",
        help="only measure the COPY floors on the registry already in the database (after `casewatch import`)",
    )


_GENERATE = """
import sys
from importlib.util import find_spec
import django
django.setup()
n, seed, out, fmt, synthetic = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5] == "1"
if not synthetic and find_spec("casewatch.demo.generator") is not None:
    from casewatch.demo.generator import generate
    generate(n, seed, out)
    print("casewatch.demo")
else:
    from casewatch.cases.importing import synth
    synth.generate(n, out, "parquet")
    print("synthetic")
"""


def _generate(opts, out: Path, write) -> tuple[str, float]:
    """Generate the city in a child process, so that its memory is not counted as the import's."""
    t = time.perf_counter()
    done = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", _GENERATE, str(opts["cases"]), str(opts["seed"]), str(out), opts["format"],
         "1" if opts["synthetic"] else "0"],
        check=False,
        capture_output=True,
        text=True,
    )  # fmt: skip
    if done.returncode:
        raise CommandError("generating the city failed:\n" + done.stderr[-2000:])
    source = done.stdout.strip().splitlines()[-1]
    if opts["format"] == "csv":
        import polars as pl

        for path in list(out.glob("*.parquet")):
            pl.read_parquet(path).write_csv(path.with_suffix(".csv"))
            path.unlink()
    for extra in out.glob("*"):
        if extra.is_file() and extra.suffix not in (".parquet", ".csv"):
            extra.unlink()  # the manifest is not a registry table
    ground_truth = out / "ground_truth.csv"
    if ground_truth.exists():
        ground_truth.unlink()
    return source, time.perf_counter() - t


def _baseline(n: int, folder: Path, write) -> None:
    """A plain per-row ORM save() loop over the first n cases and their children (rolled back)."""
    import polars as pl
    from django.utils import timezone

    from casewatch.cases.models import Case, CaseParty, Event, Matter, Party
    from casewatch.core.models import Staff

    def read(name):
        for suffix in (".parquet", ".csv"):
            p = folder / f"{name}{suffix}"
            if p.exists():
                return pl.read_parquet(p) if suffix == ".parquet" else pl.read_csv(p, infer_schema=False)
        return None

    cases = read("cases")
    if cases is None or n <= 0:
        return
    cases = cases.head(n)
    keys = cases.select("unit_code", "case_number")
    events = read("events")
    events = events.join(keys, on=["unit_code", "case_number"]) if events is not None else None
    links = read("case_parties")
    links = links.join(keys, on=["unit_code", "case_number"]) if links is not None else None
    staff_known = set(Staff.objects.values_list("staff_no", flat=True))
    matters_known = set(Matter.objects.values_list("matter_id", flat=True))
    parties_known = set(Party.objects.values_list("party_id", flat=True))
    rows = 0
    t = time.perf_counter()
    with transaction.atomic():
        by_key = {}
        for row in cases.iter_rows(named=True):
            case = Case(
                unit_id=row["unit_code"],
                case_number=str(row["case_number"]) + "-ORM",
                matter_id=row.get("matter_id") if row.get("matter_id") in matters_known else None,
                case_type=row["case_type"],
                status=row["status"],
                handler_id=row.get("handler_staff_no")
                if row.get("handler_staff_no") in staff_known
                else None,
                filed_at=row["filed_at"],
                closed_at=row.get("closed_at") or None,
            )
            case.save()
            by_key[(row["unit_code"], row["case_number"])] = case
            rows += 1
        for row in events.iter_rows(named=True) if events is not None else ():
            Event(
                case=by_key[(row["unit_code"], row["case_number"])],
                seq=row["seq"],
                kind=row["kind"],
                occurred_at=_aware(row["occurred_at"], timezone),
            ).save()
            rows += 1
        for row in links.iter_rows(named=True) if links is not None else ():
            if row["party_id"] in parties_known:
                CaseParty(
                    case=by_key[(row["unit_code"], row["case_number"])],
                    party_id=row["party_id"],
                    role=row["role"],
                ).save()
                rows += 1
        elapsed = time.perf_counter() - t
        transaction.set_rollback(True)
    write(
        f"baseline ORM save() loop: {n:,} cases + children = {rows:,} rows in {elapsed:.1f} s → "
        f"{n / elapsed:,.0f} case rows/s, {rows / elapsed:,.0f} rows/s (rolled back)"
    )


def _changed_cases(folder: Path, out: Path, percent: float) -> Path:
    """A copy of the cases table with `percent` % of the rows changed (cause name), cases only."""
    import polars as pl

    out.mkdir(exist_ok=True)
    cases = pl.read_parquet(folder / "cases.parquet")
    every = max(1, round(100 / percent))
    hit = pl.int_range(pl.len()) % every == 0
    if "cause_name" in cases.columns:
        cause = pl.col("cause_name").fill_null("")
        change = pl.concat_str([cause.str.slice(0, 90), pl.lit("(更正)")]).alias("cause_name")
    else:  # the synthetic city has no cause: change the claim instead
        change = (pl.col("claim_amount").cast(pl.Float64).fill_null(0) + 1).alias("claim_amount")
    cases = cases.with_columns(pl.when(hit).then(change).otherwise(pl.col(change.meta.output_name())))
    cases.write_parquet(out / "cases.parquet")
    return out


def _aware(value, timezone):
    import datetime as dt

    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return timezone.make_aware(value) if timezone.is_naive(value) else value


def import_handler(command: BaseCommand, opts) -> None:
    if opts.get("database_url") and os.environ.get("DATABASE_URL") != opts["database_url"]:
        # Settings are read at start-up: run the benchmark again in a process that uses the URL.
        argv = [a for a in sys.argv]
        i = next(i for i, a in enumerate(argv) if a.startswith("--database-url"))
        del argv[i : i + (1 if "=" in argv[i] else 2)]
        env = dict(os.environ, DATABASE_URL=opts["database_url"])
        raise SystemExit(subprocess.call([sys.executable, *argv], env=env))
    write = command.stdout.write
    from casewatch.cases import bench_import
    from casewatch.cases.importing.tables import IMPORT_ORDER
    from casewatch.cases.models import Case
    from casewatch.cases.tasks import start_import
    from casewatch.core.services_org import seed_ningbo

    if opts.get("floors_only"):
        write(f"database: {connection.vendor} {connection.settings_dict.get('NAME')}")
        with connection.cursor() as cur:
            tables = []
            for table in bench_import.registry_tables():
                cur.execute(f'SELECT EXISTS (SELECT 1 FROM "{table}")')  # noqa: S608 - our names
                if cur.fetchone()[0]:
                    tables.append(table)
        floor = bench_import.floors(tables, write)
        if floor:
            write(
                f"  total {floor['rows']:,} rows: indexed {floor['indexed']:.1f} s "
                f"({floor['rows'] / floor['indexed']:,.0f} rows/s), bare {floor['bare']:.1f} s "
                f"({floor['rows'] / floor['bare']:,.0f} rows/s)"
            )
        return
    call_command("migrate", verbosity=0)
    seed_ningbo()
    if Case.objects.exists():
        if not opts["reset"]:
            raise CommandError("the database already holds cases; use a scratch database or --reset")
        with connection.cursor() as cur:
            for table in reset_tables():
                cur.execute(f"DELETE FROM {table}")  # noqa: S608 - fixed table names
    write(f"database: {connection.vendor} {connection.settings_dict.get('NAME')}")
    with tempfile.TemporaryDirectory(prefix="cw-bench-") as tmp:
        folder = Path(tmp)
        if opts.get("lake"):
            for path in sorted(Path(opts["lake"]).glob("*.parquet")):
                if path.stem != "units":  # the organisation is seeded, not imported
                    (folder / path.name).symlink_to(path.resolve())
            write(f"lake {opts['lake']}: {len(list(folder.iterdir()))} tables")
        else:
            source, gen_seconds = _generate(opts, folder, write)
            write(f"generated {opts['cases']:,} cases ({source}, {opts['format']}) in {gen_seconds:.1f} s")
        imports = [("first import", folder), ("re-import (no changes)", folder)]
        if opts.get("changed"):
            imports.append((f"cases with {opts['changed']:g}% changed", None))
        first = None
        for label, source_folder in imports:
            if source_folder is None:  # written only now: the first imports must not read it
                source_folder = _changed_cases(folder, Path(tmp + "-changed"), opts["changed"])
            t = time.perf_counter()
            with PeakRss() as rss:
                run = start_import([source_folder], synchronous=True)
            wall = time.perf_counter() - t
            if run.status != "imported":
                raise CommandError(
                    f"{label}: {run.status} with {run.error_count} errors: {run.errors_preview[:3]}"
                )
            write(f"\n{label}: {wall:.1f} s wall, peak RSS {_mb(rss.peak)}")
            write(f"  {'table':15} {'rows':>10} {'created':>10} {'updated':>9} {'load s':>7} {'rows/s':>10}")
            total_rows = 0
            for table in IMPORT_ORDER:
                if table not in run.counts:
                    continue
                c = run.counts[table]
                seconds = c.get("seconds") or 0
                rate = f"{c['read'] / seconds:,.0f}" if seconds else "-"
                total_rows += c["read"]
                write(
                    f"  {table:15} {c['read']:>10,} {c.get('created', 0):>10,} {c.get('updated', 0):>9,} "
                    f"{seconds:>7.1f} {rate:>10}"
                )
            cases = run.counts.get("cases", {}).get("read", 0)
            timings = (run.job.result or {}).get("timings", {}) if run.job else {}
            if timings:
                write("  stages: " + ", ".join(f"{k} {v:.1f} s" for k, v in timings.items()))
            write(
                f"  → {cases / wall:,.0f} case rows/s, {total_rows / wall:,.0f} rows/s overall "
                "(reading, validation and loading included)"
            )
            if first is None:
                first = (total_rows, wall, rss.peak, run.counts)
        if first is not None and not opts.get("no_floors"):
            write("\nfloors (the same rows, COPY only, measured now on the same database):")
            floor = bench_import.floors(bench_import.registry_tables(first[3]), write)
            write("")
            bench_import.side_by_side(write, "first import", first[0], first[1], first[2], floor)
        if opts["baseline"]:
            _baseline(opts["baseline"], folder, write)
    shutil.rmtree(tmp + "-changed", ignore_errors=True)


def _lazy(module: str, arguments: str, handler: str, text: str):
    """A subcommand whose code lives in another app, imported only when that subcommand runs."""
    from importlib import import_module

    mod = import_module(module)
    return getattr(mod, arguments), getattr(mod, handler), text


def _falselit_arguments(parser):
    from casewatch.falselit.bench import bench_arguments

    bench_arguments(parser)


def _falselit_handler(cmd, opts):
    from casewatch.falselit.bench import bench_handler

    bench_handler(cmd, opts)


def _deadlines_handler(cmd, opts):
    from casewatch.deadlines.bench import bench_deadlines

    bench_deadlines(opts, cmd.stdout.write)


SUBCOMMANDS = {
    "import": (import_arguments, import_handler, "generate N cases, import them, report rows/s and memory"),
    "pages": _lazy(
        "casewatch.cases.bench_pages",
        "arguments",
        "handler",
        "every list, detail, board and API page as a committee and a district account: p50/p95 and queries",
    ),
    "screening": _lazy(
        "casewatch.screening.bench",
        "screening_arguments",
        "screening_handler",
        "the rule catalogue on DuckDB (and Spark) with an ORM-loop baseline",
    ),
    "deadlines": (
        __import__("casewatch.deadlines.bench", fromlist=["add_arguments"]).add_arguments,
        _deadlines_handler,
        "deadline state + lights and measures on a Parquet lake",
    ),
    "falselit": (
        _falselit_arguments,
        _falselit_handler,
        "entity resolution, graph and scoring on a Parquet lake (10% of persons without ID) beside a floor",
    ),
    "judgments": _lazy(
        "casewatch.cases.bench_judgments",
        "arguments",
        "handler",
        "parse and import N generated judgment documents; per-document baseline; accuracy",
    ),
    "enforcement": _lazy(
        "casewatch.enforcement.bench",
        "arguments",
        "handler",
        "listing deadlines and eligibility for 1,000,000 cases / 5,000,000 payments, measures, reconciliation",
    ),
    "measures": _lazy(
        "casewatch.deadlines.bench_measures",
        "add_arguments",
        "measures_handler",
        "court measures on a Parquet lake: fact table once, per-request compute, previous code as baseline",
    ),
    "property": _lazy(
        "casewatch.property.bench",
        "add_arguments",
        "handler",
        "seized-property centre: 1M items / 5M events; dashboard, scan, alert refresh, zone reconciliation",
    ),
    "campaign": _lazy(
        "casewatch.campaign.bench",
        "arguments",
        "handler",
        "the campaign report: cold computation, snapshot page and API p50/p95, a row-loop baseline",
    ),
    "board": _lazy(
        "casewatch.problems.bench",
        "board_arguments",
        "board_handler",
        "load 100,000 problems; board page and API p50/p95 over HTTP",
    ),
    "store": _lazy(
        "casewatch.cases.bench_store",
        "arguments",
        "handler",
        "the warm analytics store on a Parquet lake: build, 1% delta sync, catalogue and deadlines beside a floor",
    ),
    "catalogue": _lazy(
        "casewatch.analytics.bench_catalogue",
        "arguments",
        "handler",
        "the screening catalogue on a warm store: rules' own SQL and the fused event pass, full and 1%, beside a floor",
    ),
    "serve": _lazy(
        "casewatch.core.bench_serve",
        "serve_arguments",
        "serve_handler",
        "survey submissions/s and p95: runserver and the production server side by side",
    ),
}


class Command(BaseCommand):
    help = "Benchmarks on the configured database: " + ", ".join(SUBCOMMANDS)

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="what", required=True)
        for name, (arguments, _handler, text) in SUBCOMMANDS.items():
            arguments(sub.add_parser(name, help=text))

    def handle(self, *args, **opts):
        _arguments, handler, _text = SUBCOMMANDS[opts["what"]]
        handler(self, opts)

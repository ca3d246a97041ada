"""Court measures for pages, the API and exports: a stored fact table, read per request.

The measures page used to snapshot the whole registry into DuckDB on every request (5–16 s at
10,000 cases). Now :func:`ensure_facts` builds the per-case fact table of
:func:`casewatch.analytics.measures.build_facts` once per **data version** — the count and latest
``updated_at`` of cases and events, and the count of units and staff — and stores it as Parquet
under ``VAR_DIR/measures/``. A request reads that file with DuckDB, restricted to the user's scope,
and computes the measures it asks for in a few set-based queries; the result is cached (Django's
cache) under the data version, the scope and the parameters, so a repeated request costs nothing. The ``deadlines.measures`` job
(and ``casewatch measures-refresh``) builds it ahead of the first request.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import io
import os
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from casewatch.analytics import measures as ms
from casewatch.core import jobs

MAX_SPAN_DAYS = 366 * 30
CACHE_SECONDS = 24 * 3600


def store_dir() -> Path:
    path = Path(settings.VAR_DIR) / "measures"
    path.mkdir(parents=True, exist_ok=True)
    return path


def data_version() -> str:
    """A short hash that changes whenever cases, events, units or staff change."""
    from casewatch.cases.models import Case, Event
    from casewatch.core.models import Staff, Unit

    parts = []
    for model in (Case, Event):
        agg = model.objects.aggregate(n=Count("pk"), t=Max("updated_at"))
        parts.append(f"{agg['n']}:{agg['t'].isoformat() if agg['t'] else ''}")
    parts.append(str(Unit.objects.count()))
    parts.append(str(Staff.objects.count()))
    parts.append(str(ms.FACT_COLUMNS))
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]


def _build(path: Path) -> None:
    from casewatch.analytics.engines.duckdb_engine import DuckDBEngine
    from casewatch.cases import warehouse
    from casewatch.deadlines.services import light_configs

    engine = DuckDBEngine()
    try:
        warehouse.ensure_fresh()  # the data version was read from the registry: store in step
        warehouse.load_engine(engine, ["cases", "events", "units", "staff"])
        engine._expose(timezone.localdate(), None)
        facts = ms.build_facts(engine.con, lights=light_configs())
    finally:
        engine.close()
    tmp = path.with_suffix(".tmp")
    pq.write_table(facts, tmp, compression="zstd")
    os.replace(tmp, path)


def ensure_facts() -> Path:
    """The fact table of the current data version, built (once, under a file lock) if missing."""
    version = data_version()
    path = store_dir() / f"facts-{version}.parquet"
    if path.exists():
        return path
    with open(store_dir() / "build.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not path.exists():
            _build(path)
            for old in store_dir().glob("facts-*.parquet"):
                if old != path:
                    old.unlink(missing_ok=True)
    return path


@jobs.register("deadlines.measures")
def measures_job(job):
    """Build the measures' fact table for the current data (run after imports and refreshes);
    nothing to do where the warm store keeps it (its derived ``d_measure_facts``, kept by each sync)."""
    con, _source, version = _store_facts()
    if con is not None:
        con.close()
        job.write_log(f"measures facts kept by the analytics store ({version}): nothing to build")
        return {"facts": version}
    path = ensure_facts()
    job.write_log(f"measures facts: {path.name}, {pq.ParquetFile(path).metadata.num_rows} cases")
    return {"facts": path.name}


# --- parameters -------------------------------------------------------------------------------


@dataclass
class Params:
    """What a page, API call or export asks for (validated)."""

    start: dt.date
    end: dt.date
    group_by: tuple[str, ...] = ()
    tiers: dict = field(default_factory=lambda: dict(ms.DEFAULT_TIERS))
    tiers_text: str = ""
    percentiles: tuple[int, ...] = ms.DEFAULT_PERCENTILES
    max_years: int = 10
    base_month: dt.date | None = None

    def as_query(self) -> dict:
        return {
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "by": list(self.group_by),
            "tiers": self.tiers_text,
            "percentiles": ",".join(str(p) for p in self.percentiles),
            "max_years": self.max_years,
        }


def _date(name: str, value: str | None, default):
    if not value:
        return default
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ValueError(
            _("%(field)s: “%(value)s” is not a date (YYYY-MM-DD).") % {"field": name, "value": value}
        ) from None


def parse_params(data, today: dt.date) -> Params:
    """Validate request parameters (``start``, ``end``, ``by``, ``tiers``, ``percentiles``,
    ``max_years``, ``base``); raises ValueError with a translated message naming the field."""
    end = _date("end", data.get("end"), today)
    start = _date("start", data.get("start"), dt.date(end.year, 1, 1))
    if start > end:
        raise ValueError(_("start: the period starts after it ends."))
    if (end - start).days > MAX_SPAN_DAYS:
        raise ValueError(_("start: the period is longer than 30 years."))
    by = data.getlist("by") if hasattr(data, "getlist") else (data.get("by") or [])
    if isinstance(by, str):
        by = [by]
    by = [b for part in by for b in str(part).split(",") if b]
    try:
        group_by = ms.normalise_group_by(by)
    except ValueError:
        raise ValueError(
            _("by: choose dimensions among %(dims)s, with at most one of year, quarter and month.")
            % {"dims": ", ".join(ms.DIMENSIONS)}
        ) from None
    tiers_text = (data.get("tiers") or "").strip()
    tiers = dict(ms.DEFAULT_TIERS)
    if tiers_text:
        spec = []
        for part in tiers_text.split(","):
            days, _sep, target = part.strip().partition(":")
            try:
                d, t = int(days), int(target or 0)
            except ValueError:
                raise ValueError(
                    _("tiers: “%(value)s” is not days:target (e.g. 60:75,90:90,180:98).") % {"value": part}
                ) from None
            if not (0 <= d <= 36500 and 0 <= t <= 100):
                raise ValueError(
                    _("tiers: “%(value)s” is out of range (days 0–36500, target 0–100 %%).") % {"value": part}
                )
            spec.append((d, t))
        if len(spec) > 10:
            raise ValueError(_("tiers: at most 10 tiers."))
        tiers = {"": tuple(spec)}
    pct_text = (data.get("percentiles") or "").strip()
    percentiles = ms.DEFAULT_PERCENTILES
    if pct_text:
        try:
            percentiles = tuple(sorted({int(p) for p in pct_text.split(",") if p.strip()}))
        except ValueError:
            raise ValueError(_("percentiles: whole numbers between 1 and 99, e.g. 25,50,75,90.")) from None
        if not percentiles or any(not 1 <= p <= 99 for p in percentiles) or len(percentiles) > 12:
            raise ValueError(_("percentiles: whole numbers between 1 and 99, e.g. 25,50,75,90."))
    try:
        raw_years = data.get("max_years")
        max_years = 10 if raw_years in (None, "") else int(raw_years)
        ms.Exclusions(max_years=max_years)
    except ValueError:
        raise ValueError(_("max_years: a whole number of years between 1 and 100.")) from None
    base = _date("base", data.get("base"), None)
    return Params(start, end, group_by, tiers, tiers_text, percentiles, max_years, base)


# --- computing --------------------------------------------------------------------------------


def _store_facts():
    """(cursor, source, version) of the warm store's derived fact table (``d_measure_facts``,
    kept per generation, incrementally per changed case) when it is current; else (None, None, None).
    The version is the store generation's: no count over the registry per request."""
    from casewatch.analytics import derived
    from casewatch.cases import warehouse
    from casewatch.deadlines.services import light_configs

    con = warehouse.reader()
    if con is None:
        return None, None, None
    source = derived.table_if_current(con, "measure_facts", {"lights": tuple(light_configs())})
    if source is None:
        con.close()
        return None, None, None
    return con, source, f"store-{warehouse.generation()}"


def compute_for(user, params: Params) -> dict:
    """The measures for the user's scope (the fact table read from disk, never a snapshot)."""
    import duckdb

    from casewatch.core.models import Unit
    from casewatch.core.querysets import scope_path

    path = scope_path(user)
    con, source, version = _store_facts()
    if con is None:  # no store (or its facts are not current): the Parquet fact table
        facts = ensure_facts()
        source, version = f"read_parquet('{facts.as_posix()}')", facts.stem.removeprefix("facts-")
    key = (
        "casewatch.measures:"
        + hashlib.sha256(
            repr((version, path, sorted(params.as_query().items()), params.base_month)).encode()
        ).hexdigest()
    )
    cached = cache.get(key)
    if cached is not None:
        if con is not None:
            con.close()
        return cached
    con = con or duckdb.connect()
    try:
        con.execute("SET enable_progress_bar = false")
        if path is None:
            con.execute(f"CREATE OR REPLACE TEMP VIEW measure_facts AS SELECT * FROM {source} WHERE FALSE")  # noqa: S608 - our path
        elif path == "/":
            con.execute(f"CREATE OR REPLACE TEMP VIEW measure_facts AS SELECT * FROM {source}")  # noqa: S608 - our path
        else:
            codes = list(Unit.objects.filter(path__startswith=path).values_list("code", flat=True))
            con.register("_scope_codes", pa.table({"code": pa.array(codes, pa.string())}))
            con.execute(
                f"CREATE OR REPLACE TEMP TABLE measure_facts AS SELECT * FROM {source} "  # noqa: S608 - our path
                "WHERE unit_code IN (SELECT code FROM _scope_codes)"
            )
        result = ms.compute(
            con,
            params.start,
            params.end,
            group_by=params.group_by,
            tiers=params.tiers,
            percentiles=params.percentiles,
            exclusions=ms.Exclusions(max_years=params.max_years),
            base_month=params.base_month,
        )
    finally:
        con.close()
    result["_meta"] = {"facts_version": version}
    cache.set(key, result, CACHE_SECONDS)  # keyed by data version: a change makes a new key
    return result


# --- presentation -----------------------------------------------------------------------------


def dimension_labels() -> dict[str, str]:
    return {
        "court": _("Court"),
        "district": _("District"),
        "agency": _("Agency"),
        "unit": _("Unit"),
        "case_type": _("Case type"),
        "handler": _("Handler"),
        "year": _("Year"),
        "quarter": _("Quarter"),
        "month": _("Month"),
    }


def sections(params: Params) -> list[dict]:
    """Each measure as a table: key, title, definition, columns (field, heading)."""
    pcols = [(f"p{p}", f"P{p}") for p in params.percentiles if p != 50]
    return [
        {
            "key": "duration",
            "title": _("Time to disposition (days)"),
            "definition": _(
                "Days from filing to closing of the cases closed in the period, after the exclusions. "
                "Percentiles by linear interpolation between order statistics (Excel PERCENTILE.INC); "
                "mean, median and percentiles rounded half up to 1 decimal place."
            ),
            "columns": [
                ("included", _("Cases")),
                ("median", _("Median")),
                *pcols,
                ("mean", _("Mean")),
                ("min_days", _("Shortest")),
                ("max_days", _("Longest")),
            ],
        },
        {
            "key": "exclusions",
            "title": _("Exclusions from time to disposition"),
            "definition": _(
                "Closed cases left out, counted: no filing date; closed before the filing date; "
                "longer than %(n)s years from filing to closing."
            )
            % {"n": params.max_years},
            "columns": [
                ("closed", _("Closed")),
                ("missing_filed", _("No filing date")),
                ("negative", _("Closed before filing")),
                ("over_max", _("Over the limit in years")),
                ("included", _("Included")),
            ],
        },
        {
            "key": "disposition",
            "title": _("Disposed within the time standards"),
            "definition": _(
                "Share of the included cases closed within each tier's days of filing, against the tier's "
                "target share, per case type; in percent, half up to 2 places."
            ),
            "columns": [
                ("case_type_name", _("Case type")),
                ("days", _("Days")),
                ("target", _("Target %")),
                ("closed", _("Closed")),
                ("within", _("Within")),
                ("share", _("Share %")),
                ("meets", _("Meets")),
            ],
        },
        {
            "key": "clearance",
            "title": _("Clearance rate"),
            "definition": _(
                "Cases closed in the period ÷ cases filed in the period, in percent, rounded half up to 2 places."
            ),
            "columns": [("filed", _("Filed")), ("closed", _("Closed")), ("rate", "%")],
        },
        {
            "key": "within_limit",
            "title": _("Closed within the legal time limit"),
            "definition": _(
                "Cases closed in the period on or before their legal due date ÷ cases closed in the period "
                "with a known limit."
            ),
            "columns": [("closed", _("Closed")), ("within_limit", _("Within the limit")), ("rate", "%")],
        },
        {
            "key": "age",
            "title": _("Age of the pending caseload"),
            "definition": _(
                "Pending cases at the end of the period (of each period when grouped by period) by days since "
                "filing; a case marked closed without a closing date is not pending."
            ),
            "columns": [("bucket_name", _("Days since filing")), ("pending", _("Pending"))],
        },
        {
            "key": "over12",
            "title": _("Pending more than 12 months"),
            "definition": _(
                "Cases pending more than 12 months since filing ÷ all pending cases at the end of the period."
            ),
            "columns": [
                ("pending", _("Pending")),
                ("over_12m", _("Over 12 months")),
                ("ratio", "%"),
                ("closed_without_date", _("Closed without a closing date")),
            ],
        },
    ]


def table(result: dict, params: Params, section: dict) -> tuple[list[str], list[list]]:
    """Headings and rows of one section: the grouping names first, then the section's columns."""
    labels = dimension_labels()
    dim_cols = [(f"{d}_name", labels[d]) for d in params.group_by]
    cols = dim_cols + section["columns"]
    header = [str(h) for _f, h in cols]
    rows = []
    for r in result.get(section["key"], []):
        rows.append([_cell(r.get(f)) for f, _h in cols])
    return header, rows


def _cell(value):
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if value is None:
        return "—"
    if hasattr(value, "is_finite"):  # Decimal
        return float(value)
    return value


def xlsx(result: dict, params: Params) -> bytes:
    """One workbook, one sheet per measure, with the definition above each table."""
    import xlsxwriter

    from casewatch.core.exports import neutralise

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(
        buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    )
    bold = book.add_format({"bold": True})
    for section in sections(params):
        ws = book.add_worksheet(str(section["title"])[:31].replace("/", "-"))
        ws.write(0, 0, neutralise(str(section["definition"])))
        ws.write(1, 0, neutralise(f"{params.start.isoformat()} – {params.end.isoformat()}"))
        header, rows = table(result, params, section)
        ws.write_row(3, 0, header, bold)
        for i, row in enumerate(rows, start=4):
            ws.write_row(i, 0, [neutralise(v) for v in row])
    book.close()
    return buffer.getvalue()

"""Derived state tables of the warm analytics store, computed once per published generation.

Pages used to compute their state over the whole registry on every request (listing deadlines,
incentive eligibility, fund aging, the deadline performance points, the measures' fact table).
Each :class:`Spec` here is computed by :meth:`casewatch.analytics.store.Writer._run_derived`
inside a new generation, after its deltas and before the atomic rename, and stored as
``d_<name>`` beside the canonical tables, with its version and parameter in ``_derived``:

* **skipped** when none of its input tables changed and its version/parameter are the same;
* **incremental** (``incremental=True``, per case) when only case-keyed tables changed (cases,
  events, case parties, documents): the rows of the changed cases are deleted and recomputed with
  the builder's ``case_filter`` (SQL over alias ``c``);
* **full** otherwise (first build, new version, a non-case-keyed input changed).

Readers (:func:`table_if_current`) use ``store.main.d_<name>`` only when its version is the one
this code computes; else they compute from the base tables as before (the fallback is the same
SQL, so both give the same rows — tested). As-of-dependent parts are kept out of the stored rows
(the day is applied by the reader in a cheap projection) except for the deadline performance
table, which is computed for one month end (its ``param``) and used for that month only.

``params`` (from the registry side, :func:`casewatch.cases.warehouse.derive_params`): ``lights``
and ``ladder`` (deadline configuration as :mod:`casewatch.analytics.deadlines` data) and
``perf_month_end`` (the last day of the current month). Nothing here imports Django.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache

import pyarrow as pa

#: bump when the stored layout of a derived table changes (its readers check the version)
FORMAT = 1


@dataclass(frozen=True)
class Spec:
    """One derived table: its inputs, how its version and parameter are fingerprinted, its builder."""

    name: str
    depends: tuple[str, ...]
    build: Callable[..., pa.Table]  #: (con, params, case_filter | None) -> rows
    version: Callable[[Mapping], str]
    param: Callable[[Mapping], str] = field(default=lambda params: "")
    incremental: bool = False
    #: the inputs whose change still allows an incremental run (default: the case-keyed tables)
    incremental_on: tuple[str, ...] | None = None
    #: (con) -> SQL over alias ``d`` of the stored rows to redo (default: the changed cases' rows);
    #: may create temp tables its builder reads
    redo: Callable | None = None


def _hash(*parts) -> str:
    return hashlib.sha256("|".join(str(p) for p in (FORMAT, *parts)).encode()).hexdigest()[:16]


@cache
def _calendar_hash() -> str:
    from casewatch.analytics import timelimits

    t = timelimits.calendar_table()
    return hashlib.sha256(repr(t.to_pydict()).encode()).hexdigest()[:16]


# --- enforcement -----------------------------------------------------------------------------


def _enf_version(kind: str) -> Callable[[Mapping], str]:
    def version(params: Mapping) -> str:
        from casewatch.analytics import enforcement as enf

        sql = {
            "enf_listings": enf.listings_sql(),
            "enf_eligibility": enf.ELIGIBILITY_BASE_SQL,
            "enf_fund_receipts": enf.FUND_RECEIPTS_SQL,
        }[kind]
        return _hash(kind, sql, _calendar_hash() if kind == "enf_listings" else "")

    return version


def realias(case_filter: str, alias: str) -> str:
    """The writer's changed-cases filter (over alias ``c``) over another alias."""
    return case_filter.replace("= c.", f"= {alias}.")


def _build_listings(con, params, case_filter=None) -> pa.Table:
    from casewatch.analytics import enforcement as enf

    enf.add_calendar(con)
    return con.sql(enf.listings_sql(realias(case_filter, "l") if case_filter else "TRUE")).to_arrow_table()


_AFFECTED = "(SELECT party_id FROM temp.main._affected_debtors)"


def _eligibility_redo(con) -> str:
    """Eligibility rows a delta of ``cases`` alone touches: those of the changed cases' debtors
    (their "pending enforcement case" test reads their cases; case parties did not change)."""
    con.execute(
        "CREATE OR REPLACE TEMP TABLE _affected_debtors AS "
        "SELECT cp.party_id FROM case_parties cp JOIN temp.main._changed_cases k USING (unit_code, case_number) "
        "WHERE cp.role = 'debtor' UNION "
        "SELECT f.debtor_party_id FROM enforcement_filings f JOIN temp.main._changed_cases k USING (unit_code, case_number)"
    )
    return f"d.debtor_party_id IN {_AFFECTED}"


def _build_eligibility(con, params, case_filter=None) -> pa.Table:
    from casewatch.analytics import enforcement as enf

    sql = enf.ELIGIBILITY_BASE_SQL
    if case_filter:  # only the affected debtors' judgments (and their pending cases)
        for old, new in (
            (
                "* FROM performance_deadlines)",
                f"* FROM performance_deadlines WHERE debtor_party_id IN {_AFFECTED})",
            ),
            ("WHERE cp.role = 'debtor' AND", f"WHERE cp.party_id IN {_AFFECTED} AND cp.role = 'debtor' AND"),
        ):
            assert sql.count(old) == 1, old
            sql = sql.replace(old, new)
    return con.sql(sql).to_arrow_table()


def _build_fund_receipts(con, params, case_filter=None) -> pa.Table:
    from casewatch.analytics import enforcement as enf

    return con.sql(enf.FUND_RECEIPTS_SQL).to_arrow_table()


# --- deadline performance ----------------------------------------------------------------------

#: per case pending at the month end: what the performance points add up (unit, handler, light …)
PERF_COLUMNS = ("unit_code", "case_number", "handler", "light", "overdue_days", "long_pending_months")


def perf_filter(month_end: dt.date) -> str:
    """Cases pending at the end of the month (filed by then, not closed by then), alias ``c``."""
    m = month_end.isoformat()
    return f"c.filed_at <= DATE '{m}' AND (c.closed_at IS NULL OR c.closed_at > DATE '{m}')"


def perf_version(params: Mapping) -> str:
    from casewatch.analytics import deadlines as dl

    return _hash(
        "perf",
        tuple(params.get("lights") or ()),
        tuple(params.get("ladder") or ()),
        dl.LIMITS,
        _calendar_hash(),
    )


def _perf_param(params: Mapping) -> str:
    month_end = params.get("perf_month_end")
    return month_end.isoformat() if month_end else ""


def perf_rows(state: pa.Table) -> pa.Table:
    """The stored columns of a deadline state table (handler '' when none, as the page groups)."""
    import duckdb

    con = duckdb.connect()
    try:
        con.register("s", state)
        return con.sql(
            "SELECT unit_code, case_number, COALESCE(handler_staff_no, '') AS handler, light, "
            "CAST(overdue_days AS INTEGER) AS overdue_days, CAST(long_pending_months AS INTEGER) AS long_pending_months "
            "FROM s"
        ).to_arrow_table()
    finally:
        con.close()


def _ensure_calendar(con) -> None:
    """The ``calendar`` table the deadline SQL reads (what an engine connection already has)."""
    from casewatch.analytics import timelimits

    con.register("_calendar_in", timelimits.calendar_table())
    try:
        con.execute("CREATE TABLE IF NOT EXISTS calendar AS SELECT * FROM _calendar_in")
    finally:
        con.unregister("_calendar_in")


def _build_perf(con, params, case_filter=None) -> pa.Table:
    from casewatch.analytics import deadlines as dl

    _ensure_calendar(con)

    month_end = params["perf_month_end"]
    flt = perf_filter(month_end) + (f" AND {case_filter}" if case_filter else "")
    kwargs = {k: params[k] for k in ("lights", "ladder") if params.get(k)}
    return perf_rows(dl.deadline_state(con, month_end, flt, **kwargs))


# --- measures' fact table ----------------------------------------------------------------------


def facts_version(params: Mapping) -> str:
    from casewatch.analytics import deadlines as dl
    from casewatch.analytics import measures as ms

    return _hash("facts", ms.FACT_COLUMNS, tuple(params.get("lights") or ()), dl.LIMITS, _calendar_hash())


def _build_facts(con, params, case_filter=None) -> pa.Table:
    from casewatch.analytics import measures as ms

    _ensure_calendar(con)
    kwargs = {"lights": params["lights"]} if params.get("lights") else {}
    due = "c.closed_at IS NOT NULL" + (f" AND {case_filter}" if case_filter else "")
    return ms.build_facts(con, due_filter=due, case_filter=case_filter or "TRUE", **kwargs)


SPECS: tuple[Spec, ...] = (
    Spec(
        "enf_listings",
        (
            "dishonest_listings",
            "enforcement_rulings",
            "asset_searches",
            "enforcement_settlements",
            "cases",
            "parties",
        ),
        _build_listings,
        _enf_version("enf_listings"),
        incremental=True,  # per listing's case: only `cases` is case-keyed among its inputs
    ),
    Spec(
        "enf_eligibility",
        (
            "performance_deadlines",
            "debtor_payments",
            "enforcement_filings",
            "case_parties",
            "cases",
            "parties",
        ),
        _build_eligibility,
        _enf_version("enf_eligibility"),
        incremental=True,
        incremental_on=("cases",),  # any other input changed: in full
        redo=_eligibility_redo,
    ),
    Spec(
        "enf_fund_receipts", ("case_fund_movements",), _build_fund_receipts, _enf_version("enf_fund_receipts")
    ),
    Spec("perf_state", ("cases", "events"), _build_perf, perf_version, _perf_param, incremental=True),
    Spec(
        "measure_facts", ("cases", "events", "units", "staff"), _build_facts, facts_version, incremental=True
    ),
)
BY_NAME = {s.name: s for s in SPECS}


def stale(stored: Mapping[str, dict], params: Mapping) -> list[str]:
    """Names of the derived tables whose stored version or parameter differs from ``params``'."""
    out = []
    for spec in SPECS:
        old = stored.get(spec.name)
        if old is None or old["version"] != spec.version(params) or old["param"] != spec.param(params):
            out.append(spec.name)
    return out


def table_if_current(con, name: str, params: Mapping | None = None, alias: str = "store") -> str | None:
    """``<alias>.main.d_<name>`` when the attached store holds it in this code's version (and, for
    a parameterised table, for ``params``' parameter); else None."""
    from casewatch.analytics import store

    spec = BY_NAME[name]
    try:
        row = store.derived(con, alias).get(name)
    except Exception:  # noqa: BLE001 - no store attached: not current
        return None
    if row is None or row["version"] != spec.version(params or {}):
        return None
    if params is not None and row["param"] != spec.param(params):
        return None
    return f"{alias}.main.d_{name}"

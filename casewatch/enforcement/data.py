"""The enforcement tables of the registry as Arrow, for the data plane (casewatch.analytics.enforcement).

Read in bulk through the snapshot (``COPY`` on PostgreSQL), never row by row. Eligibility needs
"no pending enforcement case as a debtor anywhere", so the tables are read city-wide and the
scope is applied to the results (a debtor's other cases count even where the viewer cannot see
them; only the yes/no reaches the viewer).
"""

from __future__ import annotations

import datetime as dt

from casewatch.analytics import enforcement as enf
from casewatch.cases import snapshot
from casewatch.core.models import Unit

#: one connection per published store generation and process: the ATTACH, views and calendar are
#: made once; each request gets its own cursor (temp tables and registrations stay per request)
_STORE_CON: dict = {}


def _store_cursor(path):
    """A cursor over the store generation now published (its connection made once per generation)."""
    stat = path.stat()
    key = (str(path), stat.st_ino, stat.st_mtime_ns)
    base = _STORE_CON.get(key)
    if base is None:
        base = enf.connect(store=path)
        _STORE_CON.clear()  # the previous generation's connection closes when unreferenced
        _STORE_CON[key] = base
    return base.cursor()


def connect(tables: tuple[str, ...] = enf.ENF_TABLES):
    """A DuckDB connection over the registry's enforcement tables (plus cases and parties).

    Over the warm analytics store (attached, no copy; its derived state tables are read when
    current) when there is one; else a snapshot of the registry.
    """
    from casewatch.analytics.store import StoreError
    from casewatch.cases import warehouse

    if warehouse.available():
        try:
            return _store_cursor(warehouse.path())
        except (StoreError, FileNotFoundError):
            pass  # replaced or removed between the check and here: the snapshot below
    return enf.connect({name: snapshot.read_table(name) for name in tables})


def scope_codes(user) -> list[str]:
    """Unit codes inside the user's scope (what results are filtered to)."""
    return list(Unit.objects.restrict(user, "view").values_list("code", flat=True))


def _codes(codes: list[str]):
    import pyarrow as pa

    return pa.table({"code": pa.array(codes, pa.string())})


def _scope(con, user) -> None:
    con.register("scope_units", _codes(scope_codes(user)))


def _scoped(con, source_sql: str, user, order: str) -> list[dict]:
    _scope(con, user)
    sql = f"SELECT * FROM ({source_sql}) WHERE unit_code IN (SELECT code FROM scope_units) ORDER BY {order}"  # noqa: S608
    return con.sql(sql).to_arrow_table().to_pylist()


def _scoped_page(
    con,
    source_sql: str,
    user,
    order: str,
    where: str,
    params: list,
    limit: int,
    offset: int = 0,
    count: bool = True,
) -> tuple[list[dict], int | None]:
    """The first ``limit`` rows in the user's scope matching ``where`` and how many match (None
    without ``count``): the filter, count and limit run in DuckDB, so a page never turns the whole
    city's rows into Python."""
    _scope(con, user)
    con.execute(f"CREATE OR REPLACE TEMP VIEW result_view AS {source_sql}")
    base = f"FROM result_view WHERE unit_code IN (SELECT code FROM scope_units) AND ({where})"  # noqa: S608 - fixed fragments
    total = con.execute(f"SELECT COUNT(*) {base}", params).fetchall()[0][0] if count else None
    page = f"LIMIT {int(limit)} OFFSET {max(int(offset), 0)}"
    rows = con.sql(f"SELECT * {base} ORDER BY {order} {page}", params=params).to_arrow_table()  # noqa: S608
    return rows.to_pylist(), total


_LISTING_ORDER = (
    "CASE deletion_state WHEN 'overdue' THEN 0 WHEN 'due' THEN 1 ELSE 2 END, deletion_due DESC, listing_id"
)
_ELIGIBILITY_ORDER = (
    "reason <> 'eligible', paid_full_on DESC NULLS LAST, case_number, unit_code, debtor_party_id"
)
_AGING_ORDER = "age_days DESC, movement_id"


def _listing_sql(con, as_of: dt.date) -> str:
    enf.prepare_listings(con)  # the store's derived listings when current, else computed
    return enf.listing_state_sql(as_of)


def _eligibility_sql(con, as_of: dt.date) -> str:
    enf.prepare_eligibility(con, as_of)
    return "SELECT * FROM eligibility"


def listing_page(
    user,
    as_of: dt.date,
    state: str = "",
    wrongful: bool = False,
    limit: int = 500,
    offset: int = 0,
    counts: bool = True,
):
    """(first rows, matching count, count per deletion state) of the listings in the user's scope,
    optionally one state and only wrongful ones; the same order as `listing_rows`. Without
    ``counts`` (the API) only the rows: (rows, None, {})."""
    con = connect()
    where, params = ["TRUE"], []
    if state:
        where.append("deletion_state = ?")
        params.append(state)
    if wrongful:
        where.append("wrongful IS NOT NULL AND wrongful <> ''")
    cond = " AND ".join(where)
    rows, _n = _scoped_page(
        con, _listing_sql(con, as_of), user, _LISTING_ORDER, cond, params, limit, offset, count=False
    )
    if not counts:
        return rows, None, {}
    by_state = dict(  # the count per state; their sum is the matching count (one pass, not two)
        con.execute(
            "SELECT deletion_state, COUNT(*) FROM result_view WHERE unit_code IN (SELECT code FROM scope_units) "  # noqa: S608 - cond is built from fixed fragments, values bound
            f"AND ({cond}) GROUP BY deletion_state",
            params,
        ).fetchall()
    )
    return rows, sum(by_state.values()), by_state


def eligibility_page(
    user, as_of: dt.date, reason: str = "", limit: int = 500, offset: int = 0, count: bool = True
) -> tuple[list[dict], int | None]:
    """(first rows, matching count) of the judgments' incentive eligibility in the user's scope,
    optionally one reason; the same order as `eligibility_rows` (no count for the API)."""
    con = connect()
    where, params = ("reason = ?", [reason]) if reason else ("TRUE", [])
    return _scoped_page(
        con, _eligibility_sql(con, as_of), user, _ELIGIBILITY_ORDER, where, params, limit, offset, count
    )


def aging_page(user, as_of: dt.date, limit: int = 500, offset: int = 0) -> dict:
    """Receipts with money held on ``as_of`` in the user's scope: the first ``limit`` aged ones
    (oldest first), how many are aged and their money, and how many hold money at all — counted
    and summed in DuckDB over the store (its derived receipts when current)."""
    con = connect(("case_fund_movements",))
    _scope(con, user)
    con.execute(f"CREATE OR REPLACE TEMP VIEW aging_view AS {enf.fund_aging_sql(con, as_of)}")
    base = "FROM aging_view WHERE unit_code IN (SELECT code FROM scope_units)"
    held, aged, amount = con.execute(
        f"SELECT COUNT(*), COUNT(*) FILTER (WHERE aged), COALESCE(SUM(held) FILTER (WHERE aged), 0) {base}"  # noqa: S608
    ).fetchall()[0]
    page = f"LIMIT {int(limit)} OFFSET {max(int(offset), 0)}"
    rows = con.sql(f"SELECT * {base} AND aged ORDER BY {_AGING_ORDER} {page}").to_arrow_table()  # noqa: S608
    return {"aged": rows.to_pylist(), "aged_count": aged, "aged_amount": amount, "held_count": held}


def aging_rows(user, as_of: dt.date) -> list[dict]:
    """Every receipt with money held on ``as_of`` in the user's scope, oldest first."""
    con = connect(("case_fund_movements",))
    return _scoped(con, enf.fund_aging_sql(con, as_of), user, _AGING_ORDER)


def listing_rows(user, as_of: dt.date) -> list[dict]:
    """Listing states of the listings in the user's scope, overdue first."""
    con = connect()
    return _scoped(con, _listing_sql(con, as_of), user, _LISTING_ORDER)


def eligibility_rows(user, as_of: dt.date) -> list[dict]:
    """Incentive eligibility of the judgments in the user's scope, eligible first."""
    con = connect()
    return _scoped(con, _eligibility_sql(con, as_of), user, _ELIGIBILITY_ORDER)


def measures(user, start: dt.date, end: dt.date, as_of: dt.date) -> dict:
    """The measures over the user's scope (see casewatch.analytics.enforcement.measures).

    Over a store they are computed once per store generation, scope and parameters (Django's
    cache, keyed by the generation id: a new generation makes a new key)."""
    import hashlib

    from django.core.cache import cache

    from casewatch.cases import warehouse
    from casewatch.core.querysets import scope_path

    generation = warehouse.generation()
    key = None
    if generation is not None:
        key = (
            "casewatch.enf_measures:"
            + hashlib.sha256(repr((generation, scope_path(user), start, end, as_of)).encode()).hexdigest()
        )
        cached = cache.get(key)
        if cached is not None:
            return cached
    con = connect()
    enf.prepare_listings(con)
    enf.prepare_eligibility(con, as_of)
    result = enf.measures(con, start, end, as_of, units=scope_codes(user))
    if key is not None:
        cache.set(key, result, 24 * 3600)
    return result

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


def connect(tables: tuple[str, ...] = enf.ENF_TABLES):
    """A DuckDB connection over the registry's enforcement tables (plus cases and parties).

    Over the warm analytics store (attached, no copy) when there is one; else a snapshot.
    """
    from casewatch.cases import warehouse

    if warehouse.available():
        return enf.connect(store=warehouse.path())
    return enf.connect({name: snapshot.read_table(name) for name in tables})


def scope_codes(user) -> list[str]:
    """Unit codes inside the user's scope (what results are filtered to)."""
    return list(Unit.objects.restrict(user, "view").values_list("code", flat=True))


def _codes(codes: list[str]):
    import pyarrow as pa

    return pa.table({"code": pa.array(codes, pa.string())})


def _scoped(con, table, user, order: str) -> list[dict]:
    con.register("result_view", table)
    con.register("scope_units", _codes(scope_codes(user)))
    sql = f"SELECT * FROM result_view WHERE unit_code IN (SELECT code FROM scope_units) ORDER BY {order}"  # noqa: S608
    return con.sql(sql).to_arrow_table().to_pylist()


def _scoped_page(
    con, table, user, order: str, where: str, params: list, limit: int
) -> tuple[list[dict], int]:
    """The first ``limit`` rows in the user's scope matching ``where`` and how many match: the
    filter, count and limit run in DuckDB, so a page never turns the whole city's rows into Python."""
    con.register("result_view", table)
    con.register("scope_units", _codes(scope_codes(user)))
    base = f"FROM result_view WHERE unit_code IN (SELECT code FROM scope_units) AND ({where})"  # noqa: S608
    (total,) = con.execute(f"SELECT COUNT(*) {base}", params).fetchall()[0]
    rows = con.sql(f"SELECT * {base} ORDER BY {order} LIMIT {int(limit)}", params=params).to_arrow_table()  # noqa: S608
    return rows.to_pylist(), total


_LISTING_ORDER = (
    "CASE deletion_state WHEN 'overdue' THEN 0 WHEN 'due' THEN 1 ELSE 2 END, deletion_due DESC, listing_id"
)
_ELIGIBILITY_ORDER = (
    "reason <> 'eligible', paid_full_on DESC NULLS LAST, case_number, unit_code, debtor_party_id"
)


def listing_page(user, as_of: dt.date, state: str = "", wrongful: bool = False, limit: int = 500):
    """(first rows, matching count, count per deletion state) of the listings in the user's scope,
    optionally one state and only wrongful ones; the same order as `listing_rows`."""
    con = connect()
    table = enf.listing_state(con, as_of)
    where, params = ["TRUE"], []
    if state:
        where.append("deletion_state = ?")
        params.append(state)
    if wrongful:
        where.append("wrongful IS NOT NULL AND wrongful <> ''")
    cond = " AND ".join(where)
    rows, total = _scoped_page(con, table, user, _LISTING_ORDER, cond, params, limit)
    counts = dict(
        con.execute(
            "SELECT deletion_state, COUNT(*) FROM result_view WHERE unit_code IN (SELECT code FROM scope_units) "  # noqa: S608 - cond is built from fixed fragments, values bound
            f"AND ({cond}) GROUP BY deletion_state",
            params,
        ).fetchall()
    )
    return rows, total, counts


def eligibility_page(user, as_of: dt.date, reason: str = "", limit: int = 500) -> tuple[list[dict], int]:
    """(first rows, matching count) of the judgments' incentive eligibility in the user's scope,
    optionally one reason; the same order as `eligibility_rows`."""
    con = connect()
    table = enf.eligibility(con, as_of)
    where, params = ("reason = ?", [reason]) if reason else ("TRUE", [])
    return _scoped_page(con, table, user, _ELIGIBILITY_ORDER, where, params, limit)


def listing_rows(user, as_of: dt.date) -> list[dict]:
    """Listing states of the listings in the user's scope, overdue first."""
    con = connect()
    return _scoped(con, enf.listing_state(con, as_of), user, _LISTING_ORDER)


def eligibility_rows(user, as_of: dt.date) -> list[dict]:
    """Incentive eligibility of the judgments in the user's scope, eligible first."""
    con = connect()
    return _scoped(con, enf.eligibility(con, as_of), user, _ELIGIBILITY_ORDER)


def measures(user, start: dt.date, end: dt.date, as_of: dt.date) -> dict:
    """The measures over the user's scope (see casewatch.analytics.enforcement.measures)."""
    con = connect()
    enf.listing_state(con, as_of)
    enf.eligibility(con, as_of)
    return enf.measures(con, start, end, as_of, units=scope_codes(user))

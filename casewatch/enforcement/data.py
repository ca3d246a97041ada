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


def listing_rows(user, as_of: dt.date) -> list[dict]:
    """Listing states of the listings in the user's scope, overdue first."""
    con = connect()
    order = "CASE deletion_state WHEN 'overdue' THEN 0 WHEN 'due' THEN 1 ELSE 2 END, deletion_due DESC, listing_id"
    return _scoped(con, enf.listing_state(con, as_of), user, order)


def eligibility_rows(user, as_of: dt.date) -> list[dict]:
    """Incentive eligibility of the judgments in the user's scope, eligible first."""
    con = connect()
    order = "reason <> 'eligible', paid_full_on DESC NULLS LAST, case_number"
    return _scoped(con, enf.eligibility(con, as_of), user, order)


def measures(user, start: dt.date, end: dt.date, as_of: dt.date) -> dict:
    """The measures over the user's scope (see casewatch.analytics.enforcement.measures)."""
    con = connect()
    enf.listing_state(con, as_of)
    enf.eligibility(con, as_of)
    return enf.measures(con, start, end, as_of, units=scope_codes(user))

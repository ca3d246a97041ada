"""The catalogue over one shared event pass (an opt-in DuckDB path, ``DuckDBEngine(fused=True)``):
rules read one narrow event table instead of each joining ``events`` with ``cases`` itself. Each
rule's own ``sql`` stays its definition (stored versions, Spark, the rule pages).

* ``ev`` — one statement joins the events some rule can read to their case (``LEFT JOIN``: an
  event without a case keeps null case columns and ``_case_found`` false): the event kinds the
  rules name (collected from their ``kind = …`` / ``kind IN (…)`` predicates; the kind filter runs
  in the scan, before the join) and the closing events of pending cases (DE-05). It carries the
  event columns and the case columns the rules use under their own names (the two tables share
  no other column name). DE-02 reads every event of every case and keeps its own SQL.
* Each rule's SQL is rewritten (sqlglot, mechanically) to read ``ev``: ``events AS e JOIN cases
  AS c ON <same case>`` becomes ``ev AS e`` (``c.col`` → ``e.col``, plus ``e._case_found``, what
  the inner join required), every other ``events`` becomes ``ev``. A rule is rewritten only when
  each of its ``events`` references filters on ``kind`` in its own SELECT (so ``ev`` holds every
  row it can see); otherwise it runs its own SQL. The check is syntactic: a kind predicate inside
  an ``OR`` that does not restrict the rows would pass it — the test below would catch the result.

The findings are the rules' own: same rows, columns, types and evidence (tested against the rules'
own SQL on a generated city and on the scenarios, full and incremental:
``casewatch/analytics/tests/test_fused.py``). Not the default: at 1,000,000 cases building ``ev``
(1.58M rows) costs ~1.4 s CPU, as much as the 24 joins it saves, so the run measured no cheaper
(``casewatch bench catalogue``; docs/performance.md, "Screening catalogue"). It is kept as the
verified rewrite a per-store-generation ``ev`` (maintained by the sync) would start from.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import sqlglot
from sqlglot import exp

from casewatch.analytics import schema
from casewatch.analytics.rules.data_entry import CLOSING_EVENTS
from casewatch.analytics.rules.fragments import quoted

#: rules whose event rows ``ev`` selects by its own condition rather than by kind
_BY_CONDITION = frozenset({"DE-05"})
#: rules left to their own SQL: DE-02 reads every event of every case (one join that ``ev``
#: would only have to repeat)
_UNFUSED = frozenset({"DE-02"})
EV = "ev"
FOUND = "_case_found"
_EVENT_COLUMNS = frozenset(schema.TABLES["events"].names)
_CASE_COLUMNS = frozenset(schema.TABLES["cases"].names)


@dataclass(frozen=True)
class FusedRule:
    rule_id: str
    sql: str


@dataclass(frozen=True)
class Plan:
    """The shared ``ev`` statement and the rules rewritten to read it (rule id -> SQL)."""

    ev_sql: str
    rules: dict[str, str]
    kinds: tuple[str, ...]


def _alias(table: exp.Table) -> str:
    return table.alias_or_name


def _is_same_case(on: exp.Expression | None, a: str, b: str) -> bool:
    """``on`` is exactly ``a.unit_code = b.unit_code AND a.case_number = b.case_number`` (any order)."""
    if not isinstance(on, exp.And):
        return False
    pairs = set()
    for eq in (on.left, on.right):
        if not isinstance(eq, exp.EQ):
            return False
        left, right = eq.left, eq.right
        if not (isinstance(left, exp.Column) and isinstance(right, exp.Column)) or left.name != right.name:
            return False
        pairs.add((left.name, frozenset({left.table, right.table})))
    return pairs == {("unit_code", frozenset({a, b})), ("case_number", frozenset({a, b}))}


def _kind_literals(node: exp.Expression, alias: str | None = None) -> set[str] | None:
    """Kinds named by ``<alias>.kind = 'x'`` / ``<alias>.kind IN ('x', …)`` under ``node``."""
    kinds: set[str] = set()
    found = False
    for pred in node.find_all(exp.EQ, exp.In):
        column = pred.this if isinstance(pred, exp.In) else pred.left
        if not isinstance(column, exp.Column) or column.name != "kind":
            continue
        if alias is not None and column.table not in (alias, ""):
            continue
        if isinstance(pred.parent, exp.Not):
            continue
        values = pred.expressions if isinstance(pred, exp.In) else [pred.right]
        if not values or not all(isinstance(v, exp.Literal) and v.is_string for v in values):
            continue
        kinds.update(v.this for v in values)
        found = True
    return kinds if found else None


def _merge_case_joins(select: exp.Select, case_columns: set[str]) -> None:
    """Turn ``events AS e JOIN cases AS c ON <same case>`` in ``select`` into ``ev AS e``."""
    from_ = select.args.get("from_") or select.args.get("from")
    joins = select.args.get("joins") or []
    if from_ is None or not isinstance(from_.this, exp.Table):
        return
    for join in list(joins):
        if not isinstance(join.this, exp.Table) or join.args.get("side") or join.args.get("kind"):
            continue
        first, other = from_.this, join.this
        names = {first.name, other.name}
        if names != {"events", "cases"} or not _is_same_case(
            join.args.get("on"), _alias(first), _alias(other)
        ):
            continue
        event_table, case_table = (first, other) if first.name == "events" else (other, first)
        e_alias, c_alias = _alias(event_table), _alias(case_table)
        join.pop()
        if first is case_table:
            from_.set("this", event_table.pop())
        for column in select.find_all(exp.Column):
            # only this SELECT's own columns: not its CTEs' or subqueries' (a correlated
            # reference to the case alias would then fail loudly instead of reading wrongly)
            if column.table == c_alias and column.find_ancestor(exp.Select) is select:
                case_columns.add(column.name)
                column.set("table", exp.to_identifier(e_alias))
        select.where(exp.column(FOUND, table=e_alias), copy=False)
        return


def _event_refs_filtered(tree: exp.Expression) -> bool:
    """Every ``events`` table of the statement is filtered on its ``kind`` in its own SELECT."""
    for table in tree.find_all(exp.Table):
        if table.name != "events":
            continue
        select = table.find_ancestor(exp.Select)
        if select is None or _kind_literals(select, _alias(table)) is None:
            return False
    return True


def rewrite(rule_id: str, sql: str) -> tuple[str, set[str], set[str]] | None:
    """The rule's SQL over ``ev``, the case columns it reads there and the kinds it names; None
    when the rule cannot be rewritten (an ``events`` read not filtered by kind)."""
    if rule_id in _UNFUSED:
        return None
    tree = sqlglot.parse_one(sql, read="duckdb")
    if not any(t.name == "events" for t in tree.find_all(exp.Table)):
        return None
    if rule_id not in _BY_CONDITION and not _event_refs_filtered(tree):
        return None
    kinds = set() if rule_id in _BY_CONDITION else (_kind_literals(tree) or set())
    case_columns: set[str] = set()
    for select in list(tree.find_all(exp.Select)):
        _merge_case_joins(select, case_columns)
    for table in tree.find_all(exp.Table):
        if table.name == "events":
            table.set("this", exp.to_identifier(EV))
    return tree.sql(dialect="duckdb"), case_columns, kinds


def _event_columns(sqls) -> list[str]:
    """Event columns any rule names (by column name; the key columns always)."""
    names = {"unit_code", "case_number"}
    for sql in sqls:
        for column in sqlglot.parse_one(sql, read="duckdb").find_all(exp.Column):
            if column.name in _EVENT_COLUMNS:
                names.add(column.name)
    return [
        c
        for c in schema.TABLES["events"].names
        if c in names and c not in ("case_key", "source", "updated_at")
    ]


@cache
def plan(rules: tuple) -> Plan:
    """The shared pass for these rules (Rule objects; cached per rule set)."""
    fused: dict[str, str] = {}
    case_columns = {"status"}  # the DE-05 condition
    kinds: set[str] = set()
    for rule in rules:
        done = rewrite(rule.id, rule.sql)
        if done is None:
            continue
        sql, columns, rule_kinds = done
        fused[rule.id] = sql
        case_columns |= columns
        kinds |= rule_kinds
    case_columns -= {"unit_code", "case_number"}
    event_cols = _event_columns(rule.sql for rule in rules)
    case_cols = [c for c in schema.TABLES["cases"].names if c in case_columns and c not in _EVENT_COLUMNS]
    columns = ", ".join([*(f"e.{c}" for c in event_cols), *(f"c.{c}" for c in case_cols)])
    on = "c.unit_code = e.unit_code AND c.case_number = e.case_number"
    # The kind filter runs before the join (a pushed-down scan filter), so only the rows a rule
    # names are joined; the closing events of pending cases (DE-05) are a second, disjoint branch.
    branches = []
    if kinds:
        branches.append(
            f"SELECT {columns}, c.unit_code IS NOT NULL AS {FOUND} "  # noqa: S608 - names from the schema
            f"FROM events AS e LEFT JOIN cases AS c ON {on} WHERE e.kind IN ({quoted(sorted(kinds))})"
        )
    if "DE-05" in fused:
        closing = [k for k in CLOSING_EVENTS if k not in kinds]
        branches.append(
            f"SELECT {columns}, TRUE AS {FOUND} "  # noqa: S608 - names from the schema
            f"FROM events AS e JOIN cases AS c ON {on} "
            f"WHERE e.kind IN ({quoted(closing)}) AND c.status = 'pending'"
        )
    empty = f"SELECT {columns}, FALSE AS {FOUND} FROM events AS e, cases AS c WHERE FALSE"  # noqa: S608
    ev_sql = " UNION ALL ".join(branches) or empty
    return Plan(ev_sql=ev_sql, rules=fused, kinds=tuple(sorted(kinds)))

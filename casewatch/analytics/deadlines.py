"""Deadline state (审限 / 办案期限 / 羁押期限), traffic lights and supervision measures — vectorised.

Everything here runs as DuckDB SQL over the canonical tables (``cases``, ``events``) plus the
``calendar`` of :mod:`casewatch.analytics.timelimits`; there is no per-case Python loop in the
batch path. This module never imports Django: the ``deadlines`` app passes configuration in as
plain data (:class:`LightConfig`, :class:`LadderStep`, :class:`LimitSpec`) and loads the result
tables back in bulk.

Two clocks, side by side (rules-cn.md §3.8)
-------------------------------------------
* **Legal clock** — days used of the statutory limit: ``raw age − excluded days``. Excluded
  periods (public notice, appraisal, settlement, jurisdiction objection, suspension) are merged
  with :func:`casewatch.analytics.rules.fragments.excluded_days_ctes`, the same SQL the
  screening rules CV-02/CT-01/AD-01/EN-01 use. The due date is ``filing + limit (+ excluded
  days)``, replaced by the latest approved extension, then moved to the next working day when it
  falls on a rest day — except custody periods (刑事诉讼法 第105条). It drives overdue warnings.
* **Raw age** — calendar days since filing, nothing excluded. It drives the long-pending
  (长期未结) classes (> 12 / 18 / 24 / 36 months), so a suspended case cannot hide.

Because excluded days are clipped to ``[filing, as-of]`` and merged, the legal clock never
exceeds the raw age (a property test checks it).

Lights (configurable per case type): green while less than 2/3 of the limit is used; yellow once
2/3 is used or ≤ 15 days are left (≤ 30 for civil and enforcement); red when ≤ 5 days are left or
the case is overdue. Cases without a known statutory limit (police criminal cases — their limits
are the custody chain's, petitions) get light ``none`` but still carry their raw age.

:func:`compute_case` is the same arithmetic written per case in plain Python with
:mod:`~casewatch.analytics.timelimits`: it explains a due date step by step (the case panel), is
the benchmark's baseline loop, and cross-checks the SQL in the tests.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal

import pyarrow as pa

from casewatch.analytics import timelimits
from casewatch.analytics.rules.fragments import EXCLUSIONS, excluded_days_ctes, same_case

# ---------------------------------------------------------------------------------------------
# Configuration as data
# ---------------------------------------------------------------------------------------------

LIGHTS = ("green", "yellow", "red", "none")
PENDING_FILTER = "c.status IN ('pending', 'suspended')"


@dataclass(frozen=True)
class LimitSpec:
    """The statutory limit of one (case type, procedure); ``procedure`` "*" means any."""

    case_type: str
    procedure: str
    months: int = 0
    days: int = 0
    exclusions: tuple[str, ...] = ()
    #: False for custody periods: no holiday shift (刑事诉讼法 第105条)
    shift_holidays: bool = True
    extension_kind: str = "trial_limit_extended"
    #: True: excluded days are added to the extended date too (CT-01, EN-01); False: the
    #: extension replaces everything (CV-02, AD-01)
    exclusions_after_extension: bool = False
    #: days before expiry an extension must be approved (2019 规定 第1条; 刑诉解释 210)
    extension_lead_days: int = 15
    basis: str = ""

    @property
    def period(self) -> str:
        parts = []
        if self.months:
            parts.append(f"{self.months}M")
        if self.days:
            parts.append(f"{self.days}D")
        return "P" + "".join(parts)


_ALL = tuple(EXCLUSIONS)
LIMITS: tuple[LimitSpec, ...] = (
    LimitSpec("civil", "ordinary", months=6, exclusions=_ALL, basis="民事诉讼法 第152条"),
    LimitSpec("civil", "simplified", months=3, exclusions=_ALL, basis="民事诉讼法 第164条"),
    LimitSpec("civil", "small_claims", months=2, exclusions=_ALL, basis="民事诉讼法 第165条"),
    LimitSpec("civil", "second_instance", months=3, exclusions=_ALL, basis="民事诉讼法 第183条"),
    LimitSpec(
        "criminal",
        "ordinary",
        months=3,
        exclusions=("appraisal", "suspension"),
        exclusions_after_extension=True,
        basis="刑事诉讼法 第208条",
    ),
    LimitSpec(
        "criminal",
        "simplified",
        days=20,
        exclusions=("appraisal", "suspension"),
        exclusions_after_extension=True,
        basis="刑事诉讼法 第220条",
    ),
    LimitSpec(
        "criminal",
        "expedited",
        days=10,
        exclusions=("appraisal", "suspension"),
        exclusions_after_extension=True,
        basis="刑事诉讼法 第225条",
    ),
    LimitSpec(
        "criminal",
        "second_instance",
        months=2,
        exclusions=("appraisal", "suspension"),
        exclusions_after_extension=True,
        basis="刑事诉讼法 第243条",
    ),
    LimitSpec("administrative", "ordinary", months=6, exclusions=_ALL, basis="行政诉讼法 第81条"),
    LimitSpec("administrative", "simplified", days=45, exclusions=_ALL, basis="行政诉讼法 第83条"),
    LimitSpec("administrative", "second_instance", months=3, exclusions=_ALL, basis="行政诉讼法 第88条"),
    LimitSpec(
        "enforcement",
        "*",
        months=6,
        exclusions=("suspension",),
        exclusions_after_extension=True,
        basis="最高人民法院关于严格执行案件审理期限制度的若干规定 第5条",
    ),
    LimitSpec(
        "prosecution_review",
        "*",
        months=1,
        extension_kind="review_extended",
        exclusions_after_extension=True,
        basis="刑事诉讼法 第172条",
    ),
    LimitSpec(
        "police_public_order",
        "*",
        days=30,
        exclusions=("appraisal",),
        extension_kind="public_order_extended",
        exclusions_after_extension=True,
        extension_lead_days=0,
        basis="公安机关办理行政案件程序规定 第165条",
    ),
)


@dataclass(frozen=True)
class LightConfig:
    """Light thresholds of one case type ("" = the default for every type)."""

    case_type: str = ""
    yellow_share_num: int = 2
    yellow_share_den: int = 3
    yellow_days_left: int = 15
    red_days_left: int = 5
    long_pending_months: tuple[int, ...] = (12, 18, 24, 36)


DEFAULT_LIGHTS: tuple[LightConfig, ...] = (
    LightConfig(),
    LightConfig("civil", yellow_days_left=30),
    LightConfig("enforcement", yellow_days_left=30),
)


@dataclass(frozen=True)
class LadderStep:
    """One rung of the escalation ladder: from ``min_overdue_days`` past the due date."""

    step: str
    min_overdue_days: int
    listed: bool = False


DEFAULT_LADDER: tuple[LadderStep, ...] = (
    LadderStep("division_head", 1),
    LadderStep("vice_president", 365),
    LadderStep("president", 731, listed=True),
)

_KEY = re.compile(r"^[a-z_]{1,40}$")


def _key(value: str) -> str:
    if not _KEY.match(value or ""):
        raise ValueError(f"not a valid key: {value!r}")
    return value


def lights_for(configs: Iterable[LightConfig], case_types: Iterable[str]) -> dict[str, LightConfig]:
    """One effective config per case type: the type's own row, else the default ("")."""
    by_type = {c.case_type: c for c in configs}
    default = by_type.get("", LightConfig())
    return {t: replace(by_type.get(t, default), case_type=t) for t in case_types}


# ---------------------------------------------------------------------------------------------
# Rounding
# ---------------------------------------------------------------------------------------------


def half_up(value, places: int = 2) -> Decimal | None:
    """Round half up (not banker's rounding): 0.125 → 0.13. None stays None."""
    if value is None:
        return None
    quantum = Decimal(1).scaleb(-places)
    return Decimal(str(value)).quantize(quantum, rounding=ROUND_HALF_UP)


def percent(numerator: int, denominator: int, places: int = 2) -> Decimal | None:
    """``numerator ÷ denominator × 100`` rounded half up from the exact fraction; None when ÷ 0."""
    if not denominator:
        return None
    exact = Decimal(int(numerator)) * 100 / Decimal(int(denominator))
    return exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def change_percent(value: int, base: int, places: int = 2) -> Decimal | None:
    """Change against a base, in percent, half up: (value − base) ÷ base × 100."""
    if not base:
        return None
    return percent(int(value) - int(base), int(base), places)


# ---------------------------------------------------------------------------------------------
# Helper tables
# ---------------------------------------------------------------------------------------------

PROCEDURE_VALUES = (
    "",
    "ordinary",
    "simplified",
    "small_claims",
    "expedited",
    "second_instance",
    "retrial",
    "fast_track",
    "general",
)


def limits_table(limits: Sequence[LimitSpec] = LIMITS) -> pa.Table:
    """The limits as a table keyed by (case_type, procedure), "*" expanded to every procedure."""
    rows: dict[tuple[str, str], LimitSpec] = {}
    for spec in limits:
        if spec.procedure == "*":
            for p in PROCEDURE_VALUES:
                rows.setdefault((spec.case_type, p), spec)
    for spec in limits:
        if spec.procedure != "*":
            rows[(spec.case_type, spec.procedure)] = spec
    groups = exclusion_groups(limits)
    specs = list(rows.items())
    return pa.table(
        {
            "case_type": [k[0] for k, _ in specs],
            "procedure": [k[1] for k, _ in specs],
            "limit_months": pa.array([s.months for _, s in specs], pa.int32()),
            "limit_days": pa.array([s.days for _, s in specs], pa.int32()),
            "limit_period": [s.period for _, s in specs],
            "excl_group": [groups[s.exclusions] for _, s in specs],
            "shift_holidays": [s.shift_holidays for _, s in specs],
            "extension_kind": [s.extension_kind for _, s in specs],
            "excl_after_ext": [s.exclusions_after_extension for _, s in specs],
            "lead_days": pa.array([s.extension_lead_days for _, s in specs], pa.int32()),
        }
    )


def exclusion_groups(limits: Sequence[LimitSpec] = LIMITS) -> dict[tuple[str, ...], str]:
    """Each distinct set of excluded kinds gets a group name (g0, g1 …); the empty set none."""
    groups: dict[tuple[str, ...], str] = {}
    for spec in limits:
        if spec.exclusions not in groups:
            groups[spec.exclusions] = f"g{len(groups)}" if spec.exclusions else "none"
    return groups


def lights_table(configs: Sequence[LightConfig], case_types: Iterable[str]) -> pa.Table:
    eff = list(lights_for(configs, case_types).values())
    for c in eff:
        if c.yellow_share_den <= 0 or not 0 < c.yellow_share_num <= c.yellow_share_den:
            raise ValueError("the yellow share must be a fraction in (0, 1]")
    lp = [tuple(sorted(c.long_pending_months)) + (10**4,) * (4 - len(c.long_pending_months)) for c in eff]
    return pa.table(
        {
            "case_type": [c.case_type for c in eff],
            "y_num": pa.array([c.yellow_share_num for c in eff], pa.int32()),
            "y_den": pa.array([c.yellow_share_den for c in eff], pa.int32()),
            "y_days": pa.array([c.yellow_days_left for c in eff], pa.int32()),
            "r_days": pa.array([c.red_days_left for c in eff], pa.int32()),
            **{f"lp{i + 1}": pa.array([x[i] for x in lp], pa.int32()) for i in range(4)},
        }
    )


def _ladder_case(ladder: Sequence[LadderStep], overdue: str) -> str:
    steps = sorted(ladder, key=lambda s: -s.min_overdue_days)
    if not steps:
        return "CAST(NULL AS VARCHAR)"
    whens = " ".join(
        f"WHEN {overdue} >= {max(int(s.min_overdue_days), 1)} THEN '{_key(s.step)}'" for s in steps
    )
    return f"CASE {whens} ELSE NULL END"


def prepare(
    con, as_of: dt.date, limits: Sequence[LimitSpec] = LIMITS, lights: Sequence[LightConfig] = DEFAULT_LIGHTS
) -> None:
    """Register ``params``, ``dl_limits`` and ``dl_lights`` on a DuckDB connection that already has
    ``cases``, ``events`` and ``calendar`` (a :class:`~casewatch.analytics.engines.duckdb_engine.DuckDBEngine`
    connection after ``_expose``, or any connection with those names)."""
    from casewatch.analytics.schema import CASE_TYPES

    con.execute("CREATE OR REPLACE TABLE params AS SELECT CAST(? AS DATE) AS as_of", [as_of])
    for name, table in (("dl_limits", limits_table(limits)), ("dl_lights", lights_table(lights, CASE_TYPES))):
        con.register("_dl_in", table)
        try:
            con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT * FROM _dl_in")  # noqa: S608 - constant names
        finally:
            con.unregister("_dl_in")
    if not con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'calendar'"
    ).fetchone()[0]:
        con.register("_cal_in", timelimits.calendar_table())
        con.execute("CREATE OR REPLACE TABLE calendar AS SELECT * FROM _cal_in")
        con.unregister("_cal_in")


# ---------------------------------------------------------------------------------------------
# Case deadline state (SQL)
# ---------------------------------------------------------------------------------------------

STATE_COLUMNS = (
    "unit_code",
    "case_number",
    "case_type",
    "procedure",
    "status",
    "handler_staff_no",
    "filed_at",
    "closed_at",
    "limit_period",
    "statutory_due",
    "excluded_days",
    "extended_to",
    "extension_approver",
    "extension_count",
    "extension_late",
    "unshifted_due",
    "due_date",
    "holiday_shifted",
    "shift_holidays",
    "calendar_gap",
    "limit_days",
    "legal_days_used",
    "raw_age_days",
    "days_left",
    "overdue_days",
    "light",
    "long_pending_months",
    "escalation_step",
)


def deadline_state(
    con,
    as_of: dt.date,
    case_filter: str = PENDING_FILTER,
    *,
    limits: Sequence[LimitSpec] = LIMITS,
    lights: Sequence[LightConfig] = DEFAULT_LIGHTS,
    ladder: Sequence[LadderStep] = DEFAULT_LADDER,
) -> pa.Table:
    """Deadline state and light of every case matching ``case_filter`` (SQL over alias ``c``).

    ``case_filter`` is assembled from constants by callers, never from user input. The end of a
    case's clock is its closing date, else ``as_of``; ``days_left`` and the light are judged at
    that end. Returns :data:`STATE_COLUMNS`.
    """
    prepare(con, as_of, limits, lights)
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE dl_scope AS
SELECT c.unit_code, c.case_number, c.case_type, c.procedure, c.status, c.handler_staff_no,
       c.filed_at, c.closed_at, COALESCE(c.closed_at, (SELECT as_of FROM params)) AS end_on,
       l.limit_months, l.limit_days AS limit_days_part, l.limit_period, COALESCE(l.excl_group, 'none') AS excl_group,
       COALESCE(l.shift_holidays, TRUE) AS shift_holidays, l.extension_kind, COALESCE(l.excl_after_ext, FALSE) AS excl_after_ext,
       l.lead_days,
       CASE WHEN l.case_type IS NULL THEN NULL
            ELSE CAST(c.filed_at + to_months(l.limit_months) AS DATE) + CAST(l.limit_days AS INTEGER) END AS statutory_due
FROM cases AS c
LEFT JOIN dl_limits AS l ON l.case_type = c.case_type AND l.procedure = COALESCE(c.procedure, '')
WHERE ({case_filter}) AND c.filed_at IS NOT NULL AND c.filed_at <= (SELECT as_of FROM params)"""  # noqa: S608 - constant fragments
    )
    parts = []
    for kinds, group in exclusion_groups(limits).items():
        if not kinds:
            continue
        con.execute(
            f"""CREATE OR REPLACE TEMP TABLE dl_excl_{group} AS
WITH scope AS (SELECT unit_code, case_number, filed_at, end_on FROM dl_scope WHERE excl_group = '{group}'),
{excluded_days_ctes("scope", kinds)}
SELECT unit_code, case_number, excluded_days FROM excluded"""  # noqa: S608 - constant fragments
        )
        parts.append(f"SELECT * FROM dl_excl_{group}")  # noqa: S608 - group names are generated
    excluded = (
        " UNION ALL ".join(parts)
        or "SELECT NULL::VARCHAR AS unit_code, NULL::VARCHAR AS case_number, 0 AS excluded_days WHERE FALSE"
    )
    overdue = "GREATEST(date_diff('day', d.due_date, d.end_on), 0)"
    sql = f"""WITH excl AS ({excluded}),
base AS (
  SELECT s.*, COALESCE(x.excluded_days, 0) AS excluded_days,
         s.statutory_due + CAST(COALESCE(x.excluded_days, 0) AS INTEGER) AS base_unshifted
  FROM dl_scope AS s LEFT JOIN excl AS x ON {same_case("x", "s")}
),
base_due AS (
  SELECT b.*, CASE WHEN b.shift_holidays THEN COALESCE(cal.next_workday, b.base_unshifted) ELSE b.base_unshifted END AS base_due
  FROM base AS b LEFT JOIN calendar AS cal ON cal.day = b.base_unshifted
),
ext_events AS (
  SELECT e.unit_code, e.case_number, e.new_due_date, e.approver_level, e.seq,
         CAST(COALESCE(e.approved_at, e.occurred_at) AS DATE) AS approved_on,
         LAG(e.new_due_date) OVER (PARTITION BY e.unit_code, e.case_number
                                   ORDER BY COALESCE(e.approved_at, e.occurred_at), e.seq) AS previous_due,
         ROW_NUMBER() OVER (PARTITION BY e.unit_code, e.case_number ORDER BY e.new_due_date DESC, e.seq DESC) AS rn
  FROM events AS e JOIN dl_scope AS s ON {same_case("e", "s")} AND e.kind = s.extension_kind
  WHERE e.new_due_date IS NOT NULL
),
ext AS (
  SELECT x.unit_code, x.case_number, MAX(x.new_due_date) AS extended_to, COUNT(*) AS extension_count,
         MAX(CASE WHEN x.rn = 1 THEN x.approver_level END) AS extension_approver,
         BOOL_OR(date_diff('day', x.approved_on, COALESCE(x.previous_due, b.base_due)) < b.lead_days) AS extension_late
  FROM ext_events AS x JOIN base_due AS b ON {same_case("x", "b")}
  GROUP BY x.unit_code, x.case_number
),
unshifted AS (
  SELECT b.*, t.extended_to, COALESCE(t.extension_count, 0) AS extension_count, t.extension_approver,
         COALESCE(t.extension_late, FALSE) AS extension_late,
         CASE WHEN b.statutory_due IS NULL THEN NULL
              WHEN t.extended_to IS NULL THEN b.base_unshifted
              WHEN b.excl_after_ext THEN t.extended_to + CAST(b.excluded_days AS INTEGER)
              ELSE t.extended_to END AS unshifted_due
  FROM base_due AS b LEFT JOIN ext AS t ON {same_case("t", "b")}
),
d AS (
  SELECT u.*,
         CASE WHEN u.shift_holidays THEN COALESCE(cal.next_workday, u.unshifted_due) ELSE u.unshifted_due END AS due_date,
         u.shift_holidays AND u.unshifted_due IS NOT NULL AND cal.next_workday IS NULL AS calendar_gap
  FROM unshifted AS u LEFT JOIN calendar AS cal ON cal.day = u.unshifted_due
),
m AS (
  SELECT d.*, lt.y_num, lt.y_den, lt.y_days, lt.r_days,
         date_diff('day', d.filed_at, d.end_on) AS raw_age_days,
         date_diff('day', d.filed_at, d.end_on) - d.excluded_days AS legal_days_used,
         date_diff('day', d.filed_at, d.due_date) - d.excluded_days AS limit_days,
         date_diff('day', d.end_on, d.due_date) AS days_left,
         {overdue} AS overdue_days,
         CASE WHEN d.end_on > CAST(d.filed_at + to_months(lt.lp4) AS DATE) THEN lt.lp4
              WHEN d.end_on > CAST(d.filed_at + to_months(lt.lp3) AS DATE) THEN lt.lp3
              WHEN d.end_on > CAST(d.filed_at + to_months(lt.lp2) AS DATE) THEN lt.lp2
              WHEN d.end_on > CAST(d.filed_at + to_months(lt.lp1) AS DATE) THEN lt.lp1
              ELSE 0 END AS long_pending_months
  FROM d LEFT JOIN dl_lights AS lt ON lt.case_type = d.case_type
)
SELECT unit_code, case_number, case_type, procedure, status, handler_staff_no, filed_at, closed_at,
       limit_period, statutory_due, CAST(excluded_days AS INTEGER) AS excluded_days, extended_to,
       extension_approver, CAST(extension_count AS INTEGER) AS extension_count, extension_late,
       unshifted_due, due_date, COALESCE(due_date <> unshifted_due, FALSE) AS holiday_shifted, shift_holidays,
       COALESCE(calendar_gap, FALSE) AS calendar_gap,
       CAST(limit_days AS INTEGER) AS limit_days, CAST(legal_days_used AS INTEGER) AS legal_days_used,
       CAST(raw_age_days AS INTEGER) AS raw_age_days, CAST(days_left AS INTEGER) AS days_left,
       CAST(COALESCE(overdue_days, 0) AS INTEGER) AS overdue_days,
       CASE WHEN due_date IS NULL THEN 'none'
            WHEN days_left <= r_days THEN 'red'
            WHEN days_left <= y_days OR CAST(legal_days_used AS BIGINT) * y_den >= CAST(limit_days AS BIGINT) * y_num THEN 'yellow'
            ELSE 'green' END AS light,
       CAST(long_pending_months AS INTEGER) AS long_pending_months,
       {_ladder_case(ladder, "COALESCE(overdue_days, 0)")} AS escalation_step
FROM m AS d"""  # noqa: S608 - constant fragments
    return con.sql(sql).to_arrow_table()


# ---------------------------------------------------------------------------------------------
# The same arithmetic per case (explanation, baseline, cross-check)
# ---------------------------------------------------------------------------------------------


@dataclass
class Step:
    """One line of a due date's derivation."""

    kind: str
    text: str
    value: object = None
    data: dict = field(default_factory=dict)


def _spec_for(limits: Sequence[LimitSpec], case_type: str, procedure: str | None) -> LimitSpec | None:
    exact = [s for s in limits if s.case_type == case_type and s.procedure == (procedure or "")]
    if exact:
        return exact[0]
    any_ = [s for s in limits if s.case_type == case_type and s.procedure == "*"]
    return any_[0] if any_ else None


def _as_date(value) -> dt.date | None:
    if value is None:
        return None
    return value.date() if isinstance(value, dt.datetime) else value


def merged_exclusions(
    events: Iterable[Mapping], kinds: Sequence[str], filed_at: dt.date, end_on: dt.date
) -> list[tuple[str, dt.date, dt.date]]:
    """Excluded intervals of one case as (kinds, from, to), paired, clipped and merged like the SQL."""
    events = list(events)
    intervals = []
    for kind in kinds:
        start_kind, end_kind = EXCLUSIONS[kind]
        ends = sorted(e["occurred_at"] for e in events if e["kind"] == end_kind)
        for e in events:
            if e["kind"] != start_kind:
                continue
            end = next((x for x in ends if x >= e["occurred_at"]), None)
            lo = max(_as_date(e["occurred_at"]), filed_at)
            hi = end_on if end is None or _as_date(end) > end_on else _as_date(end)
            if hi > lo:
                intervals.append((lo, hi, kind))
    intervals.sort()
    merged: list[list] = []
    for lo, hi, kind in intervals:
        if merged and lo <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], hi)
            merged[-1][2].add(kind)
        else:
            merged.append([lo, hi, {kind}])
    return [("+".join(sorted(k)), lo, hi) for lo, hi, k in merged]


def compute_case(
    case: Mapping,
    events: Iterable[Mapping],
    as_of: dt.date,
    *,
    limits: Sequence[LimitSpec] = LIMITS,
    lights: Sequence[LightConfig] = DEFAULT_LIGHTS,
    ladder: Sequence[LadderStep] = DEFAULT_LADDER,
) -> tuple[dict, list[Step]]:
    """Deadline state of one case and the steps that produced it (plain Python, no SQL).

    ``case`` has the canonical ``cases`` columns, ``events`` the case's ``events`` rows.
    """
    events = list(events)
    filed_at = case["filed_at"]
    end_on = case.get("closed_at") or as_of
    spec = _spec_for(limits, case["case_type"], case.get("procedure"))
    light_cfg = lights_for(lights, [case["case_type"]])[case["case_type"]]
    steps: list[Step] = []
    raw_age = (end_on - filed_at).days
    state = {
        "unit_code": case["unit_code"],
        "case_number": case["case_number"],
        "case_type": case["case_type"],
        "filed_at": filed_at,
        "raw_age_days": raw_age,
        "due_date": None,
        "light": "none",
        "excluded_days": 0,
        "extended_to": None,
        "holiday_shifted": False,
        "extension_late": False,
    }
    lp = 0
    for months in sorted(light_cfg.long_pending_months):
        if end_on > timelimits.add_months(filed_at, months):
            lp = months
    state["long_pending_months"] = lp
    if spec is None:
        state.update(
            legal_days_used=raw_age, days_left=None, overdue_days=0, escalation_step=None, limit_days=None
        )
        steps.append(Step("limit", "No statutory limit is known for this case type and procedure."))
        return state, steps
    steps.append(Step("limit", "Statutory limit", spec.period, {"basis": spec.basis}))
    steps.append(
        Step("start", "Counting starts the day after filing (the filing day is not counted)", filed_at)
    )
    statutory = timelimits.add_months(filed_at, spec.months) + dt.timedelta(days=spec.days)
    steps.append(Step("statutory_due", "Filing date plus the limit", statutory))
    intervals = merged_exclusions(events, spec.exclusions, filed_at, end_on)
    excluded = sum((hi - lo).days for _, lo, hi in intervals)
    for kinds, lo, hi in intervals:
        steps.append(
            Step(
                "excluded",
                "Excluded period (not counted)",
                (hi - lo).days,
                {"kinds": kinds, "from": lo, "to": hi},
            )
        )
    base_unshifted = statutory + dt.timedelta(days=excluded)
    base_due = timelimits.next_working_day(base_unshifted) if spec.shift_holidays else base_unshifted
    exts = sorted(
        (e for e in events if e["kind"] == spec.extension_kind and e.get("new_due_date")),
        key=lambda e: (e.get("approved_at") or e["occurred_at"], e["seq"]),
    )
    previous = None
    late = False
    for e in exts:
        approved_on = _as_date(e.get("approved_at") or e["occurred_at"])
        extends = previous or base_due
        is_late = (extends - approved_on).days < spec.extension_lead_days
        late = late or is_late
        steps.append(
            Step(
                "extension",
                "Extension approved",
                e["new_due_date"],
                {
                    "approved_on": approved_on,
                    "approver": e.get("approver_level") or "",
                    "extends": extends,
                    "late": is_late,
                    "after_expiry": approved_on > extends,
                },
            )
        )
        previous = e["new_due_date"]
    extended_to = max((e["new_due_date"] for e in exts), default=None)
    if extended_to is None:
        unshifted = base_unshifted
    elif spec.exclusions_after_extension:
        unshifted = extended_to + dt.timedelta(days=excluded)
    else:
        unshifted = extended_to
    steps.append(Step("unshifted_due", "Last day before any holiday shift", unshifted))
    gap = False
    if spec.shift_holidays:
        due = timelimits.compute_due(unshifted, days=0).due
        gap = bool(timelimits.compute_due(unshifted, days=0).warnings)
        if due != unshifted:
            steps.append(
                Step(
                    "holiday_shift",
                    "Last day is a rest day: moved to the next working day",
                    due,
                    {"from": unshifted},
                )
            )
    else:
        due = unshifted
        steps.append(Step("no_shift", "Custody period: not extended for holidays (刑事诉讼法 第105条)", due))
    steps.append(Step("due", "Due date", due))
    limit_days = (due - filed_at).days - excluded
    used = raw_age - excluded
    days_left = (due - end_on).days
    overdue = max(-days_left, 0)
    if days_left <= light_cfg.red_days_left:
        light = "red"
    elif (
        days_left <= light_cfg.yellow_days_left
        or used * light_cfg.yellow_share_den >= limit_days * light_cfg.yellow_share_num
    ):
        light = "yellow"
    else:
        light = "green"
    step = None
    for rung in sorted(ladder, key=lambda s: s.min_overdue_days):
        if overdue >= max(rung.min_overdue_days, 1):
            step = rung.step
    state.update(
        due_date=due,
        unshifted_due=unshifted,
        excluded_days=excluded,
        extended_to=extended_to,
        holiday_shifted=due != unshifted,
        calendar_gap=gap,
        extension_late=late,
        limit_days=limit_days,
        legal_days_used=used,
        days_left=days_left,
        overdue_days=overdue,
        light=light,
        escalation_step=step,
        limit_period=spec.period,
        statutory_due=statutory,
        shift_holidays=spec.shift_holidays,
    )
    return state, steps


# ---------------------------------------------------------------------------------------------
# Custody chain per person
# ---------------------------------------------------------------------------------------------

#: custody event kinds and the stage each opens
CUSTODY_STAGES = {
    "detained": "detention",
    "arrest_requested": "arrest_review",
    "arrest_approved": "investigation_custody",
    "custody_extended": "investigation_custody",
    "transferred_for_prosecution": "prosecution_review",
    "review_received": "prosecution_review",
    "review_extended": "prosecution_review",
    "returned_for_supplementary_investigation": "supplementary_investigation",
    "indicted": "trial",
    "trial_limit_extended": "trial",
}
#: kinds that end custody (no legal basis needed afterwards)
CUSTODY_ENDS = (
    "released",
    "bail",
    "residential_surveillance",
    "arrest_denied",
    "judgment_pronounced",
    "not_prosecuted",
)

CUSTODY_COLUMNS = (
    "person",
    "unit_code",
    "case_number",
    "stage",
    "stage_started",
    "basis_until",
    "in_custody",
    "days_left",
    "gap_days",
    "detained_on",
)


def custody_state(con, as_of: dt.date) -> pa.Table:
    """Per person: the current custody stage, the day its legal basis runs out, and the days held
    without a valid legal basis over the whole chain (刑事诉讼法 第98条).

    Chain: detention (3 / 7 / 30 days to the arrest request, by the request's reason) → arrest
    review (7 days) → investigation custody (2 months, extensions' new due dates) → prosecution
    review (1 month; extensions; supplementary investigation 1 month) → trial (3 months;
    extensions). Custody periods never shift for holidays. A person is followed by
    ``events.person_party_id`` across cases and agencies; events without a person are ignored.
    """
    con.execute("CREATE OR REPLACE TABLE params AS SELECT CAST(? AS DATE) AS as_of", [as_of])
    kinds = tuple(CUSTODY_STAGES) + CUSTODY_ENDS
    stage = (
        "CASE e.kind "
        + " ".join(f"WHEN '{k}' THEN '{v}'" for k, v in CUSTODY_STAGES.items())
        + " ELSE 'released' END"
    )
    sql = f"""WITH ev AS (
  SELECT e.person_party_id AS person, e.unit_code, e.case_number, e.kind, e.seq, e.reason, e.new_due_date,
         CAST(e.occurred_at AS DATE) AS on_day, e.occurred_at, {stage} AS stage
  FROM events AS e
  WHERE e.person_party_id IS NOT NULL AND e.kind IN ({", ".join(f"'{k}'" for k in kinds)})
    AND CAST(e.occurred_at AS DATE) <= (SELECT as_of FROM params)
),
req AS (
  SELECT person, arg_min(reason, occurred_at) AS reason FROM ev WHERE kind = 'arrest_requested' GROUP BY person
),
ordered AS (
  SELECT ev.*,
         CASE ev.kind
           WHEN 'detained' THEN ev.on_day + CAST(CASE r.reason WHEN 'special' THEN 7 WHEN 'major_roving' THEN 30 ELSE 3 END AS INTEGER)
           WHEN 'arrest_requested' THEN ev.on_day + CAST(7 AS INTEGER)
           WHEN 'arrest_approved' THEN CAST(ev.on_day + INTERVAL 2 MONTH AS DATE)
           WHEN 'transferred_for_prosecution' THEN CAST(ev.on_day + INTERVAL 1 MONTH AS DATE)
           WHEN 'review_received' THEN CAST(ev.on_day + INTERVAL 1 MONTH AS DATE)
           WHEN 'returned_for_supplementary_investigation' THEN CAST(ev.on_day + INTERVAL 1 MONTH AS DATE)
           WHEN 'indicted' THEN CAST(ev.on_day + INTERVAL 3 MONTH AS DATE)
           ELSE ev.new_due_date END AS own_basis,
         ev.kind IN ('custody_extended', 'review_extended', 'trial_limit_extended') AS is_extension,
         ev.kind IN ({", ".join(f"'{k}'" for k in CUSTODY_ENDS)}) AS is_end,
         ROW_NUMBER() OVER (PARTITION BY ev.person ORDER BY ev.occurred_at, ev.seq) AS n
  FROM ev LEFT JOIN req AS r ON r.person = ev.person
),
chain AS (
  SELECT o.*,
         SUM(CASE WHEN o.is_extension THEN 0 ELSE 1 END) OVER (PARTITION BY o.person ORDER BY o.n
             ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS stage_no,
         MIN(CASE WHEN o.kind = 'detained' THEN o.on_day END) OVER (PARTITION BY o.person) AS detained_on
  FROM ordered AS o
),
basis AS (
  SELECT c.*,
         MAX(c.own_basis) OVER (PARTITION BY c.person, c.stage_no ORDER BY c.n
             ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS basis_until,
         LEAD(c.on_day) OVER (PARTITION BY c.person ORDER BY c.n) AS next_day,
         MIN(c.stage) OVER (PARTITION BY c.person, c.stage_no) AS stage_name,
         MIN(c.on_day) OVER (PARTITION BY c.person, c.stage_no) AS stage_started,
         COUNT(*) OVER (PARTITION BY c.person) AS total
  FROM chain AS c
  WHERE c.detained_on IS NOT NULL AND c.on_day >= c.detained_on
),
gaps AS (
  SELECT b.*,
         CASE WHEN b.is_end THEN 0
              ELSE GREATEST(date_diff('day', b.basis_until, COALESCE(b.next_day, (SELECT as_of FROM params))), 0) END AS gap
  FROM basis AS b
)
SELECT person, arg_max(unit_code, n) AS unit_code, arg_max(case_number, n) AS case_number,
       arg_max(CASE WHEN is_end THEN 'released' ELSE stage_name END, n) AS stage,
       arg_max(stage_started, n) AS stage_started,
       arg_max(CASE WHEN is_end THEN NULL ELSE basis_until END, n) AS basis_until,
       NOT arg_max(is_end, n) AS in_custody,
       arg_max(CASE WHEN is_end THEN NULL ELSE date_diff('day', (SELECT as_of FROM params), basis_until) END, n) AS days_left,
       CAST(SUM(gap) AS INTEGER) AS gap_days,
       MIN(detained_on) AS detained_on
FROM gaps
GROUP BY person
ORDER BY person"""  # noqa: S608 - constant fragments
    return con.sql(sql).to_arrow_table()


# Measures live in their own module; re-exported so callers keep using `deadlines.measures`.
from casewatch.analytics.deadline_measures import AGE_BUCKETS, DEFAULT_TIERS, measures, month_ends  # noqa: E402, F401

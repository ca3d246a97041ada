"""Deadline configuration as plain data: statutory limits, light thresholds, the escalation
ladder, and their helper tables for the SQL of :mod:`casewatch.analytics.deadlines`.

The ``deadlines`` app passes its configuration in as these dataclasses (no Django here); the
SQL reads them as small registered tables (``dl_limits``, ``dl_lights``) and the ladder as a
generated ``CASE``. Rounding helpers (half up, percent) live here too: the measures and the
performance points share them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal

import pyarrow as pa

from casewatch.analytics.rules.fragments import EXCLUSIONS

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

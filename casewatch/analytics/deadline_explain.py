"""The deadline arithmetic per case in plain Python (no SQL): explains a due date step by step
(the case panel), is the benchmark's baseline loop, and cross-checks the SQL of
:func:`casewatch.analytics.deadlines.deadline_state` in the tests."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from casewatch.analytics import timelimits
from casewatch.analytics.deadline_config import (
    DEFAULT_LADDER,
    DEFAULT_LIGHTS,
    LIMITS,
    LadderStep,
    LightConfig,
    LimitSpec,
    lights_for,
)
from casewatch.analytics.rules.fragments import EXCLUSIONS


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

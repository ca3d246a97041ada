"""Results: satisfaction rates, 0–100 indices, confidence intervals, distributions and trends.

Computed set-based: one SQL aggregate over the answers gives counts per (item, wave, district,
month) — the finest grain anyone looks at — and everything else (dimension, agency, instrument,
district, wave, overall) is a roll-up of those few hundred rows. No loop ever visits a response.

Definitions (shown next to the numbers on every page, in `FORMULAS`):

* valid answers *n* = ratings on the item's scale (3 to 11 points: 1–3, 1–5, 1–7, 0–10 …); "不了解 /
  not applicable" answers are counted apart (*n_na*).
* satisfaction rate = answers in the top *k* boxes of their own scale ÷ *n*; *k* (1–10) per wave,
  at most points − 1 on a short scale.
  95 % interval: Wilson score interval.
* index = weighted mean over valid answers of the linear rescale (score − lo) ÷ (hi − lo) × 100 on
  the item's own scale (1–5: (score − 1) ÷ 4 × 100); the weight of an answer is
  item weight × dimension weight × agency weight (all 1 by default, so the index is the plain mean).
  95 % interval: mean ± 1.96 × s ÷ √n_eff, with n_eff = (Σw)² ÷ Σw² (Kish).
* change between waves: difference of rates with Newcombe's hybrid score interval (method 10);
  difference of indices with ±1.96 × √(se1² + se2²).

Caveat: rates and indices pool answers, and one respondent gives many answers, so the intervals
are narrower than a respondent-level analysis would give (a design effect is not applied).
"""

from __future__ import annotations

import hashlib
import math
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Avg, Count, Max, Min, Q
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext_lazy as _

from casewatch.core.choices import Action
from casewatch.surveys.choices import Agency, Dimension, ItemKind, RespondentGroup
from casewatch.surveys.models import Answer, Choice, Item, Response, Token, Wave, WaveTarget
from casewatch.surveys.stats import Metrics, Z, newcombe

FORMULAS = {
    "rate": _(
        "Satisfaction rate = answers in the top %(k)s boxes of their item's scale ÷ valid answers (any "
        "rating on a 3- to 11-point scale; on a scale of k points or fewer, all but the lowest box). "
        "“Don't know / not applicable” answers are excluded and counted separately."
    ),
    "wilson": _("95%% interval (Wilson): (p + z²/2n ± z·√(p(1−p)/n + z²/4n²)) ÷ (1 + z²/n), z = 1.96."),
    "index": _(
        "Index (0–100) = weighted mean over valid answers of the score rescaled linearly to 0–100 on its "
        "own scale, (score − lowest) ÷ (highest − lowest) × 100 (1–5: (score − 1) ÷ 4 × 100; 0–10: score × 10); "
        "weight = item × dimension × agency weight (1 unless the wave sets weights)."
    ),
    "index_ci": _("95%% interval of the index: index ± 1.96 × s ÷ √n_eff, n_eff = (Σw)² ÷ Σw²."),
    "trend": _(
        "Change between waves: difference with Newcombe's interval for rates and ±1.96·√(se1² + se2²) "
        "for indices. Intervals pool answers and ignore clustering within respondents."
    ),
}


@dataclass
class Row:
    key: str
    label: str
    metrics: Metrics
    extra: dict = field(default_factory=dict)


@dataclass
class Change:
    label: str
    rate_delta: float | None
    rate_low: float | None
    rate_high: float | None
    index_delta: float | None
    index_low: float | None
    index_high: float | None


@dataclass
class Results:
    """Everything a results page, the API and a report show for one selection."""

    waves: list[Wave]
    top_box: int
    weights: dict
    overall: Metrics
    by_item: list[Row]
    by_dimension: list[Row]
    by_agency: list[Row]
    by_instrument: list[Row]
    by_district: list[Row]
    by_wave: list[Row]
    by_month: list[Row]
    agency_dimension: dict  # {"agencies": [...], "dimensions": [...], "cells": {(a, d): Metrics}}
    changes: list[Change]
    choices: list[dict]
    numbers: list[dict]
    respondents: dict
    formulas: dict

    def formula_texts(self) -> dict[str, str]:
        """The definitions, with the wave's top-box setting filled in."""
        return {k: str(v) % {"k": self.top_box} for k, v in self.formulas.items()}

    def as_dict(self) -> dict:
        def rows(items):
            return [{"key": r.key, "label": str(r.label), **r.metrics.as_dict(), **r.extra} for r in items]

        return {
            "waves": [{"id": w.pk, "name": w.name} for w in self.waves],
            "top_box": self.top_box,
            "weights": self.weights,
            "overall": self.overall.as_dict(),
            "by_item": rows(self.by_item),
            "by_dimension": rows(self.by_dimension),
            "by_agency": rows(self.by_agency),
            "by_instrument": rows(self.by_instrument),
            "by_district": rows(self.by_district),
            "by_wave": rows(self.by_wave),
            "by_month": rows(self.by_month),
            "changes": [c.__dict__ for c in self.changes],
            "choices": self.choices,
            "numbers": self.numbers,
            "respondents": self.respondents,
            "formulas": self.formula_texts(),
        }


def item_scales(items) -> dict[int, tuple[int, int]]:
    """``item id -> (lowest, highest score)`` of each rating item's choice list (one query)."""
    items = list(items)
    wanted = {(i["instrument_id"], i["list_name"]) for i in items}
    found = {
        (r["instrument_id"], r["list_name"]): (int(r["lo"]), int(r["hi"]))
        for r in Choice.objects.filter(
            instrument_id__in={w[0] for w in wanted},
            list_name__in={w[1] for w in wanted},
            score__isnull=False,
        )
        .values("instrument_id", "list_name")
        .annotate(lo=Min("score"), hi=Max("score"))
    }
    return {i["id"]: found.get((i["instrument_id"], i["list_name"]), (1, 5)) for i in items}


def district_names() -> dict[str, str]:
    from casewatch.analytics.ningbo import CITY_CODE, CITY_NAME, DISTRICTS

    return {CITY_CODE: CITY_NAME} | {code: name for code, (name, _a) in DISTRICTS.items()}


def _weight_fn(weights: dict):
    dim_w = {k: float(v) for k, v in (weights or {}).get("dimension", {}).items()}
    agency_w = {k: float(v) for k, v in (weights or {}).get("agency", {}).items()}

    def weight(item: dict) -> float:
        return item["weight"] * dim_w.get(item["dimension"], 1.0) * agency_w.get(item["agency"], 1.0)

    return weight


#: how long computed results are kept at most (they are also dropped as soon as a response of
#: the waves is added or removed: the responses' count and first/last key are part of the key)
CACHE_SECONDS = 600


def responses_version(wave_ids) -> tuple:
    """What changes whenever a response of the waves is stored or deleted: their count and the
    smallest and largest idempotency key (unique and random, made by the device or the importer,
    so an add or a delete moves at least one of the three). Responses and their answers are
    written once and never edited. One query over the wave's responses."""
    row = Response.objects.filter(wave_id__in=wave_ids).aggregate(
        n=Count("pk"), lo=Min("client_key"), hi=Max("client_key")
    )
    return (row["n"], row["lo"], row["hi"])


def _cache_key(user, waves, filters: dict) -> str:
    from django.utils.translation import get_language

    from casewatch.core.permissions import user_can
    from casewatch.core.querysets import scope_path

    waves_part = [(w.pk, w.top_box, w.weights, str(w.period_start), str(w.period_end), w.name) for w in waves]
    raw = repr(
        (
            scope_path(user) if user_can(user, Action.VIEW) else None,
            get_language(),
            waves_part,
            sorted((k, v) for k, v in filters.items() if v is not None and v != ""),  # unset = absent
            responses_version([w.pk for w in waves]),
        )
    )
    return "surveys:results:" + hashlib.sha256(raw.encode()).hexdigest()


def compute(user, waves: list[Wave], **filters) -> Results:
    """Results for the waves (already scope-checked) and filters, over answers in the user's scope.

    The figures drawn from the answers are computed once per (user's scope, language, waves,
    filters) and kept in the cache until a response of the waves is added or removed
    (`responses_version`) or `CACHE_SECONDS` pass: a wave's page, its results page, the API and
    the reports ask for the same figures again and again while the answers have not changed.
    The respondent counts (sample targets, invitations issued and used) change without a
    response and are cheap, so they are counted afresh on every call. Filters as in
    `compute_uncached`."""
    import dataclasses

    from django.core.cache import cache
    from django.utils.translation import get_language

    key = _cache_key(user, waves, filters)
    found = cache.get(key)
    if found is None:
        found = compute_uncached(user, waves, **filters)
        cache.set(key, found, CACHE_SECONDS)
        return found
    zh = not (get_language() or "zh-hans").startswith("en")
    responses = _responses(user, [w.pk for w in waves], filters)
    return dataclasses.replace(
        found,
        waves=sorted(waves, key=lambda w: (w.period_start, w.pk)),
        respondents=_respondents(user, responses, waves, zh),
    )


def _responses(user, wave_ids, filters: dict):
    """The responses in the user's scope that the filters select (what `_respondents` counts)."""
    responses = Response.objects.restrict(user, Action.VIEW).filter(wave_id__in=wave_ids)
    if filters.get("instrument_id"):
        responses = responses.filter(instrument_id=filters["instrument_id"])
    if filters.get("district"):
        responses = responses.filter(district_code=filters["district"])
    if filters.get("group"):
        responses = responses.filter(respondent_group=filters["group"])
    return responses


def _item_ids(wave_ids, kinds, agency: str = "") -> list[int]:
    """The ids of the items of the given kinds on the instruments the waves' responses used.

    The answer queries filter on these ids instead of joining the item table on its kind: with
    the join PostgreSQL plans one index probe per (response, item) pair whenever its statistics
    of the survey tables are stale (autovacuum off, just loaded) — 334,000 probes, 2 s, for the
    pilot wave's 3,636 responses; with the id list it is one probe per response."""
    instruments = Response.objects.filter(wave_id__in=wave_ids).order_by().values("instrument_id").distinct()
    qs = Item.objects.filter(instrument_id__in=instruments, kind__in=kinds)
    if agency:
        qs = qs.filter(agency=agency)
    return list(qs.values_list("pk", flat=True))


def compute_uncached(
    user,
    waves: list[Wave],
    *,
    instrument_id: int | None = None,
    district: str = "",
    agency: str = "",
    group: str = "",
    top_box: int | None = None,
    weights: dict | None = None,
) -> Results:
    """Results for the waves (already scope-checked) and filters, over answers in the user's scope."""
    wave_ids = [w.pk for w in waves]
    top_box = top_box or (waves[0].top_box if waves else 2)
    weights = weights if weights is not None else (waves[0].weights if waves else {})
    weight = _weight_fn(weights)

    responses = Response.objects.restrict(user, Action.VIEW).filter(wave_id__in=wave_ids)
    answers = Answer.objects.restrict(user, Action.VIEW).filter(response__wave_id__in=wave_ids)
    if instrument_id:
        responses = responses.filter(instrument_id=instrument_id)
        answers = answers.filter(response__instrument_id=instrument_id)
    if district:
        responses = responses.filter(district_code=district)
        answers = answers.filter(response__district_code=district)
    if group:
        responses = responses.filter(respondent_group=group)
        answers = answers.filter(response__respondent_group=group)
    ratings = answers.filter(item_id__in=_item_ids(wave_ids, [ItemKind.LIKERT], agency))

    cells_by_score = (
        ratings.order_by()
        .annotate(month=TruncMonth("response__submitted_on"))
        .values("item_id", "response__wave_id", "response__district_code", "month", "score", "na")
        .annotate(n=Count("pk"))
    )
    blocks: dict[tuple, dict] = {}
    for r in cells_by_score:
        key = (r["item_id"], r["response__wave_id"], r["response__district_code"], r["month"])
        block = blocks.setdefault(
            key,
            {
                "item_id": key[0],
                "response__wave_id": key[1],
                "response__district_code": key[2],
                "month": key[3],
                "na": 0,
                "counts": {},
            },
        )
        if r["na"] or r["score"] is None:
            block["na"] += r["n"]
        else:
            block["counts"][r["score"]] = block["counts"].get(r["score"], 0) + r["n"]
    grain = list(blocks.values())
    item_ids = {r["item_id"] for r in grain}
    items = {
        i["id"]: i
        for i in Item.objects.filter(pk__in=item_ids).values(
            "id",
            "name",
            "label_zh",
            "label_en",
            "dimension",
            "agency",
            "weight",
            "instrument_id",
            "position",
            "instrument__title_zh",
            "instrument__title_en",
            "instrument__version",
            "list_name",
        )
    }
    scales = item_scales(items.values())
    from django.utils.translation import get_language

    zh = not (get_language() or "zh-hans").startswith("en")

    def label(row, field):
        return (
            (row[f"{field}_zh"] or row[f"{field}_en"]) if zh else (row[f"{field}_en"] or row[f"{field}_zh"])
        )

    groups: dict[str, dict] = defaultdict(lambda: defaultdict(lambda: Metrics(top_box=top_box)))
    overall = Metrics(top_box=top_box)
    cells: dict[tuple, Metrics] = defaultdict(lambda: Metrics(top_box=top_box))
    for row in grain:
        item = items[row["item_id"]]
        w = weight(item)
        sc = scales[row["item_id"]]
        overall.add(row, w, sc)
        groups["item"][row["item_id"]].add(row, w, sc)
        groups["dimension"][item["dimension"] or "-"].add(row, w, sc)
        groups["agency"][item["agency"] or "-"].add(row, w, sc)
        groups["instrument"][item["instrument_id"]].add(row, w, sc)
        groups["district"][row["response__district_code"]].add(row, w, sc)
        groups["wave"][row["response__wave_id"]].add(row, w, sc)
        month = row["month"]
        groups["month"][month.strftime("%Y-%m") if month else "-"].add(row, w, sc)
        cells[(item["agency"] or "-", item["dimension"] or "-")].add(row, w, sc)

    dim_labels = dict(Dimension.choices) | {"-": _("(none)")}
    agency_labels = dict(Agency.choices) | {"-": _("General (no agency)")}
    districts = district_names()

    by_item = [
        Row(
            items[pk]["name"],
            label(items[pk], "label"),
            m,
            {
                "dimension": items[pk]["dimension"],
                "agency": items[pk]["agency"],
                "instrument": label(items[pk], "instrument__title"),
            },
        )
        for pk, m in sorted(
            groups["item"].items(), key=lambda kv: (items[kv[0]]["instrument_id"], items[kv[0]]["position"])
        )
    ]
    dim_order = {d: n for n, d in enumerate(list(Dimension.values) + ["-"])}
    agency_order = {a: n for n, a in enumerate(list(Agency.values) + ["-"])}
    by_dimension = [
        Row(k, dim_labels.get(k, k), m)
        for k, m in sorted(groups["dimension"].items(), key=lambda kv: dim_order.get(kv[0], 99))
    ]
    by_agency = [
        Row(k, agency_labels.get(k, k), m)
        for k, m in sorted(groups["agency"].items(), key=lambda kv: agency_order.get(kv[0], 99))
    ]
    instrument_titles = {
        i["instrument_id"]: f"{label(i, 'instrument__title')} v{i['instrument__version']}"
        for i in items.values()
    }
    by_instrument = [
        Row(str(k), instrument_titles.get(k, str(k)), m) for k, m in sorted(groups["instrument"].items())
    ]
    by_district = [Row(k, districts.get(k, k), m) for k, m in sorted(groups["district"].items())]
    ordered_waves = sorted(waves, key=lambda w: (w.period_start, w.pk))
    by_wave = [
        Row(str(w.pk), w.name, groups["wave"][w.pk], {"period": f"{w.period_start}–{w.period_end}"})
        for w in ordered_waves
        if w.pk in groups["wave"]
    ]
    by_month = [Row(k, k, m) for k, m in sorted(groups["month"].items())]

    changes = []
    for before, after in zip(by_wave, by_wave[1:], strict=False):
        a, b = before.metrics, after.metrics
        d, lo, hi = newcombe(a.satisfied, a.n, b.satisfied, b.n)
        idx = ilo = ihi = None
        if a.index is not None and b.index is not None:
            idx = b.index - a.index
            if a.index_se is not None and b.index_se is not None:
                half = Z * math.sqrt(a.index_se**2 + b.index_se**2)
                ilo, ihi = idx - half, idx + half
        changes.append(Change(f"{before.label} → {after.label}", d, lo, hi, idx, ilo, ihi))

    present_agencies = [a for a in list(Agency.values) + ["-"] if any(k[0] == a for k in cells)]
    present_dims = [d for d in list(Dimension.values) + ["-"] if any(k[1] == d for k in cells)]
    matrix = {
        "agencies": [(a, agency_labels[a]) for a in present_agencies],
        "dimensions": [(d, dim_labels[d]) for d in present_dims],
        "cells": dict(cells),
        "rows": [
            {"key": a, "label": agency_labels[a], "cells": [cells.get((a, d)) for d in present_dims]}
            for a in present_agencies
        ],
    }

    choices = _choice_distributions(answers, zh, wave_ids)
    numbers = _numbers(answers, zh, wave_ids)
    respondents = _respondents(user, responses, waves, zh)
    return Results(
        waves=ordered_waves,
        top_box=top_box,
        weights=weights or {},
        overall=overall,
        by_item=by_item,
        by_dimension=by_dimension,
        by_agency=by_agency,
        by_instrument=by_instrument,
        by_district=by_district,
        by_wave=by_wave,
        by_month=by_month,
        agency_dimension=matrix,
        changes=changes,
        choices=choices,
        numbers=numbers,
        respondents=respondents,
        formulas=FORMULAS,
    )


def _choice_distributions(answers, zh: bool, wave_ids) -> list[dict]:
    """Counts per option of single- and multiple-choice items; shares of the item's respondents."""
    ids = _item_ids(wave_ids, [ItemKind.SELECT_ONE, ItemKind.SELECT_MULTIPLE])
    qs = answers.filter(item_id__in=ids).order_by()
    counts = list(qs.values("item_id", "value").annotate(n=Count("pk")))
    if not counts:
        return []
    bases = dict(
        qs.values("item_id").annotate(r=Count("response_id", distinct=True)).values_list("item_id", "r")
    )
    items = {i.pk: i for i in Item.objects.filter(pk__in=bases)}
    labels = {
        (c.instrument_id, c.list_name, c.name): c.label
        for c in Choice.objects.filter(instrument_id__in={i.instrument_id for i in items.values()})
    }
    out: dict[int, dict] = {}
    for row in counts:
        item = items[row["item_id"]]
        entry = out.setdefault(
            item.pk,
            {
                "item": item.name,
                "label": item.label,
                "kind": item.kind,
                "respondents": bases[item.pk],
                "position": (item.instrument_id, item.position),
                "options": [],
            },
        )
        entry["options"].append(
            {
                "value": row["value"],
                "label": labels.get((item.instrument_id, item.list_name, row["value"]), row["value"]),
                "n": row["n"],
                "share": row["n"] / bases[item.pk] if bases[item.pk] else None,
            }
        )
    result = sorted(out.values(), key=lambda e: e["position"])
    for entry in result:
        entry.pop("position")
        entry["options"].sort(key=lambda o: -o["n"])
    return result


def _numbers(answers, zh: bool, wave_ids) -> list[dict]:
    qs = answers.filter(item_id__in=_item_ids(wave_ids, [ItemKind.INTEGER, ItemKind.DECIMAL])).order_by()
    rows = list(
        qs.values("item_id").annotate(
            n=Count("pk"), mean=Avg("number"), low=Min("number"), high=Max("number")
        )
    )
    items = {i.pk: i for i in Item.objects.filter(pk__in=[r["item_id"] for r in rows])}
    return [
        {
            "item": items[r["item_id"]].name,
            "label": items[r["item_id"]].label,
            "n": r["n"],
            "mean": r["mean"],
            "low": r["low"],
            "high": r["high"],
        }
        for r in sorted(rows, key=lambda r: (items[r["item_id"]].instrument_id, items[r["item_id"]].position))
    ]


def _respondents(user, responses, waves, zh: bool) -> dict:
    """Responses per group (against the wave's sample sizes) and invitations issued and used."""
    by_group: dict[str, int] = defaultdict(int)
    by_district: dict[str, int] = defaultdict(int)
    by_channel: dict[str, int] = defaultdict(int)
    for row in (
        responses.order_by().values("respondent_group", "district_code", "channel").annotate(n=Count("pk"))
    ):  # one pass for the three counts
        by_group[row["respondent_group"]] += row["n"]
        by_district[row["district_code"]] += row["n"]
        by_channel[row["channel"]] += row["n"]
    targets: dict[str, int] = defaultdict(int)
    for t in WaveTarget.objects.filter(wave__in=waves).only("respondent_group", "sample_size"):
        targets[t.respondent_group] += t.sample_size
    issued: dict[str, int] = {}
    used: dict[str, int] = {}
    for row in (
        Token.objects.restrict(user, Action.VIEW)
        .filter(wave__in=waves)
        .order_by()
        .values("respondent_group")
        .annotate(n=Count("pk"), used=Count("pk", filter=Q(used=True)))
    ):
        issued[row["respondent_group"]], used[row["respondent_group"]] = row["n"], row["used"]
    group_labels = dict(RespondentGroup.choices)
    rows = []
    for key in RespondentGroup.values:
        if not (by_group.get(key) or targets.get(key) or issued.get(key)):
            continue
        rows.append(
            {
                "key": key,
                "label": group_labels[key],
                "responses": by_group.get(key, 0),
                "target": targets.get(key, 0),
                "achieved": by_group.get(key, 0) / targets[key] if targets.get(key) else None,
                "issued": issued.get(key, 0),
                "used": used.get(key, 0),
                "response_rate": used.get(key, 0) / issued[key] if issued.get(key) else None,
            }
        )
    names = district_names()
    return {
        "total": sum(by_group.values()),
        "groups": rows,
        "districts": [{"code": k, "label": names.get(k, k), "n": v} for k, v in sorted(by_district.items())],
        "channels": dict(by_channel),
    }

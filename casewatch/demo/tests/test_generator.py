"""Tests of the demo-city generator (no Django: run with ``-p no:django``).

The heart of the suite is ``screen()``: an independent, deliberately naive reading of every rule in
``docs/rule-catalogue.md`` written from the catalogue text, not from the generator. Run on a
generated city it must find exactly the planted problems — precision and recall 1.0 — which is the
promise the ground truth makes to the rule engine. The other tests pin the import contract
(schema, keys, references, event dates) and the calibration figures.
"""

from __future__ import annotations

import calendar
import csv
import hashlib
import json
import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from casewatch.analytics import ningbo
from casewatch.analytics.schema import ENUMS, TABLES, arrow_schema
from casewatch.demo.generator import generate, main
from casewatch.demo.parties import id_check_digit, org_code_check_char, uscc_check_char

AS_OF = date(2026, 9, 30)
N = 5_000
RULES = [
    "CR-01",
    "CR-02",
    "CR-03",
    "CR-04",
    "CR-05",
    "PR-01",
    "PR-02",
    "PR-03",
    "PR-04",
    "PR-05",
    "PR-06",
    "PL-01",
    "PO-01",
    "PO-02",
    "PO-03",
    "CV-01",
    "CV-02",
    "CV-03",
    "CV-04",
    "CV-05",
    "CV-06",
    "CT-01",
    "AD-01",
    "EN-01",
    "EN-02",
    "PP-01",
    "PP-02",
    "PP-03",
    "PP-04",
    "DE-04",
    "DE-05",
]


@pytest.fixture(scope="module")
def city(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("city")
    generate(N, 7, out, AS_OF)
    return out


@pytest.fixture(scope="module")
def tables(city) -> dict[str, pl.DataFrame]:
    return {t: pl.read_parquet(city / f"{t}.parquet") for t in TABLES}


@pytest.fixture(scope="module")
def truth(city) -> pl.DataFrame:
    return pl.read_csv(city / "ground_truth.csv", infer_schema=False)


def _digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


# ---------------------------------------------------------------------------------------------
# determinism, formats, CLI
# ---------------------------------------------------------------------------------------------


def test_same_seed_same_bytes_other_seed_other_bytes(tmp_path):
    generate(2_000, 11, tmp_path / "a", AS_OF)
    generate(2_000, 11, tmp_path / "b", AS_OF)
    generate(2_000, 12, tmp_path / "c", AS_OF)
    a, b, c = _digest(tmp_path / "a"), _digest(tmp_path / "b"), _digest(tmp_path / "c")
    assert a == b
    assert len(a) == 24  # 12 case tables, 10 enforcement tables (demo/enforcement.py), ground truth, manifest
    assert a["units.parquet"] == c["units.parquet"]  # the organisation tree is not random
    for name in ("cases.parquet", "events.parquet", "parties.parquet", "ground_truth.csv"):
        assert a[name] != c[name], name


def test_csv_and_jsonl_carry_the_same_rows(tmp_path):
    m_pq = generate(1_000, 3, tmp_path / "pq", AS_OF)
    m_csv = generate(1_000, 3, tmp_path / "csv", AS_OF, fmt="csv")
    m_js = generate(1_000, 3, tmp_path / "js", AS_OF, fmt="jsonl")
    assert m_pq["rows"] == m_csv["rows"] == m_js["rows"]
    for t in TABLES:
        with (tmp_path / "csv" / f"{t}.csv").open(encoding="utf-8") as fh:
            assert next(csv.reader(fh)) == TABLES[t].names
        lines = (tmp_path / "js" / f"{t}.jsonl").read_text(encoding="utf-8").splitlines()
        assert len(lines) == m_pq["rows"][t]
        if lines:
            assert list(json.loads(lines[0])) == TABLES[t].names
    first = pl.read_csv(tmp_path / "csv" / "cases.csv", infer_schema=False).row(0, named=True)
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", first["filed_at"])
    ev = pl.read_csv(tmp_path / "csv" / "events.csv", infer_schema=False)
    assert ev["occurred_at"].str.contains(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$").all()


def test_cli_writes_manifest(tmp_path, capsys):
    assert main(["--cases", "500", "--seed", "5", "--out", str(tmp_path), "--as-of", "2026-06-30"]) == 0
    manifest = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["n_cases"] == 500 and manifest["seed"] == 5 and manifest["as_of"] == "2026-06-30"
    assert manifest["rows"]["cases"] == 500
    assert json.loads(capsys.readouterr().out)["cases"] == 500


@pytest.mark.parametrize("n", [1, 37, 400])
def test_small_cities_are_consistent(tmp_path, n):
    """Tiny cities (e.g. ``casewatch demo-data --cases 1``) keep the exact count and the contract."""
    generate(n, 9, tmp_path, AS_OF)
    t = {name: pl.read_parquet(tmp_path / f"{name}.parquet") for name in TABLES}
    assert t["cases"].height == n
    truth = pl.read_csv(tmp_path / "ground_truth.csv", infer_schema=False)
    planted = {
        tuple(r)
        for r in truth.filter(~pl.col("kind").str.starts_with("FL-"))
        .select("kind", "unit_code", "case_number", "subject")
        .iter_rows()
    }
    assert screen(t, AS_OF) == planted
    ev = t["events"].join(t["cases"], on=["unit_code", "case_number"], how="anti")
    assert ev.height == 0


def test_rejects_bad_arguments(tmp_path):
    with pytest.raises(ValueError):
        generate(5_000, 1, tmp_path, fmt="xlsx")
    with pytest.raises(ValueError):
        generate(0, 1, tmp_path)


# ---------------------------------------------------------------------------------------------
# import contract: schema, keys, references, enums, event dates
# ---------------------------------------------------------------------------------------------


def test_every_table_has_exactly_the_canonical_schema(city):
    """Names, order, types and nullability match ``arrow_schema``.

    Parquet has no second-resolution timestamp, so ``timestamp[s]`` columns come back as
    ``timestamp[ms]``; they must hold whole seconds and cast back without loss.
    """
    for t in TABLES:
        want = arrow_schema(t)
        got = pq.read_schema(city / f"{t}.parquet").remove_metadata()
        normalised = pa.schema(
            [f.with_type(pa.timestamp("s")) if pa.types.is_timestamp(f.type) else f for f in got]
        )
        assert normalised.equals(want), t
        table = pq.read_table(city / f"{t}.parquet")
        assert table.cast(want, safe=True).schema.equals(want), t


def test_manifest_counts_rows(city, tables):
    manifest = json.loads((city / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["n_cases"] == N and manifest["as_of"] == AS_OF.isoformat()
    assert manifest["rows"] == {t: df.height for t, df in tables.items()}
    assert tables["cases"].height == N


def test_keys_are_unique_and_required_columns_filled(tables):
    for name, t in TABLES.items():
        df = tables[name]
        assert df.select(t.key).is_duplicated().sum() == 0, name
        for c in t.columns:
            if c.required:
                assert df[c.name].null_count() == 0, (name, c.name)


def test_enum_columns_hold_allowed_values(tables):
    for name, t in TABLES.items():
        for c in t.columns:
            if c.enum:
                values = set(tables[name][c.name].drop_nulls().unique().to_list())
                assert values <= set(ENUMS[c.enum]), (name, c.name, values - set(ENUMS[c.enum]))


def test_references_resolve(tables):
    for name, t in TABLES.items():
        for cols, other, theirs in t.references:
            left = tables[name].select(cols).drop_nulls()
            right = (
                tables[other].select([pl.col(a).alias(b) for a, b in zip(theirs, cols, strict=True)]).unique()
            )
            missing = left.join(right, on=list(cols), how="anti")
            assert missing.height == 0, (name, cols, missing.head(3))
    cp, parties = tables["case_parties"], tables["parties"]
    ids = set(parties["party_id"].to_list())
    assert set(cp["represents_party_id"].drop_nulls().to_list()) <= ids
    assert set(tables["events"]["person_party_id"].drop_nulls().to_list()) <= ids
    assert set(tables["petitions"]["petitioner_party_id"].to_list()) <= ids
    assert set(parties["legal_rep_party_id"].drop_nulls().to_list()) <= ids
    staff = set(tables["staff"]["staff_no"].to_list())
    assert set(tables["events"]["actor_staff_no"].drop_nulls().to_list()) <= staff
    assert set(tables["property_items"]["custodian_staff_no"].to_list()) <= staff
    linked = tables["petitions"].filter(pl.col("case_number").is_not_null())
    assert linked.join(tables["cases"], on=["unit_code", "case_number"], how="anti").height == 0
    assert set(tables["matters"]["matter_id"].to_list()) >= set(tables["cases"]["matter_id"].to_list())


def test_derived_columns(tables):
    c = tables["cases"]
    assert (c["case_key"] == c["unit_code"] + "/" + c["case_number"]).all()
    assert (c["year"] == c["case_number"].str.extract(r"[（〔](\d{4})[）〕]", 1).cast(pl.Int64)).all()
    units = tables["units"].select(pl.col("code").alias("unit_code"), "division_code", "agency_kind")
    court = c.join(units, on="unit_code").filter(pl.col("agency_kind") == "court")
    assert court.height > 0 and (court["court_division_code"] == court["division_code"]).all()
    assert (
        c.join(units, on="unit_code")
        .filter(pl.col("agency_kind") != "court")["court_division_code"]
        .null_count()
        == c.height - court.height
    )


def test_events_lie_inside_their_case_life(tables):
    before_ok = {"received", "detained", "questioning_start", "questioning_end"}
    after_ok = {
        "appealed",
        "remanded",
        "reversed",
        "closed",
        "funds_released",
        "delisted",
        "released",
        "listed_dishonest",
        "performed",
    }
    ev = tables["events"].join(
        tables["cases"].select("unit_code", "case_number", "filed_at", "closed_at"),
        on=["unit_code", "case_number"],
    )
    day = pl.col("occurred_at").dt.date()
    early = ev.filter((day < pl.col("filed_at")) & ~pl.col("kind").is_in(list(before_ok)))
    late = ev.filter((day > pl.col("closed_at")) & ~pl.col("kind").is_in(list(after_ok)))
    assert early.height == 0, early.head(3)
    assert late.height == 0, late.head(3)
    assert ev.filter(day > AS_OF).height == 0
    c = tables["cases"]
    assert c.filter(pl.col("closed_at") < pl.col("filed_at")).height == 0
    assert c["filed_at"].min() >= date(2024, 1, 1) and c["closed_at"].max() <= AS_OF
    assert c["received_at"].min() >= date(2024, 1, 1)
    assert ev["occurred_at"].min() >= datetime(2024, 1, 1)
    assert tables["property_items"]["seized_at"].min() >= datetime(2024, 1, 1)
    assert (
        c.filter(
            pl.col("status").is_in(["closed", "transferred", "revoked"]) & pl.col("closed_at").is_null()
        ).height
        == 0
    )
    assert c.filter((pl.col("status") == "pending") & pl.col("closed_at").is_not_null()).height == 0


def test_case_numbers_follow_the_official_formats(tables):
    c = tables["cases"]
    patterns = {
        "civil": r"^（20\d\d）浙02(\d\d)?民[初终]\d+号$",
        "criminal": r"^（20\d\d）浙02(\d\d)?刑初\d+号$",
        "administrative": r"^（20\d\d）浙02\d\d行初\d+号$",
        "enforcement": r"^（20\d\d）浙02\d\d执\d+号$",
        "police_criminal": r"^甬.?公\(刑\)立字〔20\d\d〕\d{5}号$",
        "police_public_order": r"^甬.公\(治\)行受字〔20\d\d〕\d{5}号$",
        "prosecution_review": r"^甬.?检刑诉〔20\d\d〕\d+号$",
    }
    for case_type, pattern in patterns.items():
        numbers = c.filter(pl.col("case_type") == case_type)["case_number"]
        assert numbers.len() > 0 and numbers.str.contains(pattern).all(), case_type
    abbr = {k: v[1] for k, v in ningbo.DISTRICTS.items()}
    police = c.filter(
        (pl.col("case_type") == "police_criminal") & pl.col("unit_code").str.starts_with("330212")
    )
    assert police["case_number"].str.starts_with("甬" + abbr["330212"]).all()
    # serial numbers never repeat inside an agency, type and year
    agency = pl.col("unit_code").str.split("-").list.slice(0, 2).list.join("-")
    serial = pl.col("case_number").str.extract(r"(\d+)号$", 1).alias("serial")
    kind = pl.col("case_number").str.replace(r"\d+号$", "").str.replace_all(r"\d{4}", "Y").alias("kind")
    assert c.select(agency, kind, "year", serial).is_duplicated().sum() == 0


def test_identity_numbers_are_valid(tables):
    p = tables["parties"]
    persons = p.filter(pl.col("kind") == "person")
    assert persons.height > 1_000
    for row in persons.iter_rows(named=True):
        n = row["id_number"]
        assert row["party_id"] == n and re.fullmatch(r"\d{17}[\dX]", n)
        assert id_check_digit(n[:17]) == n[17], n
        assert n[6:14] == row["birth_date"].strftime("%Y%m%d")
        assert (int(n[16]) % 2 == 1) == (row["sex"] == "M")
        assert re.fullmatch(r"1[3-9]\d{9}", row["phone"])
    orgs = p.filter(pl.col("kind") == "organisation")
    assert orgs.height > 50
    for row in orgs.iter_rows(named=True):
        code = row["credit_code"]
        assert row["party_id"] == code and len(code) == 18
        assert uscc_check_char(code[:17]) == code[17], code
        assert org_code_check_char(code[8:16]) == code[16], code
        assert row["legal_rep_party_id"] is not None
    # spot-check the checksum helpers against published examples
    assert id_check_digit("11010519491231002") == "X"
    assert uscc_check_char("91350100M000100Y4") == "3"


def test_addresses_use_real_township_names(tables):
    streets = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "divisions" / "streets.csv"
    if not streets.is_file():
        pytest.skip("shared division tables not available")
    names = (
        pl.read_csv(streets, schema_overrides={"areaCode": pl.Utf8})
        .filter(pl.col("areaCode").str.starts_with("3302"))["name"]
        .to_list()
    )
    addr = tables["parties"]["address"]
    assert addr.str.starts_with("浙江省宁波市").all()
    assert addr.str.contains("|".join(names)).mean() > 0.99
    assert set(tables["parties"]["division_code"].unique().to_list()) <= set(ningbo.DISTRICTS)


# ---------------------------------------------------------------------------------------------
# calibration
# ---------------------------------------------------------------------------------------------


def test_single_track_share(tables):
    share = tables["transfers"]["electronic"].mean()
    assert 0.85 <= share <= 0.95, share


def test_plea_leniency_share_of_concluded_reviews(tables):
    pr = tables["cases"].filter(
        (pl.col("case_type") == "prosecution_review") & (pl.col("status") == "closed")
    )
    assert pr.height > 200
    share = pr["plea_leniency"].mean()
    assert 0.84 <= share <= 0.90, share
    # and by persons (suspects of those cases)
    sus = tables["case_parties"].filter(pl.col("role") == "suspect").join(pr, on=["unit_code", "case_number"])
    assert 0.82 <= sus["plea_leniency"].mean() <= 0.92


def test_mix_covers_every_district_and_case_type(tables):
    c = tables["cases"]
    assert set(c["case_type"].unique().to_list()) == set(ENUMS["case_type"]) - {"petition"}
    assert set(c["unit_code"].str.slice(0, 6).unique().to_list()) == set(ningbo.DISTRICTS) | {
        ningbo.CITY_CODE
    }
    civil = c.filter(pl.col("case_type") == "civil")
    assert civil.height > c.height * 0.4
    assert set(civil["outcome"].drop_nulls().unique().to_list()) >= {
        "mediation",
        "withdrawal",
        "judgment",
        "default_judgment",
    }
    # matters flow across agencies: police -> prosecution -> trial share a matter id
    chains = c.filter(pl.col("matter_id").is_not_null()).group_by("matter_id").agg(pl.col("case_type"))
    full = chains.filter(
        pl.col("case_type").list.contains("criminal") & pl.col("case_type").list.contains("police_criminal")
    )
    assert full.height > 50
    # custodians are never the handler, except the PP-02 plants
    items = tables["property_items"].join(
        c.select("unit_code", "case_number", "handler_staff_no"), on=["unit_code", "case_number"]
    )
    assert items.filter(pl.col("custodian_staff_no") == pl.col("handler_staff_no")).height == 3
    # repeat litigants: some plaintiffs appear in many cases
    counts = tables["case_parties"].filter(pl.col("role") == "plaintiff").group_by("party_id").len()
    assert counts["len"].max() >= 20


def test_plant_counts_scale_with_the_rule_population(tmp_path):
    """plant_rate x the rule's population, not a fixed floor (CV-01, CV-06: civil first instance)."""
    m = generate(3_000, 4, tmp_path, AS_OF, plant_rate=0.02)
    cases = pl.read_parquet(tmp_path / "cases.parquet")
    civil_first = cases.filter((pl.col("case_type") == "civil") & (pl.col("instance") == 1)).height
    public_order = cases.filter(pl.col("case_type") == "police_public_order").height
    assert m["ground_truth"]["CV-01"] == m["ground_truth"]["CV-06"] == round(0.02 * civil_first)
    assert m["ground_truth"]["PO-03"] == round(0.02 * public_order)


def test_every_rule_is_planted(truth):
    kinds = truth["kind"].value_counts()
    got = dict(zip(kinds["kind"], kinds["count"], strict=True))
    for rule in RULES:
        assert got.get(rule, 0) >= 3, rule
    assert not {"DE-01", "DE-02", "DE-03"} & set(got)
    assert any(k.startswith("FL-") for k in got)


# ---------------------------------------------------------------------------------------------
# the independent screen: every rule of docs/rule-catalogue.md, read literally
# ---------------------------------------------------------------------------------------------


def _add_months(d: date, months: int) -> date:
    y, m = divmod(d.month - 1 + months, 12)
    y += d.year
    return date(y, m + 1, min(d.day, calendar.monthrange(y, m + 1)[1]))


def _shift(d: date) -> date:
    """Move a due date that falls on a holiday or weekend to the next working day."""
    try:
        import chinese_calendar as cc
    except ImportError:  # pragma: no cover
        return d
    try:
        while not cc.is_workday(d):
            d += timedelta(days=1)
    except NotImplementedError:  # years the calendar does not cover
        while d.weekday() >= 5:
            d += timedelta(days=1)
    return d


@dataclass(frozen=True)
class Reading:
    """Points where a careful implementer could read the catalogue differently.

    The plants keep a margin wide enough that every combination gives the same findings.
    """

    excl_adjust: int = 0  # days inside [start, end]: end - start (+1 inclusive, -1 exclusive)
    shift: bool = True  # holiday-shift court due dates
    by_date: bool = False  # CR-01/02, PP-01/03, EN-02: compare calendar dates, not timestamps
    #: case types where an extension's new_due_date gets the excluded days added on top
    ext_plus_excl: tuple[str, ...] = ("criminal", "enforcement")
    cv03_shifted: bool = True  # CV-03: compare with the holiday-shifted due date


#: "catalogue" follows the implementation notes of docs/rule-catalogue.md; the others move every
#: open point the other way.
READINGS = {
    "catalogue": Reading(),
    "inclusive-days-no-shift": Reading(
        excl_adjust=1, shift=False, by_date=True, ext_plus_excl=(), cv03_shifted=False
    ),
    "exclusive-days": Reading(
        excl_adjust=-1, ext_plus_excl=("civil", "criminal", "administrative", "enforcement")
    ),
}

EXCL = [
    ("public_notice_start", "public_notice_end"),
    ("appraisal_start", "appraisal_end"),
    ("settlement_start", "settlement_end"),
    ("jurisdiction_objection_start", "jurisdiction_objection_end"),
    ("suspended", "resumed"),
]


def _excluded_days(evs: list[dict], end: date, adjust: int = 0) -> int:
    total = 0
    for a, b in EXCL:
        starts = sorted(e["occurred_at"].date() for e in evs if e["kind"] == a)
        ends = sorted(e["occurred_at"].date() for e in evs if e["kind"] == b)
        for s in starts:
            e = next((x for x in ends if x >= s), end)
            total += max(0, (e - s).days + adjust)
    return total


def _court_limit(case: dict, base: date, evs: list[dict], as_of: date, r: Reading) -> tuple[date, date]:
    """(due date, end date) for CV-02 / CT-01 / AD-01 / EN-01."""
    end = case["closed_at"] or as_of
    exts = [e["new_due_date"] for e in evs if e["kind"] == "trial_limit_extended"]
    excluded = timedelta(days=_excluded_days(evs, end, r.excl_adjust))
    plus = excluded if case["case_type"] in r.ext_plus_excl else timedelta(0)
    due = (max(exts) + plus) if exts else base + excluded
    return (_shift(due) if r.shift else due), end


def screen(
    t: dict[str, pl.DataFrame], as_of: date, reading: Reading = Reading()
) -> set[tuple[str, str, str, str]]:
    """Every finding of the catalogue's rules (except DE-01..03) as (rule, unit, case number, subject)."""
    cases = {(r["unit_code"], r["case_number"]): r for r in t["cases"].iter_rows(named=True)}
    events: dict[tuple, list[dict]] = defaultdict(list)
    for e in t["events"].sort("unit_code", "case_number", "seq").iter_rows(named=True):
        events[(e["unit_code"], e["case_number"])].append(e)
    roles: dict[tuple, set] = defaultdict(set)
    for r in t["case_parties"].iter_rows(named=True):
        roles[(r["unit_code"], r["case_number"])].add(r["role"])
    out: set[tuple[str, str, str, str]] = set()
    day = timedelta(days=1)

    def hit(rule: str, key: tuple, subject) -> None:
        out.add((rule, key[0], key[1], str(subject)))

    def longer(a: datetime, b: datetime, limit: timedelta) -> bool:
        """b - a > limit, in timestamps or (reading.by_date) in whole calendar days."""
        return (b.date() - a.date()) > limit if reading.by_date else (b - a) > limit

    for key, c in cases.items():
        evs = events[key]
        kinds = [e["kind"] for e in evs]
        ct, proc, filed, end = c["case_type"], c["procedure"], c["filed_at"], c["closed_at"] or as_of
        if c["status"] == "closed" and (c["closed_at"] is None or c["outcome"] is None):
            hit("DE-04", key, "case")
        if c["status"] == "pending" and {
            "judgment_pronounced",
            "mediation_concluded",
            "withdrawn",
            "closed",
        } & set(kinds):
            hit("DE-05", key, "case")
        if ct == "police_criminal":
            by_person: dict[str, list[dict]] = defaultdict(list)
            for e in evs:
                if e["person_party_id"]:
                    by_person[e["person_party_id"]].append(e)
            for person, pe in by_person.items():
                det = [e for e in pe if e["kind"] == "detained"]
                req = [e for e in pe if e["kind"] == "arrest_requested"]
                if det and req:
                    limit = {"special": 7, "major_roving": 30}.get(req[0]["reason"], 3)
                    if longer(det[0]["occurred_at"], req[0]["occurred_at"], limit * day):
                        hit("CR-01", key, person)
                if req:
                    dec = [e for e in pe if e["kind"] in ("arrest_approved", "arrest_denied")]
                    if dec and longer(req[0]["occurred_at"], dec[0]["occurred_at"], 7 * day):
                        hit("CR-02", key, person)
                for d in det:
                    if not any(
                        e["kind"] == "family_notified"
                        and timedelta(0) <= e["occurred_at"] - d["occurred_at"] <= timedelta(hours=24)
                        for e in pe
                    ):
                        hit("CR-04", key, person)
                approved = [e for e in pe if e["kind"] == "arrest_approved"]
                if approved:
                    arrest = approved[0]["occurred_at"]
                    due = _add_months(arrest.date(), 2)
                    for x in sorted(
                        (e for e in pe if e["kind"] == "custody_extended"), key=lambda e: e["approved_at"]
                    ):
                        if x["approved_at"].date() > due:
                            hit("CR-05", key, x["seq"])
                        else:
                            due = max(due, x["new_due_date"])
                    ends = [
                        e["occurred_at"].date()
                        for e in pe
                        if e["kind"] in ("transferred_for_prosecution", "released", "bail")
                        and e["occurred_at"] >= arrest
                    ]
                    if (min(ends) if ends else as_of) > due:
                        hit("CR-03", key, person)
        elif ct == "prosecution_review":
            rec = [e for e in evs if e["kind"] == "review_received"]
            last = rec[-1]["occurred_at"] if rec else None
            decision = next(
                (
                    e["occurred_at"].date()
                    for e in evs
                    if e["kind"] in ("indicted", "not_prosecuted") and last and e["occurred_at"] >= last
                ),
                None,
            )
            if last and proc != "expedited":
                due = _add_months(last.date(), 1) + (
                    timedelta(days=15) if "review_extended" in kinds else timedelta(0)
                )
                if (decision or as_of) > (_shift(due) if reading.shift else due):
                    hit("PR-01", key, "case")
            if last and proc == "expedited" and ((decision or as_of) - last.date()).days > 15:
                hit("PR-06", key, "case")
            for e in evs:
                if e["kind"] == "plea_statement_signed":
                    if e["lawyer_present"] is not True:
                        hit("PR-02", key, e["seq"])
                    if e["recorded"] is not True:
                        hit("PR-03", key, e["seq"])
            if kinds.count("returned_for_supplementary_investigation") > 2:
                hit("PR-04", key, "case")
            if (
                c["plea_leniency"]
                and c["status"] == "closed"
                and c["outcome"] == "indicted"
                and "plea_statement_signed" not in kinds
            ):
                hit("PR-05", key, "case")
            if c["plea_leniency"] and not {"defence_counsel", "duty_lawyer"} & roles[key]:
                hit("PL-01", key, "case")
        elif ct == "police_public_order":
            for e in evs:
                if (
                    e["kind"] == "injury_appraisal"
                    and e["result"] in ("minor", "serious")
                    and c["status"] != "transferred"
                ):
                    hit("PO-01", key, e["seq"])
            limit = 60 if "public_order_extended" in kinds else 30
            appraisal = _excluded_days(
                [e for e in evs if e["kind"] in ("appraisal_start", "appraisal_end")],
                end,
                reading.excl_adjust,
            )
            if (end - filed).days - appraisal > limit:
                hit("PO-02", key, "case")
            for i, e in enumerate(evs):
                if e["kind"] == "questioning_start":
                    nxt = next((x for x in evs[i + 1 :] if x["kind"] == "questioning_end"), None)
                    hours = 24 if e["reason"] == "detention_possible" else 8
                    if nxt and nxt["occurred_at"] - e["occurred_at"] > timedelta(hours=hours):
                        hit("PO-03", key, e["seq"])
        elif ct in ("civil", "criminal", "administrative", "enforcement"):
            first = c["instance"] == 1
            if ct == "civil":
                months = {"ordinary": 6, "simplified": 3, "small_claims": 2}.get(proc)
                base = _add_months(filed, months) if months else None
            elif ct == "criminal":
                base = {
                    "ordinary": _add_months(filed, 3),
                    "simplified": filed + 20 * day,
                    "expedited": filed + 10 * day,
                }.get(proc)
            elif ct == "administrative":
                base = _add_months(filed, 6) if proc == "ordinary" else filed + 45 * day
            else:
                base = _add_months(filed, 6)
            if base and first:
                due, stop = _court_limit(c, base, evs, as_of, reading)
                rule = {
                    "civil": "CV-02",
                    "criminal": "CT-01",
                    "administrative": "AD-01",
                    "enforcement": "EN-01",
                }[ct]
                if stop > due:
                    hit(rule, key, "case")
            prev = base + timedelta(days=_excluded_days(evs, end, reading.excl_adjust)) if base else None
            for e in sorted(
                (e for e in evs if e["kind"] == "trial_limit_extended"), key=lambda e: e["approved_at"]
            ):
                if (
                    prev
                    and ((_shift(prev) if reading.cv03_shifted else prev) - e["approved_at"].date()).days < 15
                ):
                    hit("CV-03", key, e["seq"])
                prev = e["new_due_date"]
            if ct == "civil":
                if first and c["received_at"] and (filed - c["received_at"]).days > 7:
                    hit("CV-01", key, "case")
                adj = kinds.count("hearing_adjourned")
                if (proc == "ordinary" and adj > 2) or (proc in ("simplified", "small_claims") and adj > 1):
                    hit("CV-04", key, "case")
                if proc in ("simplified", "small_claims"):
                    for e in evs:
                        if e["kind"] == "public_notice_start":
                            hit("CV-05", key, e["seq"])
                served = [e["occurred_at"].date() for e in evs if e["kind"] == "complaint_served"]
                if first and served and (served[0] - filed).days > 5:
                    hit("CV-06", key, "case")
            if ct == "enforcement":
                listed = [e["occurred_at"] for e in evs if e["kind"] == "listed_dishonest"]
                if listed:
                    perf = next(
                        (
                            e["occurred_at"]
                            for e in evs
                            if e["kind"] == "performed" and e["occurred_at"] >= listed[0]
                        ),
                        None,
                    )
                    if perf and as_of - perf.date() > 3 * day:
                        if not any(
                            e["kind"] == "delisted"
                            and e["occurred_at"] >= perf
                            and not longer(perf, e["occurred_at"], 3 * day)
                            for e in evs
                        ):
                            hit("EN-02", key, "case")
    end_of_as_of = datetime.combine(as_of, datetime.min.time())
    for it in t["property_items"].iter_rows(named=True):
        key = (it["unit_code"], it["case_number"])
        seized = it["seized_at"]
        handed = it["handed_to_custodian_at"]
        if (handed and longer(seized, handed, timedelta(hours=24))) or (
            handed is None and longer(seized, end_of_as_of, day)
        ):
            hit("PP-01", key, it["item_id"])
        if it["custodian_staff_no"] == cases[key]["handler_staff_no"]:
            hit("PP-02", key, it["item_id"])
        released = it["released_at"]
        late = longer(seized, released, 3 * day) if released else longer(seized, end_of_as_of, 3 * day)
        if it["relevant"] is False and late:
            hit("PP-03", key, it["item_id"])
        if seized.date() < cases[key]["filed_at"]:
            hit("PP-04", key, it["item_id"])
    return out


@pytest.mark.parametrize("reading", list(READINGS))
def test_screen_finds_exactly_the_ground_truth(tables, truth, reading):
    """Precision = recall = 1 for a literal reading of the catalogue, and for plausible variants."""
    planted = {
        tuple(r)
        for r in truth.filter(~pl.col("kind").str.starts_with("FL-"))
        .select("kind", "unit_code", "case_number", "subject")
        .iter_rows()
    }
    found = screen(tables, AS_OF, READINGS[reading])
    false_pos = sorted(found - planted)
    missed = sorted(planted - found)
    assert not false_pos, f"{len(false_pos)} findings not in the ground truth, e.g. {false_pos[:5]}"
    assert not missed, f"{len(missed)} planted problems not found, e.g. {missed[:5]}"


def test_screen_is_sensitive(tables, truth):
    """The screen is not vacuous: breaking a compliant case makes it fire."""
    cases = tables["cases"]
    civil = cases.filter(
        (pl.col("case_type") == "civil") & (pl.col("instance") == 1) & (pl.col("status") == "closed")
    )
    planted = set(truth["case_number"].to_list())
    victim = civil.filter(~pl.col("case_number").is_in(list(planted))).row(0, named=True)
    broken = dict(tables)
    broken["cases"] = cases.with_columns(
        received_at=pl.when(pl.col("case_number") == victim["case_number"])
        .then(pl.col("filed_at") - timedelta(days=30))
        .otherwise("received_at")
    )
    assert ("CV-01", victim["unit_code"], victim["case_number"], "case") in screen(broken, AS_OF)


def test_false_litigation_rings(truth, tables):
    fl = truth.filter(pl.col("kind").str.starts_with("FL-"))
    assert set(fl["kind"].unique().to_list()) == {
        f"FL-{s}" for s in ("serial_lender", "collusive_pair", "debtor_pileup", "fake_labour", "divorce_debt")
    }
    cp = tables["case_parties"].join(fl.rename({"subject": "cluster"}), on=["unit_code", "case_number"])
    lender = (
        cp.filter((pl.col("kind") == "FL-serial_lender") & (pl.col("role") == "plaintiff"))
        .group_by("cluster")
        .agg(pl.col("party_id").n_unique())
    )
    assert (lender["party_id"] == 1).all()
    pair = cp.filter(pl.col("kind") == "FL-collusive_pair").join(
        tables["parties"].select("party_id", "phone"), on="party_id"
    )
    phones = (
        pair.filter(pl.col("role").is_in(["plaintiff", "defendant"]))
        .group_by("cluster")
        .agg(pl.col("phone").n_unique())
    )
    assert (phones["phone"] == 1).all()

"""A positive and a negative scenario for every rule, with hand-computed expectations.

``positive(lake)`` adds rows that must fire and returns the findings expected (case, subject and
the evidence values checked); ``negative(lake)`` adds near-miss rows — usually exactly at the
limit — that must not fire. All dates are checked by hand against the 2024 and 2025 holiday
notices (Spring Festival 2024: 10–17 Feb off, Sun 4 and Sun 18 Feb working days).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from casewatch.analytics.tests.builders import Case, Lake

AS_OF = dt.date(2025, 6, 30)


@dataclass
class Expect:
    case: Case
    subject: str
    evidence: dict = field(default_factory=dict)


@dataclass
class Scenario:
    positive: Callable[[Lake], list[Expect]]
    negative: Callable[[Lake], None]


SCENARIOS: dict[str, Scenario] = {}


def scenario(rule_id: str):
    """Register ``positive`` / ``negative`` functions defined in a class body under ``rule_id``."""

    def register(cls):
        SCENARIOS[rule_id] = Scenario(positive=cls.positive, negative=cls.negative)
        return cls

    return register


# --- CR: custody -------------------------------------------------------------------------------


@scenario("CR-01")
class CR01:
    def positive(lake):
        case = lake.case("police_criminal")
        case.event("detained", "2024-03-01 10:00", person_party_id="P1")
        case.event("arrest_requested", "2024-03-08 09:00", person_party_id="P1")
        return [
            Expect(
                case,
                "P1",
                {"detained_on": "2024-03-01", "requested_on": "2024-03-08", "days": 7, "limit_days": 3},
            )
        ]

    def negative(lake):
        case = lake.case("police_criminal")
        case.event("detained", "2024-03-01 10:00", person_party_id="P1")
        case.event("arrest_requested", "2024-03-04 23:00", person_party_id="P1")  # 3 days: at the limit
        case.event("detained", "2024-03-01 10:00", person_party_id="P2")
        case.event("arrest_requested", "2024-03-08 09:00", person_party_id="P2", reason="special")  # 7 of 7
        case.event("detained", "2024-03-01 10:00", person_party_id="P3")
        case.event("arrest_requested", "2024-03-31 09:00", person_party_id="P3", reason="major_roving")  # 30


@scenario("CR-02")
class CR02:
    def positive(lake):
        case = lake.case("police_criminal")
        case.event("arrest_requested", "2024-03-04 09:00", person_party_id="P1")
        case.event("arrest_approved", "2024-03-12 09:00", person_party_id="P1")
        return [Expect(case, "P1", {"days": 8, "decision": "arrest_approved", "limit_days": 7})]

    def negative(lake):
        case = lake.case("police_criminal")
        case.event("arrest_requested", "2024-03-04 09:00", person_party_id="P1")
        case.event("arrest_denied", "2024-03-11 18:00", person_party_id="P1")  # 7 days


@scenario("CR-03")
class CR03:
    def positive(lake):
        # arrest 2024-03-10 -> due 2024-05-10; extension approved in time to 06-10; the second one
        # came after 06-10, so it does not count; case transferred 07-01 -> 21 days over
        case = lake.case("police_criminal")
        case.event("arrest_approved", "2024-03-10 09:00", person_party_id="P1")
        case.event("custody_extended", "2024-05-08 09:00", person_party_id="P1", new_due_date="2024-06-10")
        case.event("custody_extended", "2024-06-15 09:00", person_party_id="P1", new_due_date="2024-08-10")
        case.event("transferred_for_prosecution", "2024-07-01 09:00")
        # custody periods never shift: due 2024-02-10 is in the Spring Festival holiday
        held = lake.case("police_criminal")
        held.event("arrest_approved", "2023-12-10 09:00", person_party_id="P9")
        held.event("released", "2024-02-18 09:00", person_party_id="P9")
        # calendar months clamp in SQL: 2023-12-31 + 2 months = 2024-02-29, not 03-02
        clamped = lake.case("police_criminal")
        clamped.event("arrest_approved", "2023-12-31 09:00", person_party_id="P8")
        clamped.event("released", "2024-03-01 09:00", person_party_id="P8")
        return [
            Expect(
                case,
                "P1",
                {
                    "due_date": "2024-06-10",
                    "extensions": 1,
                    "custody_end": "2024-07-01",
                    "days_over": 21,
                    "end_kind": "transferred_for_prosecution",
                },
            ),
            Expect(held, "P9", {"due_date": "2024-02-10", "custody_end": "2024-02-18", "days_over": 8}),
            Expect(clamped, "P8", {"due_date": "2024-02-29", "days_over": 1}),
        ]

    def negative(lake):
        case = lake.case("police_criminal")
        case.event("arrest_approved", "2024-03-10 09:00", person_party_id="P1")
        case.event("custody_extended", "2024-05-09 09:00", person_party_id="P1", new_due_date="2024-06-10")
        case.event("custody_extended", "2024-06-10 09:00", person_party_id="P1", new_due_date="2024-08-10")
        case.event("released", "2024-08-10 09:00", person_party_id="P1")  # on the due date
        month_end = lake.case("police_criminal")
        month_end.event("arrest_approved", "2024-03-31 09:00", person_party_id="P2")  # due 2024-05-31
        month_end.event("bail", "2024-05-31 09:00", person_party_id="P2")


@scenario("CR-04")
class CR04:
    def positive(lake):
        case = lake.case("police_criminal")
        case.event("detained", "2024-03-01 10:00", person_party_id="P1")
        case.event("family_notified", "2024-03-02 11:00", person_party_id="P1")
        case.event("detained", "2024-03-01 10:00", person_party_id="P2")  # never notified
        return [Expect(case, "P1", {"hours": 25.0}), Expect(case, "P2", {"notified_at": None, "hours": None})]

    def negative(lake):
        case = lake.case("police_criminal")
        case.event("detained", "2024-03-01 10:00", person_party_id="P1")
        case.event("family_notified", "2024-03-02 10:00", person_party_id="P1")  # exactly 24 hours
        case.event("detained", "2025-06-30 08:00", person_party_id="P2")  # 24 hours not yet over at as-of
        # P3: its 24 hours end exactly with the as-of day
        case.event("detained", "2025-06-30 00:00", person_party_id="P3")


@scenario("CR-05")
class CR05:
    def positive(lake):
        case = lake.case("police_criminal")
        case.event("arrest_approved", "2024-03-10 09:00", person_party_id="P1")
        seq = case.event(
            "custody_extended",
            "2024-05-11 09:00",
            person_party_id="P1",
            approved_at="2024-05-12 09:00",
            new_due_date="2024-06-10",
        )
        return [Expect(case, seq, {"extends_due": "2024-05-10", "approved_on": "2024-05-12", "days_late": 2})]

    def negative(lake):
        case = lake.case("police_criminal")
        case.event("arrest_approved", "2024-03-10 09:00", person_party_id="P1")
        case.event("custody_extended", "2024-05-10 09:00", person_party_id="P1", new_due_date="2024-06-10")
        case.event("custody_extended", "2024-06-10 09:00", person_party_id="P1", new_due_date="2024-08-10")


# --- PR / PL: procuratorate --------------------------------------------------------------------


@scenario("PR-01")
class PR01:
    def positive(lake):
        # received 2024-01-11 + 1 month = 2024-02-11, Spring Festival -> first working day 02-18
        case = lake.case("prosecution_review", procedure="ordinary")
        case.event("review_received", "2024-01-11 09:00")
        case.event("indicted", "2024-02-19 09:00")
        return [
            Expect(
                case,
                "case",
                {
                    "due_date": "2024-02-18",
                    "end_on": "2024-02-19",
                    "days_over": 1,
                    "end_basis": "indicted",
                    "limit_period": "P1M",
                },
            )
        ]

    def negative(lake):
        shifted = lake.case("prosecution_review", procedure="ordinary")
        shifted.event("review_received", "2024-01-11 09:00")
        shifted.event("indicted", "2024-02-18 09:00")  # on the make-up working day
        restarted = lake.case("prosecution_review", procedure="ordinary")
        restarted.event("review_received", "2024-01-01 09:00")
        restarted.event("returned_for_supplementary_investigation", "2024-01-20 09:00")
        restarted.event("review_received", "2024-03-01 09:00")
        restarted.event("indicted", "2024-03-30 09:00")
        extended = lake.case("prosecution_review")
        extended.event("review_received", "2024-04-01 09:00")
        extended.event("review_extended", "2024-04-25 09:00")
        extended.event("indicted", "2024-05-16 09:00")  # 2024-05-01 + 15 days
        expedited = lake.case("prosecution_review", procedure="expedited")  # PR-06's business
        expedited.event("review_received", "2024-01-01 09:00")
        expedited.event("indicted", "2024-06-01 09:00")


@scenario("PR-02")
class PR02:
    def positive(lake):
        case = lake.case("prosecution_review", plea_leniency=True)
        absent = case.event("plea_statement_signed", "2024-03-05 10:00", lawyer_present=False, recorded=True)
        unknown = case.event("plea_statement_signed", "2024-03-06 10:00", recorded=True)
        return [
            Expect(case, absent, {"lawyer_present": False}),
            Expect(case, unknown, {"lawyer_present": None}),
        ]

    def negative(lake):
        case = lake.case("prosecution_review", plea_leniency=True)
        case.event(
            "plea_statement_signed", "2024-03-05 10:00", lawyer_present=True, lawyer_role="duty_lawyer"
        )


@scenario("PR-03")
class PR03:
    def positive(lake):
        case = lake.case("prosecution_review", plea_leniency=True)
        seq = case.event("plea_statement_signed", "2024-03-05 10:00", lawyer_present=True)
        return [Expect(case, seq, {"recorded": None})]

    def negative(lake):
        case = lake.case("prosecution_review", plea_leniency=True)
        case.event("plea_statement_signed", "2024-03-05 10:00", lawyer_present=True, recorded=True)


@scenario("PR-04")
class PR04:
    def positive(lake):
        case = lake.case("prosecution_review")
        for day in ("2024-03-10", "2024-04-20", "2024-05-30"):
            case.event("returned_for_supplementary_investigation", f"{day} 09:00")
        return [
            Expect(
                case, "case", {"returns": 3, "first_return_on": "2024-03-10", "last_return_on": "2024-05-30"}
            )
        ]

    def negative(lake):
        case = lake.case("prosecution_review")
        for day in ("2024-03-10", "2024-04-20"):
            case.event("returned_for_supplementary_investigation", f"{day} 09:00")


@scenario("PR-05")
class PR05:
    def positive(lake):
        case = lake.case(
            "prosecution_review",
            plea_leniency=True,
            status="closed",
            outcome="indicted",
            closed_at="2024-04-01",
        )
        return [Expect(case, "case", {"closed_on": "2024-04-01", "outcome": "indicted"})]

    def negative(lake):
        signed = lake.case(
            "prosecution_review",
            plea_leniency=True,
            status="closed",
            outcome="indicted",
            closed_at="2024-04-01",
        )
        signed.event("plea_statement_signed", "2024-03-20 10:00", lawyer_present=True, recorded=True)
        lake.case(
            "prosecution_review",
            plea_leniency=True,
            status="closed",
            outcome="not_prosecuted",
            closed_at="2024-04-01",
        )


@scenario("PR-06")
class PR06:
    def positive(lake):
        case = lake.case("prosecution_review", procedure="expedited", plea_leniency=True)
        case.event("review_received", "2024-03-01 09:00")
        case.event("indicted", "2024-03-17 09:00")
        return [Expect(case, "case", {"days": 16, "limit_days": 15})]

    def negative(lake):
        case = lake.case("prosecution_review", procedure="expedited", plea_leniency=True)
        case.event("review_received", "2024-03-01 09:00")
        case.event("indicted", "2024-03-16 09:00")


@scenario("PL-01")
class PL01:
    def positive(lake):
        case = lake.case("prosecution_review", plea_leniency=True)
        case.party("S1", "suspect")
        return [Expect(case, "case", {"status": "pending"})]

    def negative(lake):
        helped = lake.case("prosecution_review", plea_leniency=True)
        helped.party("S1", "suspect")
        helped.party("L1", "duty_lawyer", represents_party_id="S1")
        no_plea = lake.case("prosecution_review", plea_leniency=False)
        no_plea.party("S2", "suspect")


# --- PO: public order --------------------------------------------------------------------------


@scenario("PO-01")
class PO01:
    def positive(lake):
        case = lake.case("police_public_order")
        seq = case.event("injury_appraisal", "2024-03-05 10:00", result="minor")
        return [Expect(case, seq, {"result": "minor", "status": "pending"})]

    def negative(lake):
        slight = lake.case("police_public_order")
        slight.event("injury_appraisal", "2024-03-05 10:00", result="slight")
        moved = lake.case("police_public_order", status="transferred")
        moved.event("injury_appraisal", "2024-03-05 10:00", result="serious")


@scenario("PO-02")
class PO02:
    def positive(lake):
        # 36 days; two overlapping appraisals (03-05.., 03-07..) both end 03-10: 5 days excluded,
        # not 8 — 31 days > 30
        case = lake.case(
            "police_public_order", filed_at="2024-03-01", closed_at="2024-04-06", status="closed"
        )
        case.event("appraisal_start", "2024-03-05 09:00")
        case.event("appraisal_start", "2024-03-07 09:00")
        case.event("appraisal_end", "2024-03-10 09:00")
        return [Expect(case, "case", {"elapsed_days": 36, "excluded_days": 5, "days": 31, "limit_days": 30})]

    def negative(lake):
        appraised = lake.case(
            "police_public_order", filed_at="2024-03-01", closed_at="2024-04-05", status="closed"
        )
        appraised.event("appraisal_start", "2024-03-05 09:00")
        appraised.event("appraisal_end", "2024-03-10 09:00")  # 35 - 5 = 30
        extended = lake.case(
            "police_public_order", filed_at="2024-03-01", closed_at="2024-04-29", status="closed"
        )
        extended.event("public_order_extended", "2024-03-25 09:00")  # 59 of 60


@scenario("PO-03")
class PO03:
    def positive(lake):
        case = lake.case("police_public_order")
        seq = case.event("questioning_start", "2024-03-01 08:00", person_party_id="O1")
        case.event("questioning_end", "2024-03-01 17:00", person_party_id="O1")
        return [Expect(case, seq, {"hours": 9.0, "limit_hours": 8})]

    def negative(lake):
        case = lake.case("police_public_order")
        case.event("questioning_start", "2024-03-01 08:00", person_party_id="O1")
        case.event("questioning_end", "2024-03-01 16:00", person_party_id="O1")
        case.event("questioning_start", "2024-03-02 08:00", person_party_id="O2", reason="detention_possible")
        case.event("questioning_end", "2024-03-03 07:00", person_party_id="O2")


# --- CV / CT / AD / EN: courts -----------------------------------------------------------------


@scenario("CV-01")
class CV01:
    def positive(lake):
        case = lake.case("civil", received_at="2024-03-01", filed_at="2024-03-09")
        return [Expect(case, "case", {"days": 8})]

    def negative(lake):
        lake.case("civil", received_at="2024-03-01", filed_at="2024-03-08")
        lake.case("civil", instance=2, received_at="2024-03-01", filed_at="2024-03-11")


@scenario("CV-02")
class CV02:
    def positive(lake):
        # 2023-08-01 + 6 months = 2024-02-01, + 10 appraisal days = 02-11 (Spring Festival) -> 02-18
        case = lake.case(
            "civil", procedure="ordinary", filed_at="2023-08-01", status="closed", closed_at="2024-02-19"
        )
        case.event("appraisal_start", "2023-09-01 09:00")
        case.event("appraisal_end", "2023-09-11 09:00")
        return [
            Expect(
                case,
                "case",
                {"due_date": "2024-02-18", "excluded_days": 10, "days_over": 1, "end_basis": "closed"},
            )
        ]

    def negative(lake):
        on_time = lake.case(
            "civil", procedure="ordinary", filed_at="2023-08-01", status="closed", closed_at="2024-02-18"
        )
        on_time.event("appraisal_start", "2023-09-01 09:00")
        on_time.event("appraisal_end", "2023-09-11 09:00")
        extended = lake.case(
            "civil", procedure="simplified", filed_at="2024-01-01", status="closed", closed_at="2024-04-30"
        )
        extended.event("trial_limit_extended", "2024-03-01 09:00", new_due_date="2024-05-01")
        suspended = lake.case("civil", procedure="ordinary", filed_at="2024-06-01")  # open suspension
        suspended.event("suspended", "2024-07-01 09:00")


@scenario("CV-03")
class CV03:
    def positive(lake):
        # filed 2024-03-01 ordinary: due 2024-09-01 (Sunday) -> 09-02; approved 08-25, 8 days ahead
        case = lake.case("civil", procedure="ordinary")
        seq = case.event(
            "trial_limit_extended",
            "2024-08-25 09:00",
            approved_at="2024-08-25 15:00",
            new_due_date="2025-03-01",
        )
        return [Expect(case, seq, {"extends_due": "2024-09-02", "days_before": 8})]

    def negative(lake):
        case = lake.case("civil", procedure="ordinary")
        case.event("trial_limit_extended", "2024-08-18 09:00", new_due_date="2025-03-01")  # 15 days ahead
        case.event("trial_limit_extended", "2025-02-01 09:00", new_due_date="2025-06-01")  # 28 days ahead


@scenario("CV-04")
class CV04:
    def positive(lake):
        case = lake.case("civil", procedure="simplified")
        case.event("hearing_adjourned", "2024-03-20 09:00")
        case.event("hearing_adjourned", "2024-04-20 09:00")
        return [Expect(case, "case", {"adjournments": 2, "limit_count": 1})]

    def negative(lake):
        case = lake.case("civil", procedure="ordinary")
        case.event("hearing_adjourned", "2024-03-20 09:00")
        case.event("hearing_adjourned", "2024-04-20 09:00")


@scenario("CV-05")
class CV05:
    def positive(lake):
        case = lake.case("civil", procedure="small_claims")
        seq = case.event("public_notice_start", "2024-03-20 09:00")
        return [Expect(case, seq, {"procedure": "small_claims"})]

    def negative(lake):
        case = lake.case("civil", procedure="ordinary")
        case.event("public_notice_start", "2024-03-20 09:00")


@scenario("CV-06")
class CV06:
    def positive(lake):
        case = lake.case("civil", procedure="ordinary")
        case.event("complaint_served", "2024-03-07 09:00")
        return [Expect(case, "case", {"served_on": "2024-03-07", "days": 6})]

    def negative(lake):
        case = lake.case("civil", procedure="ordinary")
        case.event("complaint_served", "2024-03-06 09:00")


@scenario("CT-01")
class CT01:
    def positive(lake):
        # extended to 2024-07-10, + 10 appraisal days = 07-20 (Saturday) -> 07-22; closed 07-23
        case = lake.case(
            "criminal", procedure="ordinary", filed_at="2024-01-10", status="closed", closed_at="2024-07-23"
        )
        case.event("trial_limit_extended", "2024-03-20 09:00", new_due_date="2024-07-10")
        case.event("appraisal_start", "2024-05-01 09:00")
        case.event("appraisal_end", "2024-05-11 09:00")
        return [
            Expect(
                case,
                "case",
                {"extended_to": "2024-07-10", "excluded_days": 10, "due_date": "2024-07-22", "days_over": 1},
            )
        ]

    def negative(lake):
        # the same case closed 07-22: on time only because exclusions add to the extended date
        case = lake.case(
            "criminal", procedure="ordinary", filed_at="2024-01-10", status="closed", closed_at="2024-07-22"
        )
        case.event("trial_limit_extended", "2024-03-20 09:00", new_due_date="2024-07-10")
        case.event("appraisal_start", "2024-05-01 09:00")
        case.event("appraisal_end", "2024-05-11 09:00")


@scenario("AD-01")
class AD01:
    def positive(lake):
        case = lake.case(
            "administrative",
            procedure="simplified",
            filed_at="2024-03-01",
            status="closed",
            closed_at="2024-04-16",
        )
        return [Expect(case, "case", {"due_date": "2024-04-15", "limit_period": "P45D", "days_over": 1})]

    def negative(lake):
        # due 2024-09-01 is a Sunday -> 09-02
        lake.case(
            "administrative",
            procedure="ordinary",
            filed_at="2024-03-01",
            status="closed",
            closed_at="2024-09-02",
        )


@scenario("EN-01")
class EN01:
    def positive(lake):
        # 2024-01-15 + 6 months = 07-15, + 10 suspended days = 07-25 (Thursday)
        case = lake.case("enforcement", filed_at="2024-01-15", status="closed", closed_at="2024-07-26")
        case.event("suspended", "2024-02-01 09:00")
        case.event("resumed", "2024-02-11 09:00")
        return [Expect(case, "case", {"due_date": "2024-07-25", "excluded_days": 10, "days_over": 1})]

    def negative(lake):
        case = lake.case("enforcement", filed_at="2024-01-15", status="closed", closed_at="2024-07-25")
        case.event("suspended", "2024-02-01 09:00")
        case.event("resumed", "2024-02-11 09:00")
        # 2024-04-03 + 6 months = 10-03, National Day holiday -> first working day 10-08
        lake.case("enforcement", filed_at="2024-04-03", status="closed", closed_at="2024-10-08")


@scenario("EN-02")
class EN02:
    def positive(lake):
        case = lake.case("enforcement")
        case.event("listed_dishonest", "2024-03-01 09:00")
        case.event("performed", "2024-04-01 09:00")
        return [Expect(case, "case", {"performed_on": "2024-04-01", "delisted_on": None})]

    def negative(lake):
        delisted = lake.case("enforcement")
        delisted.event("listed_dishonest", "2024-03-01 09:00")
        delisted.event("performed", "2024-04-01 09:00")
        delisted.event("delisted", "2024-04-04 09:00")  # 3 days
        recent = lake.case("enforcement")
        recent.event("listed_dishonest", "2025-05-01 09:00")
        recent.event("performed", "2025-06-27 09:00")  # 3 days before as-of: not yet late


# --- PP: property ------------------------------------------------------------------------------


@scenario("PP-01")
class PP01:
    def positive(lake):
        case = lake.case("police_criminal")
        item = case.item("2024-03-01 10:00", handed_to_custodian_at="2024-03-02 11:00")
        return [Expect(case, item, {"hours": 25.0})]

    def negative(lake):
        case = lake.case("police_criminal")
        case.item("2024-03-01 10:00", handed_to_custodian_at="2024-03-02 10:00")
        case.item("2025-06-29 10:00")  # not handed over yet, but seized only a day before as-of


@scenario("PP-02")
class PP02:
    def positive(lake):
        case = lake.case("police_criminal", handler_staff_no="PSB-001")
        item = case.item("2024-03-01 10:00", custodian_staff_no="PSB-001")
        return [Expect(case, item, {"custodian_staff_no": "PSB-001"})]

    def negative(lake):
        case = lake.case("police_criminal", handler_staff_no="PSB-001")
        case.item("2024-03-01 10:00", custodian_staff_no="PSB-CW-009")


@scenario("PP-03")
class PP03:
    def positive(lake):
        case = lake.case("police_criminal")
        item = case.item("2024-03-01 10:00", relevant=False, released_at="2024-03-05 09:00")
        return [Expect(case, item, {"seized_on": "2024-03-01", "released_on": "2024-03-05"})]

    def negative(lake):
        case = lake.case("police_criminal")
        case.item("2024-03-01 10:00", relevant=False, released_at="2024-03-04 18:00")
        case.item("2024-03-01 10:00", relevant=True)
        case.item("2025-06-27 10:00", relevant=False)  # 3 days before as-of, not yet late


@scenario("PP-04")
class PP04:
    def positive(lake):
        case = lake.case("police_criminal", filed_at="2024-03-01")
        item = case.item("2024-02-28 10:00")
        return [Expect(case, item, {"days_before": 2})]

    def negative(lake):
        case = lake.case("police_criminal", filed_at="2024-03-01")
        case.item("2024-03-01 08:00")


# --- DE: data entry ----------------------------------------------------------------------------


@scenario("DE-01")
class DE01:
    def positive(lake):
        case = lake.case(
            "civil", filed_at="2024-03-01", closed_at="2024-02-01", status="closed", outcome="judgment"
        )
        return [Expect(case, "case", {"days_before": 29})]

    def negative(lake):
        lake.case(
            "civil", filed_at="2024-03-01", closed_at="2024-03-01", status="closed", outcome="withdrawal"
        )


@scenario("DE-02")
class DE02:
    def positive(lake):
        case = lake.case(
            "civil", filed_at="2024-03-01", closed_at="2024-06-01", status="closed", outcome="judgment"
        )
        seq = case.event("hearing", "2024-02-01 09:00")
        return [Expect(case, seq, {"event_kind": "hearing", "side": "before_filing"})]

    def negative(lake):
        case = lake.case("police_criminal", filed_at="2024-03-01", closed_at="2024-06-01", status="closed")
        case.event("detained", "2024-02-28 09:00", person_party_id="P1")
        case.event("released", "2024-06-05 09:00", person_party_id="P1")
        case.event("transferred_for_prosecution", "2024-06-01 16:00")  # on the closing day
        case.event("filed", "2024-03-01 08:00")  # on the filing day


@scenario("DE-03")
class DE03:
    def positive(lake):
        case = lake.case("civil", court_division_code="330203")  # a 海曙 number in the 鄞州 court
        return [Expect(case, "case", {"case_number_division": "330203", "unit_division": "330212"})]

    def negative(lake):
        lake.case("civil", court_division_code="330204")  # 江东区, merged into 鄞州区
        lake.case("civil", court_division_code="330212")
        lake.case("police_criminal", court_division_code="330203")  # not a court


@scenario("DE-04")
class DE04:
    def positive(lake):
        case = lake.case("civil", status="closed", closed_at="2024-05-01")
        return [Expect(case, "case", {"closed_on": "2024-05-01", "outcome": None})]

    def negative(lake):
        lake.case("civil", status="closed", closed_at="2024-05-01", outcome="mediation")


@scenario("DE-05")
class DE05:
    def positive(lake):
        case = lake.case("civil")
        case.event("judgment_pronounced", "2024-05-01 09:00")
        return [Expect(case, "case", {"event_kind": "judgment_pronounced", "status": "pending"})]

    def negative(lake):
        case = lake.case("civil", status="closed", closed_at="2024-05-01", outcome="judgment")
        case.event("judgment_pronounced", "2024-05-01 09:00")


def combined_lake() -> tuple[Lake, dict[str, list[Expect]]]:
    """Every scenario, positive and negative, in one lake (for cross-engine and incremental runs)."""
    lake = Lake()
    expected = {}
    for rule_id, item in SCENARIOS.items():
        expected[rule_id] = item.positive(lake)
        item.negative(lake)
    return lake, expected

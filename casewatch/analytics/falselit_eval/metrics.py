"""Precision and recall of false-litigation leads at case, lead and ring level, and of linkage.

* **Flagged case**: a case inside a lead cluster (what a reviewer is shown).
* **Case level**, per shape: recall = ring cases of the shape that are flagged / ring cases of the
  shape; precision = ring cases among the flagged cases of leads dominated by that shape.
* **Lead level**: a lead's dominant group is the truth group with most of its cases; the lead is
  right when at least half of its cases belong to that one ring. Per shape: right leads /
  leads dominated by the shape; overall: right leads / all leads (leads with no ring case count
  as wrong, and leads dominated by an honest look-alike are listed by kind).
* **Ring level**: a ring is found when a lead that it dominates holds at least half of its cases.
* **Linkage**: pairwise precision / recall of party records put into one entity, against the
  true identities.
"""

from __future__ import annotations

from collections import Counter, defaultdict


def _prf(tp: int, flagged: int, truth: int) -> dict:
    p = tp / flagged if flagged else None
    r = tp / truth if truth else None
    return {"tp": tp, "flagged": flagged, "truth": truth, "precision": p, "recall": r}


def evaluate(result, truth: dict[str, tuple[str, str]], shapes) -> dict:
    """Figures per shape (case / lead / ring), overall, and honest look-alikes in leads."""
    leads = [r for r in result.clusters.to_pylist() if r["lead"]]
    flagged = {k for r in leads for k in r["case_keys"]}
    ring_cases = {k: v for k, v in truth.items() if not v[0].startswith("honest:")}
    group_cases: dict[str, set[str]] = defaultdict(set)
    for k, (_lab, g) in truth.items():
        group_cases[g].add(k)
    lead_info = []
    for r in leads:
        groups = Counter(truth[k][1] for k in r["case_keys"] if k in truth)
        dom, n = groups.most_common(1)[0] if groups else (None, 0)
        label = truth[next(iter(group_cases[dom]))][0] if dom else None
        right = bool(dom) and not label.startswith("honest:") and n * 2 >= len(r["case_keys"])
        lead_info.append({"lead": r, "group": dom, "label": label, "right": right})
    out: dict = {"shapes": {}, "honest": {}}
    for shape in shapes:
        cases = {k for k, v in ring_cases.items() if v[0] == shape}
        dom_leads = [i for i in lead_info if i["label"] == shape]
        dom_cases = {k for i in dom_leads for k in i["lead"]["case_keys"]}
        rings = {v[1] for v in ring_cases.values() if v[0] == shape}
        found = set()
        for g in rings:
            size = len(group_cases[g])
            if any(
                i["group"] == g and len(group_cases[g] & set(i["lead"]["case_keys"])) * 2 >= size
                for i in lead_info
            ):
                found.add(g)
        out["shapes"][shape] = {
            "case": {
                "recall": len(cases & flagged) / len(cases) if cases else None,
                "precision": len(dom_cases & set(ring_cases)) / len(dom_cases) if dom_cases else None,
                "truth": len(cases),
            },
            "lead": _prf(sum(i["right"] for i in dom_leads), len(dom_leads), len(rings)),
            "ring": {
                "found": len(found),
                "rings": len(rings),
                "recall": len(found) / len(rings) if rings else None,
            },
        }
    kinds = sorted({v[0][7:] for v in truth.values() if v[0].startswith("honest:")})
    for kind in kinds:
        cases = {k for k, v in truth.items() if v[0] == f"honest:{kind}"}
        out["honest"][kind] = {
            "cases": len(cases),
            "in_leads": len(cases & flagged),
            "leads_touched": sum(bool(cases & set(i["lead"]["case_keys"])) for i in lead_info),
            "leads_dominated": sum(i["label"] == f"honest:{kind}" for i in lead_info),
        }
    n_right = sum(i["right"] for i in lead_info)
    out["overall"] = {
        "leads": len(lead_info),
        "right_leads": n_right,
        "lead_precision": n_right / len(lead_info) if lead_info else None,
        "false_leads_no_ring_case": sum(i["group"] is None for i in lead_info),
        "case_recall": len(set(ring_cases) & flagged) / len(ring_cases) if ring_cases else None,
        "case_precision": len(set(ring_cases) & flagged) / len(flagged) if flagged else None,
        "flagged_cases": len(flagged),
        "ring_cases": len(ring_cases),
    }
    return out


def linkage(entity_of: dict[str, str], person_of: dict[str, str]) -> dict:
    """Pairwise precision / recall of entity resolution over the records in ``person_of``."""

    def pairs(counter):
        return sum(n * (n - 1) // 2 for n in counter.values())

    keys = [k for k in person_of if k in entity_of]
    predicted = pairs(Counter(entity_of[k] for k in keys))
    true = pairs(Counter(person_of[k] for k in keys))
    both = pairs(Counter((entity_of[k], person_of[k]) for k in keys))
    return {
        "records": len(keys),
        "true_pairs": true,
        "predicted_pairs": predicted,
        "correct_pairs": both,
        "precision": both / predicted if predicted else None,
        "recall": both / true if true else None,
    }


def fmt(x) -> str:
    return "  –  " if x is None else f"{x:.3f}"


def report(figures: dict, title: str, write=print) -> None:
    """Print one evaluation's table."""
    write(f"== {title}")
    write(f"{'shape':<20} {'case R':>7} {'case P':>7} {'lead P':>7} {'leads':>6} {'ring R':>7} {'rings':>6}")
    for shape, f in figures["shapes"].items():
        write(
            f"{shape:<20} {fmt(f['case']['recall']):>7} {fmt(f['case']['precision']):>7} "
            f"{fmt(f['lead']['precision']):>7} {f['lead']['flagged']:>6} {fmt(f['ring']['recall']):>7} "
            f"{f['ring']['found']:>3}/{f['ring']['rings']:<3}"
        )
    o = figures["overall"]
    write(
        f"overall: leads {o['leads']}, right {o['right_leads']}, lead P {fmt(o['lead_precision'])}, "
        f"leads without any ring case {o['false_leads_no_ring_case']}; case R {fmt(o['case_recall'])}, "
        f"case P {fmt(o['case_precision'])} ({o['flagged_cases']} flagged, {o['ring_cases']} ring cases)"
    )
    for kind, h in figures["honest"].items():
        write(
            f"  honest {kind:<17} cases {h['cases']:>5}  in leads {h['in_leads']:>4}  "
            f"leads touched {h['leads_touched']:>3}  leads it dominates {h['leads_dominated']:>3}"
        )
    if "linkage" in figures:
        lk = figures["linkage"]
        write(
            f"linkage: {lk['records']} records, pairwise P {fmt(lk['precision'])} R {fmt(lk['recall'])} "
            f"(true pairs {lk['true_pairs']}, predicted {lk['predicted_pairs']}, correct {lk['correct_pairs']})"
        )

"""The pipeline reads the warm analytics store directly (attached read-only, nothing copied to
Arrow) and finds exactly what it finds on the same tables handed over as Arrow."""

from __future__ import annotations

import pytest

from casewatch.analytics import store as st
from casewatch.analytics.falselit import Config, run
from casewatch.analytics.falselit.pipeline import TABLES
from casewatch.analytics.falselit_eval.city import build_city


def _rows(table, *keys):
    """Rows sorted by ``keys``, list values sorted (evidence lists are aggregated in no set order)."""
    rows = [{k: sorted(v) if isinstance(v, list) else v for k, v in r.items()} for r in table.to_pylist()]
    return sorted(rows, key=lambda r: tuple(str(r[k]) for k in keys))


@pytest.mark.parametrize("seed", [902])
def test_store_file_gives_the_same_result_as_arrow_tables(tmp_path, seed):
    city = build_city(3000, seed, 3)
    path = tmp_path / "warm.duckdb"
    st.build_from_tables(path, {t: city.tables[t] for t in TABLES})
    from_store = run(path, Config(), keep_entities=True)
    from_arrow = run(st.read_tables(path, TABLES), Config(), keep_entities=True)
    assert from_arrow.clusters.num_rows and sum(from_arrow.clusters.column("lead").to_pylist())
    assert from_store.entities == from_arrow.entities
    assert _rows(from_store.cases, "case_key") == _rows(from_arrow.cases, "case_key")
    assert _rows(from_store.hits, "case_key", "code", "detail") == _rows(
        from_arrow.hits, "case_key", "code", "detail"
    )
    assert _rows(from_store.clusters, "cluster_id") == _rows(from_arrow.clusters, "cluster_id")
    assert _rows(from_store.party_entities, "party_id") == _rows(from_arrow.party_entities, "party_id")
    assert from_store.graphs.keys() == from_arrow.graphs.keys()


def test_a_missing_store_file_is_a_clear_error(tmp_path):
    """A path that is not a file is read as a Parquet folder; an absent folder fails loudly."""
    with pytest.raises(Exception):  # noqa: B017, PT011 - DuckDB's IO error for the missing Parquet file
        run(tmp_path / "absent", Config())

"""Importers of the case registry: files and folders of CSV, XLSX, JSON Lines and Parquet.

The steps live in their own modules — `readers` (files, encodings, header rows), `tables`
(schema ↔ database mapping), `coerce` (types), `validate` (rules and references), `load`
(set-based upserts), `issues` (the error report) — and `pipeline.run_import` runs them in order.
`casewatch.cases.tasks` wraps a run as a job with an ImportRun row; the command line, the
upload page and the API all go through it. See docs/importing.md.
"""

from casewatch.cases.importing.pipeline import Options, Result, run_import

__all__ = ["Options", "Result", "run_import"]

"""Judgment documents (裁判文书) → canonical records: text extraction, parsing, records, corpus.

`text` reads .txt/.docx/.html/.pdf into lines, `parse` reads fields with spans and confidences,
`records` turns parsed documents into rows of the canonical tables, `corpus` writes test
documents in the official formats with their ground truth, `accuracy` scores the parser against
it. Django-free, so worker processes parse without loading Django. See docs/importing.md.
"""

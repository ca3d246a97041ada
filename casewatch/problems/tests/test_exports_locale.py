"""Exports read like the pages: Word on A4, local times, labels in the reader's language."""

from __future__ import annotations

import datetime as dt
import io

from django.utils import translation
from docx import Document
from docx.shared import Cm

from casewatch.core.exports import display, neutralise
from casewatch.problems import reports
from casewatch.problems.choices import ProblemStatus


def test_word_reports_are_a4(world):
    user = world.user("city_sup")
    for data in (reports.weekly_docx(user), reports.progress_notice_docx(user, ranked=True)):
        section = Document(io.BytesIO(data)).sections[0]
        assert abs(section.page_width - Cm(21)) < Cm(0.05)
        assert abs(section.page_height - Cm(29.7)) < Cm(0.05)


def test_export_cells_are_local_time_and_labels():
    utc = dt.datetime(2026, 3, 1, 17, 30, tzinfo=dt.UTC)
    assert neutralise(utc) == "2026-03-02 01:30:00"  # Asia/Shanghai
    with translation.override("zh-hans"):
        assert display("submitted", ProblemStatus) == str(ProblemStatus.SUBMITTED.label)
        assert display("submitted", ProblemStatus) != "submitted"
    with translation.override("en"):
        assert display("submitted", ProblemStatus) == "Submitted for verification"
    assert display("", ProblemStatus) == ""

"""Import problems: one row per problem, with file, row, column, value and a bilingual reason.

Why a DataFrame and not a list of objects: a bad export can carry a million bad rows, and every
check is a vectorised filter; collecting its result as a frame keeps validation in Polars from
the first check to the written report. Reasons are given in Chinese and English because the
report goes back to the data clerk who made the file and to the engineer who fixes the export.

Every written report passes `casewatch.core.exports.neutralise` cell by cell: a value such as
``=HYPERLINK("http://x","click")`` read from a hostile file is echoed back with a leading
apostrophe, so the spreadsheet shows it as text instead of running it.
"""

from __future__ import annotations

import csv
from pathlib import Path

import polars as pl

from casewatch.core.exports import neutralise, xlsx_bytes

#: Columns of the issue frame and of the written report (in this order).
COLUMNS = ("severity", "file", "sheet", "row", "column", "field", "value", "code", "reason_zh", "reason_en")
SCHEMA = {
    "__rid": pl.Int64,
    "severity": pl.String,
    "file": pl.String,
    "sheet": pl.String,
    "row": pl.Int64,
    "column": pl.String,
    "field": pl.String,
    "value": pl.String,
    "code": pl.String,
    "reason_zh": pl.String,
    "reason_en": pl.String,
}
VALUE_PREVIEW = 100  # characters of an offending value shown in the report
XLSX_MAX_ROWS = 100_000  # a report beyond this is cut in Excel (the CSV keeps every row)

#: code -> (Chinese, English). ``{}`` placeholders are filled per row (see `row_issues`).
MESSAGES: dict[str, tuple[str, str]] = {
    # file level
    "empty_file": ("文件为空", "the file is empty"),
    "no_rows": ("文件只有表头，没有数据行", "the file has a header but no data rows"),
    "encoding": ("文件编码无法识别：{}", "the file's encoding is not supported: {}"),
    "unreadable": ("文件无法读取：{}", "the file cannot be read: {}"),
    "unsupported_type": ("不支持的文件类型：{}", "unsupported file type: {}"),
    "content_mismatch": ("文件内容与扩展名不符：{}", "the file's content does not match its extension: {}"),
    "unknown_table": (
        "无法从文件名判断数据表，请按表名命名文件（如 cases.csv、案件.xlsx）或使用 --table",
        "cannot tell the table from the file name; name it after a table (cases.csv, 案件.xlsx) or use --table",
    ),
    "not_importable": ("该表不通过导入维护：{}", "this table is not maintained by import: {}"),
    "no_header": ("未找到表头行（前 30 行中没有足够的已知列名）", "no header row found (no row among the first 30 names enough known columns)"),
    "unknown_column": ("未知列，请检查列名（可用中文或英文列名）", "unknown column; check the name (Chinese or English column names are accepted)"),
    "duplicate_column": ("列重复：与第 {} 列指向同一字段", "duplicate column: maps to the same field as column {}"),
    "missing_column": ("缺少必填列：{}", "required columns are missing: {}"),
    "nested_value": ("JSON 值不能是对象或数组", "a JSON value must not be an object or an array"),
    "bad_json": ("不是有效的 JSON 行：{}", "not a valid JSON line: {}"),
    "ignored_file": ("不是数据表文件，已忽略", "not a table file; ignored"),
    "ignored_sheet": ("工作表名不是数据表名，已忽略", "the sheet name is not a table name; sheet ignored"),
    # judgment documents (casewatch/cases/importing/judgments.py); the row is the document's line
    "not_judgment": (
        "不是裁判文书：前 20 行没有文书标题（判决书/裁定书/调解书），正文也没有“判决如下/裁定如下/达成如下协议”",
        "not a judgment document: no title (判决书/裁定书/调解书) in the first 20 lines and no 判决如下/裁定如下/达成如下协议 in the body",
    ),
    "no_case_number": ("文书首部没有案号", "no case number at the head of the document"),
    "doc_bad_case_number": ("案号无法识别：{}", "the case number is not understood: {}"),
    "no_decision_date": ("文书末尾没有落款日期", "no date line at the end of the document"),
    "no_filing_date": (
        "文书中没有立案或受理日期（如“本院于2021年3月5日立案”）",
        "no filing or acceptance date in the document (e.g. 本院于2021年3月5日立案)",
    ),
    "no_text_layer": ("PDF 没有文字层（扫描件需先做文字识别）：{}", "the PDF has no text layer (a scan needs OCR first): {}"),
    "unknown_court_doc": ("文书的法院不在本平台的单位中：{}", "the document's court is not among this platform's units: {}"),
    "title_body_mismatch": ("文书标题与正文不一致，按正文分类：{}", "title and body disagree; classified by the body: {}"),
    "court_name_mismatch": ("文书首部的法院名称与案号中的法院不一致：{}", "the court named at the head differs from the case number's court: {}"),
    "zip_too_large": ("压缩包过大（超过 20 万个文件或 2 GB）", "the archive is too large (over 200,000 files or 2 GB)"),
    "zip_unsafe_member": ("压缩包中的路径不安全，已跳过：{}", "unsafe path inside the archive, skipped: {}"),
    # cell level
    "required": ("必填项为空", "required value is missing"),
    "too_long": ("内容过长：{} 个字符，上限 {}", "value too long: {} characters, at most {}"),
    "bad_int": ("不是整数", "not a whole number"),
    "negative": ("不能为负数", "must not be negative"),
    "bad_decimal": ("不是有效金额（最多两位小数）", "not a valid amount (at most two decimal places)"),
    "bad_date": ("不是有效日期（应为 YYYY-MM-DD）", "not a valid date (expected YYYY-MM-DD)"),
    "bad_timestamp": ("不是有效时间（应为 YYYY-MM-DD HH:MM:SS）", "not a valid timestamp (expected YYYY-MM-DD HH:MM:SS)"),
    "bad_bool": ("不是有效的是/否值", "not a valid yes/no value"),
    "bad_enum": ("不是允许的取值（见数据字典 {}）", "not an allowed value (see data dictionary: {})"),
    "id_format": ("身份证号格式错误（应为 18 位）", "ID number malformed (18 characters expected)"),
    "id_birth_date": ("身份证号中的出生日期无效", "the birth date inside the ID number is not a real date"),
    "id_check_digit": ("身份证号校验码错误", "ID number check digit is wrong"),
    "birth_mismatch": ("出生日期与身份证号不一致（身份证号为 {}）", "birth date differs from the ID number's ({})"),
    "credit_format": ("统一社会信用代码格式错误", "credit code malformed"),
    "credit_check_digit": ("统一社会信用代码校验码错误", "credit code check digit is wrong"),
    "bad_phone": ("电话号码格式错误", "phone number malformed"),
    "date_order": ("{}早于{}", "{} is before {}"),
    "event_before_filing": ("事件时间早于立案日期 {}", "event is before the case's filing date {}"),
    "event_after_closing": ("事件时间晚于结案日期 {}", "event is after the case's closing date {}"),
    "bad_case_number": ("不是有效的法院案号（{}）", "not a valid court case number ({})"),
    "unknown_court": (
        "案号中的法院简称 {} 无法识别（旧式案号只识别本市法院的简称）",
        "the court abbreviation {} in the case number is not known (old-style abbreviations are known for this city's courts only)",
    ),
    "court_mismatch": (
        "案号中的法院代码 {} 与承办单位的行政区划代码 {} 不一致",
        "the case number's court code {} contradicts the unit's division code {}",
    ),
    "unknown_unit": ("单位代码不存在", "unknown unit code"),
    "out_of_scope": ("该单位不在您的数据范围内", "this unit is outside your scope"),
    "unknown_staff": ("办案人员工号不存在（数据库和本次导入中均未找到）", "unknown staff number (neither in the database nor in this import)"),
    "unknown_matter": ("案事件编号不存在", "unknown matter id"),
    "unknown_case": ("引用的案件不存在", "the referenced case does not exist"),
    "unknown_party": ("引用的当事人不存在", "the referenced party does not exist"),
    "unknown_item": ("引用的涉案财物不存在", "the referenced property item does not exist"),
    "rejected_parent": ("引用的 {} 行有错误，本行一并拒绝", "refers to a rejected {} row, so this row is rejected too"),
    "duplicate": ("重复记录：与第 {} 行的主键相同", "duplicate: same key as row {}"),
    "scope_shared": (
        "该记录已与您数据范围外的案件关联，本次导入不修改它（可由上级单位修改）",
        "this record is linked to cases outside your scope; this import leaves it unchanged (a higher-level unit may change it)",
    ),
}  # fmt: skip


def empty() -> pl.DataFrame:
    return pl.DataFrame(schema=SCHEMA)


def _fill(template: str, args) -> str:
    return template.format(*args) if args else template


def file_issue(
    code: str,
    file: str,
    *args,
    sheet: str = "",
    column: str = "",
    field: str = "",
    value: str = "",
    row: int | None = None,
    severity: str = "error",
) -> pl.DataFrame:
    """One problem that concerns a whole file or a header cell."""
    zh, en = MESSAGES[code]
    return pl.DataFrame(
        [
            {
                "__rid": None,
                "severity": severity,
                "file": file,
                "sheet": sheet,
                "row": row,
                "column": column,
                "field": field,
                "value": preview_text(value),
                "code": code,
                "reason_zh": _fill(zh, args),
                "reason_en": _fill(en, args),
            }
        ],
        schema=SCHEMA,
    )


def preview_text(value) -> str:
    text = "" if value is None else str(value)
    if len(text) > VALUE_PREVIEW:
        return text[:VALUE_PREVIEW] + f"…({len(text)})"
    return text


def preview_expr(expr: pl.Expr) -> pl.Expr:
    """Vectorised `preview_text` for a String column."""
    n = expr.str.len_chars()
    return (
        pl.when(n > VALUE_PREVIEW)
        .then(pl.format("{}…({})", expr.str.slice(0, VALUE_PREVIEW), n))
        .otherwise(expr)
        .fill_null("")
    )


def row_issues(
    frame: pl.DataFrame,
    mask: pl.Expr,
    code: str,
    field: str,
    value: pl.Expr | None = None,
    args: tuple[pl.Expr, ...] = (),
    args_en: tuple[pl.Expr, ...] | None = None,
) -> pl.DataFrame:
    """Problems for every row of `frame` where `mask` holds.

    `frame` has ``__rid``, ``__file``, ``__sheet``, ``__row`` and the raw column ``field`` (as
    String). `args` fill the ``{}`` of the message, each an expression evaluated per row;
    `args_en`, when given, fill the English message instead (a reason that is itself bilingual).
    """
    zh, en = MESSAGES[code]
    hit = frame.filter(mask.fill_null(False))
    if hit.is_empty():
        return empty()
    if value is None:
        value = pl.col(field).cast(pl.String) if field in hit.columns else pl.lit("")

    def message(template: str, fill: tuple[pl.Expr, ...] = args) -> pl.Expr:
        return pl.format(template, *fill) if fill else pl.lit(template)

    return hit.select(
        pl.col("__rid").cast(pl.Int64),
        pl.lit("error").alias("severity"),
        pl.col("__file").alias("file"),
        pl.col("__sheet").alias("sheet"),
        pl.col("__row").cast(pl.Int64).alias("row"),
        pl.lit(field).alias("column"),
        pl.lit(field).alias("field"),
        preview_expr(value.cast(pl.String)).alias("value"),
        pl.lit(code).alias("code"),
        message(zh).alias("reason_zh"),
        message(en, args if args_en is None else args_en).alias("reason_en"),
    )


def concat(frames: list[pl.DataFrame]) -> pl.DataFrame:
    frames = [f for f in frames if not f.is_empty()]
    if not frames:
        return empty()
    return pl.concat([f.select(list(SCHEMA)).cast(SCHEMA) for f in frames], how="vertical")


def errors(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.filter(pl.col("severity") == "error")


def report_rows(frame: pl.DataFrame):
    """Rows of the report in display order, as tuples of COLUMNS."""
    ordered = frame.sort(["file", "sheet", "row", "column"], nulls_last=False, maintain_order=True)
    yield from ordered.select(COLUMNS).iter_rows()


#: Headings of the written report, by language: the reader's language first, the other
#: language's reason beside it (the clerk and the engineer read the same file), the issue code last.
REPORT_HEADERS = {
    "zh": ("级别", "文件", "工作表", "行号", "列", "字段", "值", "原因", "原因（英文）", "问题代码"),
    "en": ("Severity", "File", "Sheet", "Row", "Column", "Field", "Value", "Reason", "Reason (Chinese)", "Issue code"),
}  # fmt: skip
SEVERITY_LABELS = {"error": ("错误", "error"), "warning": ("警告", "warning")}


def report_language(language: str | None = None) -> str:
    """``"en"`` or ``"zh"``: the given language code, else the active Django language, else Chinese."""
    if language is None:
        try:
            from django.utils.translation import get_language

            language = get_language()
        except Exception:  # outside Django (a script): the platform's working language
            language = None
    return "en" if (language or "zh").lower().startswith("en") else "zh"


def _field_labels() -> tuple[dict[tuple[str, str], tuple[str, str]], dict[str, tuple[str, str]]]:
    """(table, field) -> (zh, en), and field -> (zh, en) for a row whose table is not known."""
    from casewatch.analytics.schema import TABLES

    by_table, anywhere = {}, {}
    for table in TABLES.values():
        for column in table.columns:
            by_table[(table.name, column.name)] = (column.zh, column.en)
            anywhere.setdefault(column.name, (column.zh, column.en))
    return by_table, anywhere


def localised_rows(frame: pl.DataFrame, language: str | None = None):
    """Rows of the report for a reader: severity and field by their names (the field as the
    canonical table names it, the table told by the file or sheet name), the reason in the
    reader's language first. Yields tuples in the order of `REPORT_HEADERS`."""
    from casewatch.cases.importing.tables import table_for_name

    en = report_language(language) == "en"
    by_table, anywhere = _field_labels()
    tables: dict[tuple[str, str], str | None] = {}
    for severity, file, sheet, row, column, field, value, code, reason_zh, reason_en in report_rows(frame):
        key = (file or "", sheet or "")
        if key not in tables:
            stem = Path(file or "").stem
            tables[key] = (table_for_name(sheet) if sheet else None) or table_for_name(stem)
        label = (by_table.get((tables[key], field)) or anywhere.get(field)) if field else None
        yield (
            SEVERITY_LABELS.get(severity, (severity, severity))[1 if en else 0],
            file,
            sheet,
            row,
            column,
            (label[1 if en else 0] if label else field) or "",
            value,
            reason_en if en else reason_zh,
            reason_zh if en else reason_en,
            code,
        )


def write_reports(
    frame: pl.DataFrame, directory: Path, stem: str = "errors", language: str | None = None
) -> tuple[Path, Path]:
    """Write the problems as CSV (UTF-8 with BOM, for Excel) and XLSX; both neutralised.

    Headings, severities and field names are in `language` (default: the active language,
    Chinese outside a request); the reasons in both languages, the reader's first."""
    directory.mkdir(parents=True, exist_ok=True)
    lang = report_language(language)
    header = REPORT_HEADERS[lang]
    csv_path = directory / f"{stem}.csv"
    xlsx_path = directory / f"{stem}.xlsx"
    with csv_path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        for row in localised_rows(frame, lang):
            writer.writerow([neutralise(v) for v in row])

    def limited():
        for n, row in enumerate(localised_rows(frame, lang)):
            if n >= XLSX_MAX_ROWS:
                break
            yield row

    data, _rows = xlsx_bytes("导入问题" if lang == "zh" else "import problems", header, limited())
    xlsx_path.write_bytes(data)
    return csv_path, xlsx_path


def preview(frame: pl.DataFrame, limit: int = 50) -> list[dict]:
    """The first problems as JSON-ready dicts (ImportRun.errors_preview)."""
    out = []
    for n, row in enumerate(report_rows(frame)):
        if n >= limit:
            break
        out.append(dict(zip(COLUMNS, row, strict=True)))
    return out

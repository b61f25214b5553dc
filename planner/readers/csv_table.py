"""Any CSV file a runner or coach hands us, read safely into a table of strings.

Runs and rosters are read through `read_table`: whatever the bytes (UTF-8 with or without
BOM, Excel's UTF-16 or Windows-1252, ';' or tab separated, blank lines), the result is a
table whose rows still know their spreadsheet row, or an InputError naming the file and,
when it can, the row. Nothing else escapes.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from planner.errors import InputError

# C0/C1 control characters other than tab, CR and LF never occur in a spreadsheet export;
# finding one means the file is binary or was decoded with the wrong encoding.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x0c\x0e-\x1f\x7f-\x9f]")
_PANDAS_LINE_RE = re.compile(r"line (\d+)")
_PANDAS_ROW_RE = re.compile(r"row (\d+)")
_UNNAMED_RE = re.compile(r"unnamed: \d+")
# A line made of these only is a blank spreadsheet row (",,," is what Excel writes for one).
_BLANK_CHARS = " \t\r\n,;"
# Shared bounds for every CSV (runs and rosters): the widest real file has a dozen columns
# and its longest cell is a run title or a platform's description of the run. Parsing cost
# grows with columns x rows, so a 1 MB file of 120 000 empty columns took pandas a minute
# and 600 MB: the width is checked on the header (a cheap csv.reader pass) before pandas
# sees the file, the cells right after.
MAX_COLUMNS = 200
MAX_CELL_CHARS = 10_000


@dataclass(frozen=True, eq=False)
class Table:
    """A CSV file read into strings, ready for a row-by-row loader (runs, roster...).

    `frame` holds the header cells as written (not yet normalised) and only non-blank
    rows; each row's index label plus `first_row` is its spreadsheet row, so errors can
    point at the line the user sees even after blank lines were skipped.
    """

    path: str
    frame: pd.DataFrame
    first_row: int  # spreadsheet row of index label 0 (header row + 1)
    encoding: str  # "utf-8", "utf-16", "windows-1252" or "latin-1"


def read_table(path: str | Path) -> Table:
    """Read any file as a CSV of strings, or raise InputError naming the file."""
    name = str(path)
    data = _read_bytes(path, name)
    text, encoding = _decode(data, name)
    _reject_control_characters(text, name)
    text, skipped = _drop_leading_blank_lines(text)
    if not text.strip(_BLANK_CHARS):
        raise InputError(
            "no runs in file: it is empty (expected a header row such as 'date,run,minutes')",
            file=name, row=1,
        )
    separator = _guess_separator(text)
    _check_width(text, separator, name, row_offset=skipped)
    frame = _parse_csv(text, separator, name, row_offset=skipped)
    _check_cells(frame, name, row_offset=skipped)
    header = [cell_text(value) for value in frame.iloc[0].tolist()]
    body = frame.iloc[1:].reset_index(drop=True)
    body.columns = header
    body = body[~_blank_rows(body)] if len(body) else body
    return Table(path=name, frame=body, first_row=skipped + 2, encoding=encoding)


def _read_bytes(path: str | Path, name: str) -> bytes:
    try:
        target = Path(path)
        if not target.exists():
            raise InputError("file not found", file=name)
        if not target.is_file():
            raise InputError("not a file (a folder or device?): give the path of a CSV file",
                             file=name)
        return target.read_bytes()
    except InputError:
        raise
    except (OSError, ValueError) as err:  # ValueError: e.g. a NUL byte in the path
        raise InputError(f"cannot read the file: {err}", file=name) from err


def _decode(data: bytes, name: str) -> tuple[str, str]:
    """Bytes -> text. UTF-8 (BOM or not) first, then the encodings Excel on Windows writes."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        # Excel's "Unicode text" export is UTF-16 with a BOM (and tab separated).
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as err:
            raise InputError("unreadable content: not valid UTF-16 text", file=name) from err
    if b"\x00" in data:
        raise InputError("binary content: this is not a CSV text file", file=name)
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    _reject_mixed_encodings(data, name)
    # Windows-1252 is what "Latin-1" files from Excel usually really are (it adds curly
    # quotes and dashes in 0x80-0x9F); true Latin-1 decodes any byte, so it comes last.
    try:
        return data.decode("cp1252"), "windows-1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


def _reject_mixed_encodings(data: bytes, name: str) -> None:
    """A file whose lines are partly UTF-8 (with accents) and partly not (Windows-1252,
    Latin-1) cannot be read as either without garbling some names: say which lines."""
    utf8_line = other_line = None
    for number, line in enumerate(re.split(rb"\r\n|\r|\n", data), start=1):
        if line.isascii():
            continue
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            other_line = other_line or number
        else:
            utf8_line = utf8_line or number
        if utf8_line and other_line:
            raise InputError(
                f"the file mixes encodings: line {utf8_line} is UTF-8 but line {other_line} "
                "is not (Windows-1252 or Latin-1?); save the whole file as UTF-8",
                file=name, row=other_line)


def _reject_control_characters(text: str, name: str) -> None:
    found = _CONTROL_RE.search(text)
    if found:
        line = len(re.split(r"\r\n|\r|\n", text[: found.start()]))
        raise InputError(
            f"binary or unreadable content (control character {found.group()!r}): "
            "this is not a CSV text file",
            file=name, row=line,
        )


def _drop_leading_blank_lines(text: str) -> tuple[str, int]:
    """pandas takes the column count from the first line, so a blank first line would
    make every later row 'too long'. Drop such lines but count them for row numbers."""
    lines = re.split(r"(\r\n|\r|\n)", text)
    skipped = 0
    # re.split with a group alternates [line, separator, line, separator, ...]
    while len(lines) > 2 and not lines[0].strip(_BLANK_CHARS):
        lines = lines[2:]
        skipped += 1
    return "".join(lines), skipped


def _guess_separator(text: str) -> str:
    """Comma, unless the header only uses ';' (European Excel) or tabs (UTF-16 export)."""
    header = re.split(r"\r\n|\r|\n", text, maxsplit=1)[0]
    for separator in (",", ";", "\t"):
        if separator in header:
            return separator
    return ","


def _check_width(text: str, separator: str, name: str, *, row_offset: int) -> None:
    """Refuse a header wider than MAX_COLUMNS before pandas builds a column for each cell.

    Later rows cannot be wider: pandas takes the width from the first line and refuses a
    longer row, so the header bounds the table."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
    try:
        header = next(reader, [])
    except csv.Error as err:
        if "field limit" in str(err):  # a header cell beyond csv's own 131 072 characters
            raise InputError(f"a header cell is over {MAX_CELL_CHARS:,} characters",
                             file=name, row=row_offset + 1) from err
        return  # pandas names what else is wrong with the file
    if len(header) > MAX_COLUMNS:
        raise InputError(f"the header has {len(header):,} columns; the most a CSV may have is "
                         f"{MAX_COLUMNS} (MAX_COLUMNS): keep only the columns the planner reads",
                         file=name, row=row_offset + 1)


def _check_cells(frame: pd.DataFrame, name: str, *, row_offset: int) -> None:
    """Refuse any cell longer than MAX_CELL_CHARS, naming the first one's row and column."""
    for position in range(frame.shape[1]):
        lengths = frame.iloc[:, position].str.len()
        too_long = lengths[lengths > MAX_CELL_CHARS]
        if len(too_long):
            label = int(too_long.index[0])
            header = cell_text(frame.iloc[0, position]) or f"column {position + 1}"
            raise InputError(f"a cell of {int(too_long.iloc[0]):,} characters; the most a cell "
                             f"may hold is {MAX_CELL_CHARS:,} (MAX_CELL_CHARS)",
                             file=name, row=row_offset + label + 1,
                             field=header[:40] if label else None)


def _parse_csv(text: str, separator: str, name: str, *, row_offset: int) -> pd.DataFrame:
    try:
        # header=None: we read the header row ourselves so that duplicate names survive
        # (pandas would rename them "x.1") and can be reported.
        # skip_blank_lines=False: blank lines stay as rows so a row's position is its
        # spreadsheet row; blank rows are dropped afterwards (index labels kept).
        frame = pd.read_csv(
            io.StringIO(text), sep=separator, header=None, dtype=str,
            keep_default_na=False, skip_blank_lines=False, index_col=False,
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError, csv.Error,
            OverflowError) as err:
        raise _parser_error(err, name, row_offset) from err
    if frame.empty or frame.shape[1] == 0:
        raise InputError("no header row: expected one such as 'date,run,minutes'",
                         file=name, row=row_offset + 1)
    return frame


def _parser_error(err: Exception, name: str, row_offset: int) -> InputError:
    """Say in plain words what the CSV parser choked on, with the row when it told us."""
    detail = str(err)
    line = _PANDAS_LINE_RE.search(detail)
    row = _PANDAS_ROW_RE.search(detail)
    if "Expected" in detail and line:
        found = re.search(r"Expected (\d+) fields .* saw (\d+)", detail)
        counts = (f"has {found.group(2)} cells but the header names {found.group(1)} columns"
                  if found else "has more cells than the header has names")
        return InputError(f"this row {counts}: remove the extra cells (a trailing comma?), "
                          "name the column, or put quotes around a title with a comma",
                          file=name, row=int(line.group(1)) + row_offset)
    if "EOF inside string" in detail and row:
        # pandas counts rows from 0 here
        return InputError('a quoted cell is never closed (a missing ")',
                          file=name, row=int(row.group(1)) + 1 + row_offset)
    short = detail.strip().splitlines()[0][:200] if detail.strip() else type(err).__name__
    return InputError(f"cannot read this as CSV: {short}", file=name)


def cell_text(value: Any) -> str:
    """A frame cell as stripped text; missing cells (NaN/None) are empty."""
    if value is None or (pd.api.types.is_scalar(value) and pd.isna(value)):
        return ""  # NaN/None: a short row, or a frame built by another loader
    return str(value).replace("\ufeff", "").strip()


def _blank_rows(frame: pd.DataFrame) -> pd.Series:
    """Rows whose every cell is empty as cell_text reads it, a column at a time (a row at
    a time was most of the time a 10 000-athlete roster took to read)."""
    blank = pd.Series(True, index=frame.index)
    for position in range(frame.shape[1]):
        cells = frame.iloc[:, position].fillna("").astype(str)
        blank &= cells.str.replace("\ufeff", "", regex=False).str.strip().eq("")
    return blank


def normalise_header(name: Any) -> str:
    """A header cell as matched against column names: lower case, spaces folded."""
    text = cell_text(name).lower()
    text = " ".join(text.split())
    return "" if _UNNAMED_RE.fullmatch(text) else text


def find_column(frame: pd.DataFrame, column: str) -> int | None:
    """Position of the header cell naming `column`, however it is spelled, or None."""
    return next((index for index, name in enumerate(frame.columns)
                 if normalise_header(name) == column), None)


def with_encoding_note(err: InputError, encoding: str) -> InputError:
    """Mention the fallback encoding only when it could explain the error: the value
    quoted in the message has non-ASCII characters that may have been mis-decoded."""
    if encoding not in ("windows-1252", "latin-1") or err.message.isascii():
        return err
    note = " (the file is not UTF-8, so it was read as Latin-1; save it as UTF-8 if "
    note += "accents look wrong)"
    return InputError(err.message + note, file=err.file, row=err.row, field=err.field)
MAX_REPORTED_ERRORS = 20  # bad rows listed in one error message


def combine_errors(errors: Sequence[InputError]) -> InputError:
    """One error for many bad rows: the first names file, row and field as usual; the
    next ones (up to MAX_REPORTED_ERRORS in all) follow, one a line, so a file with
    three typos is fixed in one go."""
    first = errors[0]
    if len(errors) == 1:
        return first
    lines = [first.message]
    for err in errors[1:MAX_REPORTED_ERRORS]:
        where = ", ".join(part for part in (
            f"row {err.row}" if err.row is not None else None,
            f"field '{err.field}'" if err.field else None) if part)
        lines.append(f"  {where}: {err.message}" if where else f"  {err.message}")
    if len(errors) > MAX_REPORTED_ERRORS:
        lines.append(f"  … and {len(errors) - MAX_REPORTED_ERRORS} more bad rows")
    else:
        lines.append(f"  ({len(errors)} bad rows in all)")
    return InputError("\n".join(lines), file=first.file, row=first.row, field=first.field)

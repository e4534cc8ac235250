"""What a read workbook is (its sheets, their headings and rows) and the problems that refuse one,
with the limits every reader of an upload shares.
"""

from __future__ import annotations

from dataclasses import dataclass, field

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_ROWS = 2_000
MAX_COLUMNS = 40
TOO_MANY_ROWS = (
    f"This sheet has more than {MAX_ROWS:,} rows. Import at most {MAX_ROWS:,} rows at a time"
)
NOT_A_WORKBOOK = (
    "The file is not an Excel workbook. Save it from Excel as an Excel Workbook (.xlsx) "
    "and upload it again"
)


class WorkbookRefused(Exception):
    """The file cannot be read safely; ``problems`` say why, in plain words."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))


@dataclass(frozen=True)
class Problem:
    where: str  # "Objectives!C4", "Objectives" or "" for the whole file
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message


@dataclass
class Sheet:
    title: str
    headings: list[str]
    rows: list[tuple[int, tuple]] = field(default_factory=list)

    def column_label(self, index: int) -> str:
        heading = self.headings[index] if index < len(self.headings) else ""
        letter = column_letter(index)
        return f"Column {letter}: {heading}" if heading else f"Column {letter}"


@dataclass
class Workbook:
    sheets: dict[str, Sheet]  # by lower-case title

    def sheet(self, title: str) -> Sheet | None:
        return self.sheets.get(title.lower())


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def cell_ref(sheet: str, column: int, row: int) -> str:
    return f"{sheet}!{column_letter(column)}{row}"

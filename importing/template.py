"""The template workbook: the contract's sheets and columns, a note on each heading, date
validation on the date columns and an example row."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from .columns import COLUMNS, MILESTONES, OBJECTIVES
from .workbook import MAX_ROWS

DATE_FORMAT = "yyyy-mm-dd"


def template_workbook() -> bytes:
    book = Workbook()
    book.remove(book.active)
    for sheet_name in (OBJECTIVES, MILESTONES):
        sheet = book.create_sheet(sheet_name)
        columns = COLUMNS[sheet_name]
        for index, column in enumerate(columns, start=1):
            cell = sheet.cell(row=1, column=index, value=column.name)
            cell.font = Font(bold=True)
            cell.comment = Comment(f"{column.label}. {column.note}", "Improvement plan")
            example = sheet.cell(row=2, column=index, value=column.example)
            letter = get_column_letter(index)
            sheet.column_dimensions[letter].width = 16 if column.is_date else 30
            if column.is_date:
                example.number_format = DATE_FORMAT
                validation = DataValidation(
                    type="date",
                    operator="between",
                    formula1="DATE(1900,1,1)",
                    formula2="DATE(2999,12,31)",
                    allow_blank=True,
                    showErrorMessage=True,
                    errorTitle="Not a date",
                    error="Enter a date, for example 2026-03-31 or 31/03/2026.",
                    promptTitle=column.label,
                    prompt=column.note[:255],
                    showInputMessage=True,
                )
                validation.add(f"{letter}2:{letter}{MAX_ROWS + 1}")
                sheet.add_data_validation(validation)
        sheet.freeze_panes = "A2"
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()

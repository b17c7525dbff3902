"""Compile a transcript into the Local Benchmark non-financial sheet: `build_sheet` makes the view model,
renderers turn it into files. Only this package imports jinja2 (and, later, openpyxl)."""

from dialogue.sheet.data import SheetData, build_sheet

__all__ = ["SheetData", "build_sheet"]

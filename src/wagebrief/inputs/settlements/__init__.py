"""Settlement records: reading what analysts type, the schema, and rejects.

Raw files are long format, one row per wage event of a contract. The record's columns and
vocabularies are :mod:`.record`'s; :mod:`.files` reads files as the exact text typed, :mod:`.cells`
types the cells, :mod:`.validation` applies the schema and splits valid rows from rejects, and
:mod:`.processed` loads and filters the valid events. This package's names are the record's API.
"""

from wagebrief.inputs.settlements.cells import (DATE_RANGE, EXCEL_EPOCH, parse, parse_date, parse_money, parse_number,
                                                parse_vocab, per_unique)
from wagebrief.inputs.settlements.processed import load, select, with_package_columns
from wagebrief.inputs.settlements.files import (SUFFIXES, XLSX_HEADER_SCAN, XLSX_MIN_HEADER_NAMES, check_header,
                                               discover, is_percent_format, read_files, read_raw)
from wagebrief.inputs.settlements.record import (ALL_COLUMNS, BASE_EVENTS, COLUMN_DOCS, COLUMNS, DATE_COLUMNS,
                                                 FIELDS_COL, FILE_COL, MONEY_COLUMNS, NUMBER_COLUMNS, OPTIONAL_COLUMNS,
                                                 OPTIONAL_TEXT, OPTIONAL_VOCABULARIES, PCT_RANGE, REQUIRED_DATES,
                                                 REQUIRED_TEXT, ROW_COL, SHARE_EVENTS, SHARE_RANGE, SID_COL, TEXT,
                                                 VOCABULARIES, WEEKS_PER_YEAR, SettlementFileError, concat_errors,
                                                 row_errors, with_optional)
from wagebrief.inputs.settlements.validation import (RULES, SCHEMA, ValidationResult, derive, exact_duplicates,
                                                   fraction_warnings, invisible_warnings, schema_errors, validate,
                                                   validate_frame)

__all__ = [
    "ALL_COLUMNS", "BASE_EVENTS", "COLUMNS", "COLUMN_DOCS", "DATE_COLUMNS", "DATE_RANGE", "EXCEL_EPOCH", "FIELDS_COL",
    "FILE_COL", "MONEY_COLUMNS", "NUMBER_COLUMNS", "OPTIONAL_COLUMNS", "OPTIONAL_TEXT", "OPTIONAL_VOCABULARIES",
    "PCT_RANGE", "REQUIRED_DATES", "REQUIRED_TEXT", "ROW_COL", "RULES", "SCHEMA", "SHARE_EVENTS", "SHARE_RANGE",
    "SID_COL", "SUFFIXES", "TEXT", "VOCABULARIES", "WEEKS_PER_YEAR", "XLSX_HEADER_SCAN", "XLSX_MIN_HEADER_NAMES",
    "SettlementFileError",
    "ValidationResult", "check_header", "concat_errors", "derive", "discover", "exact_duplicates",
    "fraction_warnings", "invisible_warnings", "is_percent_format", "load", "parse", "parse_date", "parse_money",
    "parse_number", "parse_vocab", "per_unique", "read_files", "read_raw", "row_errors", "schema_errors", "select",
    "validate", "validate_frame", "with_optional", "with_package_columns",
]

"""Bounds on what an XLSX workbook may expand to, checked before openpyxl reads it.

An XLSX file is a zip of XML parts. Deflate packs a repeated row a thousand times over, so a
785 KB file can hold a 288 MB sheet, which openpyxl then spends minutes and gigabytes turning
into cells (and the reader into problems). A workbook an analyst types is a few megabytes of
XML at most, so :func:`check` refuses one whose XML parts, as the zip's directory declares
them, add up to more than :data:`MAX_XML_BYTES`, and a sheet whose cells span more than
:data:`MAX_CELLS` (rows x columns: a single cell typed in row 1,048,576 or column XFD makes a
tiny file that reads as billions of empty cells). The declared sizes can be trusted: Python's
zipfile stops reading a part at its declared size and fails its CRC check if there is more.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

#: Most uncompressed XML a workbook may hold (every sheet, shared strings and styles together).
MAX_XML_BYTES = 50 * 2**20
#: Most cells a sheet's used range (last row x last column) may span.
MAX_CELLS = 5_000_000
#: The workbook's sheet list is read only when it is this small (it is a few KB in practice).
MAX_INDEX_BYTES = 2**20
_XML_PART = (".xml", ".rels", ".vml")
_NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
       "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships"}
_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
#: A cell or row reference (` r="AB12"`, `<row r="12"`), wherever it sits among the attributes.
_CELL_REF = re.compile(rb'<c\b[^>]*?\sr="([A-Z]{1,4})(\d{1,9})"')
_ROW_REF = re.compile(rb'<row\b[^>]*?\sr="(\d{1,9})"')
_CHUNK = 1 << 22


class WorkbookTooLarge(ValueError):
    """A workbook or sheet past :data:`MAX_XML_BYTES` or :data:`MAX_CELLS`."""


@dataclass(frozen=True)
class Sheet:
    """A worksheet as the workbook lists it: its tab name, visibility and zip part."""

    title: str
    state: str  #: "visible", "hidden" or "veryHidden"
    part: str | None


def sheets(zf: zipfile.ZipFile) -> list[Sheet]:
    """The workbook's sheets, in tab order, with the zip part each is stored in."""
    def small_xml(name: str) -> ElementTree.Element | None:
        try:
            info = zf.getinfo(name)
        except KeyError:
            return None
        return ElementTree.fromstring(zf.read(info)) if info.file_size <= MAX_INDEX_BYTES else None

    book, rels = small_xml("xl/workbook.xml"), small_xml("xl/_rels/workbook.xml.rels")
    if book is None:
        return []
    targets = {r.get("Id"): r.get("Target", "") for r in (rels if rels is not None else [])
               if r.tag == _REL}
    out = []
    for s in book.iterfind("m:sheets/m:sheet", _NS):
        target = targets.get(s.get(f"{{{_NS['r']}}}id"))
        part = (target.lstrip("/") if target and target.startswith("/")
                else posixpath.normpath(posixpath.join("xl", target)) if target else None)
        out.append(Sheet(s.get("name", ""), s.get("state", "visible"), part))
    return out


def _column_number(letters: bytes) -> int:
    n = 0
    for b in letters:
        n = n * 26 + b - 64
    return n


def used_range(zf: zipfile.ZipFile, part: str) -> tuple[int, int]:
    """(last row, last column) a sheet's cell references reach, scanned without parsing the XML
    (about 0.4 s for 50 MB)."""
    rows = cols = 0
    tail = b""
    with zf.open(part) as fh:
        while chunk := fh.read(_CHUNK):
            buf = tail + chunk
            # A reference cut by the chunk's end is found whole in the next pass (overlap).
            cut = max(0, len(buf) - 256)
            for m in _CELL_REF.finditer(buf):
                rows = max(rows, int(m[2]))
                cols = max(cols, _column_number(m[1]))
            for m in _ROW_REF.finditer(buf):
                rows = max(rows, int(m[1]))
            tail = buf[cut:]
    return rows, cols


def check(path: str | Path, error: type[Exception] = WorkbookTooLarge) -> None:
    """Raise ``error`` naming the file (and the sheet) when the workbook's XML would expand past
    :data:`MAX_XML_BYTES` or a sheet's used range past :data:`MAX_CELLS`."""
    with zipfile.ZipFile(path) as zf:
        by_part = {s.part: s.title for s in sheets(zf)}
        # A sheet is read from whatever part the workbook names, whatever its extension.
        parts = [i for i in zf.infolist() if i.filename.lower().endswith(_XML_PART) or i.filename in by_part]
        total = sum(i.file_size for i in parts)
        if total > MAX_XML_BYTES:
            big = max(parts, key=lambda i: i.file_size)
            what = f"sheet {by_part[big.filename]!r}" if big.filename in by_part else f"part {big.filename}"
            packed = sum(i.compress_size for i in parts)
            raise error(
                f"{path}: the workbook expands to {total / 2**20:,.1f} MB of XML ({packed / 2**20:,.1f} MB "
                f"compressed; the largest, {what}, is {big.file_size / 2**20:,.1f} MB); at most "
                f"{MAX_XML_BYTES / 2**20:,.0f} MB is read. Save the data as CSV (no size limit) or split "
                "the workbook")
        for part, title in by_part.items():
            if part is None or part not in zf.NameToInfo:
                continue
            rows, cols = used_range(zf, part)
            if rows * cols > MAX_CELLS:
                raise error(
                    f"{path}[{title}]: the sheet's cells reach row {rows:,} and column {cols:,} "
                    f"({rows * cols:,} cells); at most {MAX_CELLS:,} are read. Delete what was typed far "
                    "below or right of the data, or save the data as CSV")

"""A fast ``.xlsx`` serialiser for the plain tables of :func:`sozialraum.io.write.write_excel`.

openpyxl builds one ``Cell`` object per cell, hashes its style and writes it through a
pure-Python XML stream; for the workbooks of a yearly run (hundreds of thousands of
cells) that is most of the time spent writing files. This module writes the same
SpreadsheetML as openpyxl 3.1 does for these tables (inline strings, the same style
records, frozen header, auto-filter, column widths) straight into the zip, in one pass
per column. It knows only what :func:`~sozialraum.io.write.write_excel` needs: text,
numbers and booleans, a title cell, a bold header row, number formats and the
right-aligned statistical symbols. Anything else (dates, other objects) is written by
openpyxl itself (the caller checks :func:`plain_value` first).

Sheet names, string checks (illegal characters, the 32,767 character limit) and the
theme are openpyxl's own, so the rules are the same in both paths.
"""

from __future__ import annotations

import functools
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

__all__ = ["SheetCells", "plain_value", "write_workbook", "TITLE", "HEADER", "SYMBOL"]

#: style keys of the cells (besides a number format code)
TITLE, HEADER, SYMBOL = "title", "header", "symbol"

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT = "application/vnd.openxmlformats-officedocument"
#: texts openpyxl writes as error cells (``openpyxl.cell.cell.ERROR_CODES``)
_ERROR_CODES = frozenset(("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A"))


@dataclass
class SheetCells:
    """The cells of one sheet, column by column.

    ``columns[j]`` holds the values of data column ``j`` (``None`` = no cell) and
    ``styles[j]`` the style of each value (``None``, a number format code or
    :data:`SYMBOL`); the header texts stand in row ``row0``, the data below it.
    """

    title: str
    heading: str | None
    row0: int
    headers: list[str]
    columns: list[list] = field(default_factory=list)
    styles: list[list] = field(default_factory=list)
    widths: list[int] = field(default_factory=list)
    nrows: int = 0


def plain_value(v) -> bool:
    """Whether this module writes ``v`` exactly as openpyxl would (text, number, bool)."""
    return v is None or type(v) in (str, int, float, bool)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _attr(text: str) -> str:
    return _escape(text).replace('"', "&quot;")


def _col_letter(j: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(j)


class _Styles:
    """The cell formats (``cellXfs``) of one workbook, numbered in order of first use."""

    def __init__(self):
        from openpyxl.styles.numbers import BUILTIN_FORMATS_REVERSE

        self._builtin = BUILTIN_FORMATS_REVERSE
        self.fonts: list[str] = ['<font><name val="Calibri" /><family val="2" /><color theme="1" /><sz val="11" /><scheme val="minor" /></font>']  # fmt: skip
        self.numfmts: dict[str, int] = {}
        self.xfs: list[str] = [
            '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" pivotButton="0" quotePrefix="0" xfId="0" />'  # fmt: skip
        ]
        self._ids: dict[str, int] = {}

    def _font(self, xml: str) -> int:
        if xml not in self.fonts:
            self.fonts.append(xml)
        return self.fonts.index(xml)

    def _numfmt(self, code: str) -> int:
        if code in self._builtin:
            return self._builtin[code]
        if code not in self.numfmts:
            self.numfmts[code] = 164 + len(self.numfmts)
        return self.numfmts[code]

    def id(self, key: str) -> int:
        """The ``s`` attribute of a cell of style ``key`` (registered on first use)."""
        found = self._ids.get(key)
        if found is not None:
            return found
        num, font, align = 0, 0, ""
        if key == TITLE:
            font = self._font('<font><b val="1" /><sz val="12" /></font>')
        elif key == HEADER:
            font = self._font('<font><b val="1" /></font>')
            align = '<alignment vertical="top" wrapText="1" />'
        elif key == SYMBOL:
            align = '<alignment horizontal="right" />'
        else:
            num = self._numfmt(key)
        applied = ' applyAlignment="1"' if align else ""
        head = (
            f'<xf numFmtId="{num}" fontId="{font}" fillId="0" borderId="0"{applied} '
            'pivotButton="0" quotePrefix="0" xfId="0"'
        )
        self.xfs.append(f"{head}>{align}</xf>" if align else f"{head} />")
        self._ids[key] = len(self.xfs) - 1
        return self._ids[key]

    def xml(self) -> str:
        from openpyxl.styles.colors import COLOR_INDEX

        nf = ""
        if self.numfmts:
            items = "".join(
                f'<numFmt numFmtId="{i}" formatCode="{_attr(c)}" />'
                for c, i in self.numfmts.items()
            )
            nf = f'<numFmts count="{len(self.numfmts)}">{items}</numFmts>'
        colors = "".join(f'<rgbColor rgb="{c}" />' for c in COLOR_INDEX[:64])
        return (
            f'<styleSheet xmlns="{_MAIN}">{nf}'
            f'<fonts count="{len(self.fonts)}">{"".join(self.fonts)}</fonts>'
            '<fills count="2"><fill><patternFill /></fill>'
            '<fill><patternFill patternType="gray125" /></fill></fills>'
            '<borders count="1"><border><left /><right /><top /><bottom /><diagonal />'
            "</border></borders>"
            '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" />'
            f'</cellStyleXfs><cellXfs count="{len(self.xfs)}">{"".join(self.xfs)}</cellXfs>'
            '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0" hidden="0" />'
            '</cellStyles><tableStyles count="0" defaultTableStyle="TableStyleMedium9" '
            'defaultPivotStyle="PivotStyleLight16" />'
            f"<colors><indexedColors>{colors}</indexedColors></colors></styleSheet>"
        )


@functools.cache
def _illegal():
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    return ILLEGAL_CHARACTERS_RE.search


def _text(value: str) -> str:
    """A string as openpyxl stores it: at most 32,767 characters, no control characters."""
    value = value[:32767]
    if _illegal()(value):
        from openpyxl.utils.exceptions import IllegalCharacterError

        raise IllegalCharacterError(f"{value} cannot be used in worksheets.")
    return value


def _cell(ref: str, value, style: int) -> str:
    """One ``<c>`` element as openpyxl's writer makes it."""
    s = f' s="{style}"' if style else ""
    if value is None:  # an empty cell that has a style
        return f'<c r="{ref}"{s} t="n" />'
    if isinstance(value, str):
        value = _text(value)
        if value in _ERROR_CODES:
            return f'<c r="{ref}"{s} t="e"><v>{_escape(value)}</v></c>'
        if value == "":
            return f'<c r="{ref}"{s} t="inlineStr" />'
        stripped = value.strip()
        sp = ' xml:space="preserve"' if stripped and stripped != value else ""
        return f'<c r="{ref}"{s} t="inlineStr"><is><t{sp}>{_escape(value)}</t></is></c>'
    kind = "b" if isinstance(value, bool) else "n"
    if value != value or value in (float("inf"), float("-inf")):
        return f'<c r="{ref}"{s} t="{kind}"><v /></c>'
    # "%.16g" is how openpyxl writes numbers (the same text, the same value read back)
    return f'<c r="{ref}"{s} t="{kind}"><v>{"%.16g" % value}</v></c>'  # noqa: UP031


def _register(sheet: SheetCells, styles: _Styles) -> None:
    """Number the data cells' styles in row order, as openpyxl does when it writes a sheet."""
    first: list[tuple[int, int, str]] = []
    for j, keys in enumerate(sheet.styles):
        seen: dict[str, int] = {}
        for i, k in enumerate(keys):
            if k is not None and k not in seen:
                seen[k] = i
        first += [(i, j, k) for k, i in seen.items()]
    for _, _, k in sorted(first):
        styles.id(k)


def _column_xml(a: str, values: list, keys: list, styles: _Styles, first: int) -> list[str]:
    """The ``<c>`` elements of one column (``""`` where the column has no cell)."""
    ids = {k: styles.id(k) for k in dict.fromkeys(keys) if k is not None}
    out = []
    for i, (v, k) in enumerate(zip(values, keys, strict=True)):
        if type(v) is float and v - v == 0:  # a finite number, the common case
            s = f' s="{ids[k]}"' if k is not None else ""
            out.append(f'<c r="{a}{first + i}"{s} t="n"><v>{"%.16g" % v}</v></c>')  # noqa: UP031
        elif v is None:
            out.append("" if k is None else f'<c r="{a}{first + i}" s="{ids[k]}" t="n" />')
        else:
            out.append(_cell(f"{a}{first + i}", v, ids[k] if k is not None else 0))
    return out


def _sheet_rows(sheet: SheetCells, styles: _Styles) -> str:
    """``<sheetData>``: the title, the header row and the data rows."""
    letters = [_col_letter(j) for j in range(1, len(sheet.headers) + 1)]
    rows: list[str] = []
    if sheet.heading is not None:
        rows.append(f'<row r="1">{_cell("A1", sheet.heading, styles.id(TITLE))}</row>')
    h = styles.id(HEADER)
    r0 = sheet.row0
    cells = "".join(_cell(f"{a}{r0}", t, h) for a, t in zip(letters, sheet.headers, strict=True))
    rows.append(f'<row r="{r0}">{cells}</row>')
    _register(sheet, styles)
    cols = [
        _column_xml(a, values, keys, styles, r0 + 1)
        for a, values, keys in zip(letters, sheet.columns, sheet.styles, strict=True)
    ]
    for i, cells_i in enumerate(zip(*cols, strict=True)):
        r, text = r0 + 1 + i, "".join(cells_i)
        rows.append(f'<row r="{r}">{text}</row>')
    if not cols:
        rows += [f'<row r="{r0 + 1 + i}"></row>' for i in range(sheet.nrows)]
    if not sheet.nrows:  # openpyxl made the (empty) cell of the frozen pane's corner
        rows.append(f'<row r="{r0 + 1}"></row>')
    return "<sheetData>" + "".join(rows) + "</sheetData>"


def _sheet_xml(sheet: SheetCells, styles: _Styles) -> str:
    n = max(1, len(sheet.headers))
    last_col = _col_letter(n)
    r0, last_row = sheet.row0, sheet.row0 + sheet.nrows
    # the used range includes the frozen pane's corner cell (B below the header)
    used = f"A1:{_col_letter(max(2, n))}{max(last_row, r0 + 1)}"
    cols = "".join(
        f'<col width="{w}" customWidth="1" min="{j}" max="{j}" />'
        for j, w in enumerate(sheet.widths, start=1)
    )
    return (
        f'<worksheet xmlns="{_MAIN}"><sheetPr><outlinePr summaryBelow="1" summaryRight="1" />'
        f'<pageSetUpPr /></sheetPr><dimension ref="{used}" />'
        f'<sheetViews><sheetView workbookViewId="0"><pane xSplit="1" ySplit="{r0}" '
        f'topLeftCell="B{r0 + 1}" activePane="bottomRight" state="frozen" />'
        '<selection pane="topRight" /><selection pane="bottomLeft" />'
        '<selection pane="bottomRight" activeCell="A1" sqref="A1" /></sheetView></sheetViews>'
        '<sheetFormatPr baseColWidth="8" defaultRowHeight="15" />'
        + (f"<cols>{cols}</cols>" if cols else "")
        + _sheet_rows(sheet, styles)
        + f'<autoFilter ref="A{r0}:{last_col}{last_row}" />'
        '<pageMargins left="0.75" right="0.75" top="1" bottom="1" header="0.5" footer="0.5" />'
        "</worksheet>"
    )


def _workbook_xml(sheets: Sequence[SheetCells]) -> str:
    from openpyxl.utils import quote_sheetname

    entries = "".join(
        f'<sheet name="{_attr(s.title)}" sheetId="{i}" state="visible" r:id="rId{i}" />'
        for i, s in enumerate(sheets, start=1)
    )
    names = "".join(
        f'<definedName name="_xlnm._FilterDatabase" localSheetId="{i}" hidden="1">'
        f"{_escape(quote_sheetname(s.title))}!$A${s.row0}:"
        f"${_col_letter(max(1, len(s.headers)))}${s.row0 + s.nrows}</definedName>"
        for i, s in enumerate(sheets)
    )
    return (
        f'<workbook xmlns:r="{_REL}" xmlns="{_MAIN}"><workbookPr /><workbookProtection />'
        '<bookViews><workbookView visibility="visible" minimized="0" showHorizontalScroll="1" '
        'showVerticalScroll="1" showSheetTabs="1" tabRatio="600" firstSheet="0" activeTab="0" '
        f'autoFilterDateGrouping="1" /></bookViews><sheets>{entries}</sheets>'
        + (f"<definedNames>{names}</definedNames>" if names else "")
        + '<calcPr calcId="124519" fullCalcOnLoad="1" /></workbook>'
    )


def _package_parts(n: int) -> dict[str, str]:
    """Content types, relationships and document properties of a workbook of ``n`` sheets."""
    import openpyxl

    stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    sheets_ct = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
        f'ContentType="{_CT}.spreadsheetml.worksheet+xml" />'
        for i in range(1, n + 1)
    )
    rels = "".join(
        f'<Relationship Type="{_REL}/worksheet" Target="/xl/worksheets/sheet{i}.xml" Id="rId{i}" />'
        for i in range(1, n + 1)
    )
    return {
        "[Content_Types].xml": (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            f'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml" />'  # fmt: skip
            '<Default Extension="xml" ContentType="application/xml" />'
            f'<Override PartName="/xl/styles.xml" ContentType="{_CT}.spreadsheetml.styles+xml" />'
            f'<Override PartName="/xl/theme/theme1.xml" ContentType="{_CT}.theme+xml" />'
            '<Override PartName="/docProps/core.xml" '
            'ContentType="application/vnd.openxmlformats-package.core-properties+xml" />'
            f'<Override PartName="/docProps/app.xml" ContentType="{_CT}.extended-properties+xml" />'
            f"{sheets_ct}"
            '<Override PartName="/xl/workbook.xml" '
            f'ContentType="{_CT}.spreadsheetml.sheet.main+xml" /></Types>'
        ),
        "_rels/.rels": (
            f'<Relationships xmlns="{_PKG_REL}">'
            f'<Relationship Type="{_REL}/officeDocument" Target="xl/workbook.xml" Id="rId1" />'
            f'<Relationship Type="{_PKG_REL}/metadata/core-properties" '
            'Target="docProps/core.xml" Id="rId2" />'
            f'<Relationship Type="{_REL}/extended-properties" Target="docProps/app.xml" Id="rId3" />'
            "</Relationships>"
        ),
        "xl/_rels/workbook.xml.rels": (
            f'<Relationships xmlns="{_PKG_REL}">{rels}'
            f'<Relationship Type="{_REL}/styles" Target="styles.xml" Id="rId{n + 1}" />'
            f'<Relationship Type="{_REL}/theme" Target="theme/theme1.xml" Id="rId{n + 2}" />'
            "</Relationships>"
        ),
        "docProps/app.xml": (
            '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
            'extended-properties"><Application>Microsoft Excel Compatible / Openpyxl '
            f"{openpyxl.__version__}</Application><AppVersion>"
            f"{'.'.join(openpyxl.__version__.split('.')[:2])}</AppVersion></Properties>"
        ),
        "docProps/core.xml": (
            '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/'
            'metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
            'xmlns:dcterms="http://purl.org/dc/terms/" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:creator>openpyxl'
            '</dc:creator><dcterms:created xsi:type="dcterms:W3CDTF">'
            f'{stamp}</dcterms:created><dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}'
            "</dcterms:modified></cp:coreProperties>"
        ),
    }


def write_workbook(path: Path, sheets: Sequence[SheetCells]) -> Path:
    """Write ``sheets`` as one ``.xlsx`` workbook (the parts and order of openpyxl's)."""
    from openpyxl.writer.theme import theme_xml

    styles = _Styles()
    sheet_xml = [_sheet_xml(s, styles) for s in sheets]
    parts = _package_parts(len(sheets))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as z:
        z.writestr("docProps/app.xml", parts["docProps/app.xml"])
        z.writestr("docProps/core.xml", parts["docProps/core.xml"])
        z.writestr("xl/theme/theme1.xml", theme_xml)
        for i, xml in enumerate(sheet_xml, start=1):
            z.writestr(f"xl/worksheets/sheet{i}.xml", xml)
        z.writestr("xl/styles.xml", styles.xml())
        z.writestr("xl/workbook.xml", _workbook_xml(sheets))
        for name in ("xl/_rels/workbook.xml.rels", "[Content_Types].xml", "_rels/.rels"):
            z.writestr(name, parts[name])
    return path

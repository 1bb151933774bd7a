"""Printing an extract PDF, or saving it to a USB stick: the steps after catalog.extract made it.

The printer is what staff set in ``kiosk.toml`` (``printer``): empty for the system's default
printer, a printer's name, or ``file:/path/out.pdf`` to print into a PDF file through QPrinter
(kiosks without a printer while they are set up, and tests: it stands in for the hardware and
the page images that reach it are the real ones). Every failure is a PrintError whose message is
plain Chinese for the citizen at the screen.
"""

from __future__ import annotations

import os
import shutil
import string
import sys
from pathlib import Path

from PySide6.QtCore import QSize
from PySide6.QtGui import QImage, QPainter, QPageLayout, QPageSize
from PySide6.QtPrintSupport import QPrinter, QPrinterInfo

PRINT_DPI = 200  # page images sent to the printer: sharp for text, quick to render


class PrintError(Exception):
    """Why nothing was printed or saved, for the screen (plain Chinese)."""


class PrinterUnavailable(PrintError):
    """The printer cannot print now (none, not found, in error, not answering): the print
    screen says it in a large dialog and its 打印 button says it is unavailable."""


def printer_for(spec: str) -> QPrinter:
    """The QPrinter ``spec`` names, checked: raises PrintError when it cannot print now."""
    if spec.startswith("file:"):
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(spec[len("file:"):])
        return printer
    printers = QPrinterInfo.availablePrinters()
    if not printers:
        raise PrinterUnavailable("本机没有连接打印机。您可以把文件存到U盘带走，或请工作人员帮忙。")
    info = next((p for p in printers if p.printerName() == spec), None) if spec else QPrinterInfo.defaultPrinter()
    if info is None or info.isNull():
        raise PrinterUnavailable("设置的打印机找不到了，请联系工作人员。您也可以把文件存到U盘带走。")
    if info.state() == QPrinter.PrinterState.Error:
        raise PrinterUnavailable("打印机暂时不能用（可能没开机、缺纸或卡纸），请联系工作人员。您也可以把文件存到U盘带走。")
    return QPrinter(info, QPrinter.PrinterMode.HighResolution)


def print_pdf(pdf_path: Path | str, spec: str, progress=None) -> int:
    """Send every page of ``pdf_path`` to the printer ``spec``; returns the number of pages.

    Runs off the GUI thread (each page is rendered to an image, then painted on the printer)."""
    from PySide6.QtPdf import QPdfDocument

    doc = QPdfDocument()
    doc.load(str(pdf_path))
    if doc.status() != QPdfDocument.Status.Ready or doc.pageCount() == 0:
        raise PrintError("要打印的文件没能生成，请再试一次。")
    printer = printer_for(spec)
    printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    printer.setPageMargins(printer.pageLayout().margins(), QPageLayout.Unit.Millimeter)
    printer.setFullPage(True)
    painter = QPainter()
    if not painter.begin(printer):
        raise PrinterUnavailable("打印机没有响应（可能没开机或缺纸），请联系工作人员。您也可以把文件存到U盘带走。")
    try:
        pages = doc.pageCount()
        for n in range(pages):
            if n:
                if not printer.newPage():
                    raise PrinterUnavailable("打印中途出错了（可能缺纸），请联系工作人员。")
            size_pt = doc.pagePointSize(n)
            image = doc.render(n, QSize(round(size_pt.width() / 72 * PRINT_DPI),
                                        round(size_pt.height() / 72 * PRINT_DPI)))
            page = QImage(image.size(), QImage.Format.Format_RGB32)
            page.fill(0xFFFFFF)  # rendered pages are transparent: paper is white
            with_painter = QPainter(page)
            with_painter.drawImage(0, 0, image)
            with_painter.end()
            target = printer.pageLayout().fullRectPixels(printer.resolution())
            painter.drawImage(target, page)
            if progress:
                progress("print", n + 1, pages)
    finally:
        painter.end()
    if printer.printerState() == QPrinter.PrinterState.Error:
        raise PrinterUnavailable("打印机报告出错（可能缺纸或卡纸），请联系工作人员。")
    return doc.pageCount()


def usb_folders(extra: list[str] | None = None) -> list[Path]:
    """Mounted removable drives to save to: Linux mount points under /media and /run/media,
    Windows removable drive letters, and folders staff named in the settings (``usb_dirs``)."""
    found: list[Path] = []
    for d in extra or []:
        if Path(d).is_dir():
            found.append(Path(d))
    if sys.platform == "win32":  # pragma: no cover - Windows kiosks
        import ctypes

        for letter in string.ascii_uppercase:
            root = f"{letter}:\\"
            if ctypes.windll.kernel32.GetDriveTypeW(root) == 2 and os.path.isdir(root):  # REMOVABLE
                found.append(Path(root))
    else:
        user = os.environ.get("USER", "")
        for base in (Path("/media"), Path("/media") / user, Path("/run/media") / user):
            if base.is_dir():
                for child in sorted(base.iterdir()):
                    if child.is_dir() and os.path.ismount(child):
                        found.append(child)
    return found


def save_to_usb(pdf_path: Path | str, name: str, folders: list[Path]) -> Path:
    """Copy the extract to the first stick; raises PrintError in plain Chinese."""
    if not folders:
        raise PrintError("没有找到U盘。请插入U盘，稍等几秒再点“存到U盘”。")
    safe = "".join(c for c in name if c not in '\\/:*?"<>|').strip()[:60] or "摘录"
    target = folders[0] / f"{safe}.pdf"
    n = 2
    while target.exists():
        target = folders[0] / f"{safe}（{n}）.pdf"
        n += 1
    try:
        shutil.copyfile(pdf_path, target)
    except OSError as exc:
        raise PrintError("存到U盘没有成功（U盘可能已拔出、已满或写保护），请检查后再试。") from exc
    return target

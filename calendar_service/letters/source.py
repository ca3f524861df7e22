"""From the bytes of a file to the text of a letter: PDF through ``pypdf``, text in any encoding.

Every refusal says what the input was and what to do instead; nothing here guesses silently.
"""

from __future__ import annotations

import codecs
import io
import logging
from dataclasses import dataclass

from ..errors import LetterError, TooLargeError

MAX_LETTER_BYTES = 10 * 1024 * 1024
MAX_PDF_PAGES = 300

# Control characters other than tab, newline, carriage return and form feed: a text file has
# next to none; a binary one is full of them.
_CONTROL = set(range(0, 9)) | {11} | set(range(14, 32)) | {127}


@dataclass(frozen=True)
class SourceText:
    """The text of a letter and how it was obtained."""

    text: str
    source: str  # "pdf" or "text"
    encoding: str  # the text encoding used, or "pdf text layer"
    pages: int | None = None


def read_source(data: bytes, *, name: str = "the letter", max_bytes: int = MAX_LETTER_BYTES) -> SourceText:
    """The text of a letter file: a PDF with a text layer, or text in UTF-8, UTF-16 or Windows-1252."""
    if len(data) > max_bytes:
        raise TooLargeError(f"{name} is {len(data):,} bytes; the most a letter may be is {max_bytes:,} bytes")
    if not data.strip():
        raise LetterError(f"{name} is empty; give the text of the letter or its PDF")
    if data.lstrip()[:5] == b"%PDF-":
        return _pdf_text(data.lstrip(), name)
    if data[:4] == b"%PDF" or name.lower().endswith(".pdf"):
        raise LetterError(f"{name} is not a PDF (it does not start with %PDF-); give a real PDF or the letter's text")
    return _decoded(data, name)


def _decoded(data: bytes, name: str) -> SourceText:
    for bom, encoding in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            try:
                return SourceText(data.decode(encoding), "text", encoding)
            except UnicodeDecodeError:
                raise LetterError(f"{name} starts with a {encoding} byte-order mark but does not decode as {encoding}") from None
    controls = sum(1 for byte in data[:65536] if byte in _CONTROL)
    if b"\x00" in data[:65536] or controls > len(data[:65536]) * 0.01:
        raise LetterError(f"{name} looks like binary data, not a letter; give its text (UTF-8) or a PDF with a text layer")
    try:
        return SourceText(data.decode("utf-8"), "text", "utf-8")
    except UnicodeDecodeError:
        pass
    try:
        # Letters saved on Windows: cp1252 covers the curly quotes and dashes UTF-8 did not.
        return SourceText(data.decode("cp1252"), "text", "windows-1252 (not valid UTF-8)")
    except UnicodeDecodeError:
        return SourceText(data.decode("latin-1"), "text", "latin-1 (neither UTF-8 nor Windows-1252)")


def _pdf_text(data: bytes, name: str) -> SourceText:
    # pypdf reports recoverable damage through logging; the letter is judged by its text below.
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise LetterError(f"{name} is an encrypted PDF; remove its password and try again")
        if len(reader.pages) > MAX_PDF_PAGES:
            raise LetterError(f"{name} has {len(reader.pages)} pages; a letter has at most {MAX_PDF_PAGES}")
        pages = [page.extract_text() or "" for page in reader.pages]
    except LetterError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError, OSError) as exc:
        raise LetterError(
            f"{name} is not a readable PDF ({type(exc).__name__}: {str(exc)[:200]}); give the letter's text instead"
        ) from None
    if not any(page.strip() for page in pages):
        raise LetterError(f"{name} is a PDF with no text layer (a scan?); run it through OCR, or give the letter's text")
    # A form feed between pages, as pdftotext writes it; the cleaning step treats it as a break.
    return SourceText("\f".join(pages), "pdf", "pdf text layer", len(pages))

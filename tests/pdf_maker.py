"""A minimal PDF writer for tests: real PDF files with a text layer, made from text.

Each page is a content stream of Helvetica text lines, so pypdf (and any PDF reader) extracts
the text back. Written here so that the tests need no PDF library beyond the one under test.
"""

from __future__ import annotations


def _escape(line: str) -> str:
    return line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def make_pdf(pages: list[str], *, lines_per_page: int = 60) -> bytes:
    """A PDF whose pages hold ``pages`` (each a block of text; long blocks spill onto more pages)."""
    chunks: list[list[str]] = []
    for text in pages:
        lines = text.splitlines() or [""]
        for i in range(0, len(lines), lines_per_page):
            chunks.append(lines[i : i + lines_per_page])
    objects: list[bytes] = []
    page_ids = []
    first_page_id = 4
    for n, lines in enumerate(chunks):
        page_id = first_page_id + 2 * n
        page_ids.append(page_id)
        body = "BT /F1 9 Tf 11 TL 40 800 Td " + " ".join(f"({_escape(line)}) Tj T*" for line in lines) + " ET"
        stream = body.encode("latin-1", "replace")
        resources = "/Resources << /Font << /F1 3 0 R >> >>"
        objects.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 842] {resources} /Contents {page_id + 1} 0 R >>".encode())
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
    kids = " ".join(f"{i} 0 R" for i in page_ids)
    head = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids [{kids}] /Count {len(page_ids)} >>".encode(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    return _assemble(head + objects)


def make_empty_pdf() -> bytes:
    """A one-page PDF with no text at all (as a scan without OCR would be)."""
    return _assemble(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 842] /Contents 4 0 R >>",
            b"<< /Length 0 >>\nstream\n\nendstream",
        ]
    )


def _assemble(objects: list[bytes]) -> bytes:
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, obj in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + obj + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)

"""Real small files of each kind, and crafted bad ones, built in memory for the tests."""

from __future__ import annotations

import io
import zipfile
from functools import cache

import weasyprint
from openpyxl import Workbook
from PIL import Image

CONTENT_TYPES_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    "</Types>"
)
DOCUMENT_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    "<w:body><w:p><w:r><w:t>Fictional plan</w:t></w:r></w:p></w:body></w:document>"
)


@cache
def pdf() -> bytes:
    data: bytes = weasyprint.HTML(string="<p>Plan</p>").write_pdf()
    return data


def zip_of(parts: dict[str, bytes | str], *, stored_first: str | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        if stored_first is not None:
            archive.writestr(stored_first, parts[stored_first], compress_type=zipfile.ZIP_STORED)
        for name, data in parts.items():
            if name != stored_first:
                archive.writestr(name, data)
    return buffer.getvalue()


def docx(**extra: bytes | str) -> bytes:
    parts = {"[Content_Types].xml": CONTENT_TYPES_XML, "word/document.xml": DOCUMENT_XML}
    return zip_of({**parts, **extra})


def xlsx() -> bytes:
    workbook = Workbook()
    workbook.active.append(["Fictional", "figures"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def odt() -> bytes:
    return zip_of(
        {
            "mimetype": "application/vnd.oasis.opendocument.text",
            "content.xml": "<office:document-content/>",
            "META-INF/manifest.xml": "<manifest:manifest/>",
        },
        stored_first="mimetype",
    )


def image(file_format: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 3), (29, 112, 184)).save(buffer, format=file_format)
    return buffer.getvalue()


def png() -> bytes:
    return image("PNG")


def jpeg() -> bytes:
    return image("JPEG")


def exe() -> bytes:
    """The start of a Windows program (an MZ header and the DOS stub's message)."""
    header = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"
    return header + b"\x00" * 48 + b"This program cannot be run in DOS mode.\r\r\n$" + b"\x00" * 64


def docx_with_many_parts(count: int) -> bytes:
    return docx(**{f"word/media/part{n}.xml": "<x/>" for n in range(count)})


def docx_unpacking_to(size: int) -> bytes:
    """A real DOCX with one part of `size` zero bytes: a few hundred KB packed."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES_XML)
        archive.writestr("word/document.xml", DOCUMENT_XML)
        chunk = b"\x00" * (1024 * 1024)
        with archive.open("word/media/padding.bin", "w") as part:
            left = size
            while left > 0:
                part.write(chunk[: min(left, len(chunk))])
                left -= len(chunk)
    return buffer.getvalue()


def with_zip64_counts(data: bytes) -> bytes:
    """The same archive with its end record claiming 65,535 entries (a ZIP64 marker)."""
    at = data.rfind(b"PK\x05\x06")
    patched = bytearray(data)
    patched[at + 8 : at + 12] = b"\xff\xff\xff\xff"
    return bytes(patched)

"""Checking an uploaded file before it goes into a pack: size, kind, name.

The kind of file is read from its content (its first bytes, and for Office and
OpenDocument files the parts inside the ZIP archive), never from the name or the
content type the browser sent. The name must then end in an extension that fits the kind.
Both the upload form and `services.document_upload` run these checks.
"""

from __future__ import annotations

import re
import struct
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.core.files import File
from django.template.defaultfilters import filesizeformat
from django.utils.text import get_text_list
from django.utils.translation import gettext_lazy as _

from supervision.documents.models import FileFormat

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
MAX_NAME_LENGTH = 200

# ZIP archives (DOCX, XLSX, ODT) are checked without unpacking them; these limits keep a
# crafted archive (a "zip bomb") from costing more than a quick look.
MAX_ARCHIVE_ENTRIES = 1000
MAX_ARCHIVE_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_MIMETYPE_BYTES = 100

PDF_SIGNATURE = b"%PDF-"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
JPEG_SIGNATURE = b"\xff\xd8\xff"
ZIP_SIGNATURE = b"PK\x03\x04"
SIGNATURES = (PDF_SIGNATURE, PNG_SIGNATURE, JPEG_SIGNATURE, ZIP_SIGNATURE)
ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"

# The extensions a name may end in, for each kind of file.
EXTENSIONS: dict[FileFormat, tuple[str, ...]] = {
    FileFormat.PDF: (".pdf",),
    FileFormat.DOCX: (".docx",),
    FileFormat.XLSX: (".xlsx",),
    FileFormat.ODT: (".odt",),
    FileFormat.PNG: (".png",),
    FileFormat.JPEG: (".jpg", ".jpeg"),
}
ACCEPT = ",".join(ext for extensions in EXTENSIONS.values() for ext in extensions)

KIND_MESSAGE = _(
    "The selected file must be a PDF, a Word document (.docx), an Excel spreadsheet "
    "(.xlsx), an OpenDocument text file (.odt), or a PNG or JPEG image"
)


class ArchiveRejected(Exception):
    """A ZIP archive that is not opened: too many parts, too large unpacked, or macros."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


# --- What kind of file is it? -----------------------------------------------------------

_EOCD = struct.Struct("<4s4H2LH")  # the ZIP "end of central directory" record
_EOCD_SIGNATURE = b"PK\x05\x06"
_MAX_COMMENT = 0xFFFF


def _declared_entry_count(stream: IO[bytes]) -> int | None:
    """The number of entries the archive says it has, read from its last record.

    Read before zipfile lists the entries, so a crafted archive with a huge directory is
    turned away without building it. None if there is no such record (not a ZIP).
    """
    stream.seek(0, 2)
    size = stream.tell()
    tail_size = min(size, _EOCD.size + _MAX_COMMENT)
    stream.seek(size - tail_size)
    tail = stream.read(tail_size)
    at = tail.rfind(_EOCD_SIGNATURE)
    if at < 0 or len(tail) - at < _EOCD.size:
        return None
    fields = _EOCD.unpack(tail[at : at + _EOCD.size])
    entries_here, entries_total, directory_size = fields[3], fields[4], fields[5]
    if 0xFFFF in (entries_here, entries_total) or directory_size == 0xFFFFFFFF:
        raise ArchiveRejected("zip64")  # over 65,535 parts or 4 GB: never a pack document
    return int(entries_total)


def _archive_format(stream: IO[bytes]) -> FileFormat | None:
    count = _declared_entry_count(stream)
    if count is None:
        return None
    if count > MAX_ARCHIVE_ENTRIES:
        raise ArchiveRejected("entries")
    stream.seek(0)
    with zipfile.ZipFile(stream) as archive:
        entries = archive.infolist()
        if len(entries) > MAX_ARCHIVE_ENTRIES:
            raise ArchiveRejected("entries")
        if sum(entry.file_size for entry in entries) > MAX_ARCHIVE_UNPACKED_BYTES:
            raise ArchiveRejected("size")
        names = {entry.filename for entry in entries}
        if any(PurePosixPath(name).name.lower() == "vbaproject.bin" for name in names):
            raise ArchiveRejected("macros")
        if "[Content_Types].xml" in names:
            if "word/document.xml" in names:
                return FileFormat.DOCX
            if "xl/workbook.xml" in names:
                return FileFormat.XLSX
            return None
        if "mimetype" in names and "content.xml" in names:
            info = archive.getinfo("mimetype")
            if info.file_size > MAX_MIMETYPE_BYTES:
                return None
            with archive.open(info) as handle:  # at most MAX_MIMETYPE_BYTES + 1 unpacked
                mimetype = handle.read(MAX_MIMETYPE_BYTES + 1).strip()
            return FileFormat.ODT if mimetype == ODT_MIMETYPE else None
    return None


def detect_format(stream: IO[bytes]) -> FileFormat | None:
    """The kind of file by its content, or None if it is not one a pack accepts.

    Raises ArchiveRejected for a ZIP archive that is too big to look inside safely or that
    holds macros. Leaves the stream at its start.
    """
    stream.seek(0)
    head = stream.read(len(PNG_SIGNATURE))
    try:
        if head.startswith(PDF_SIGNATURE):
            return FileFormat.PDF
        if head.startswith(PNG_SIGNATURE):
            return FileFormat.PNG
        if head.startswith(JPEG_SIGNATURE):
            return FileFormat.JPEG
        if head.startswith(ZIP_SIGNATURE):
            try:
                return _archive_format(stream)
            except (
                zipfile.BadZipFile,
                zlib.error,
                struct.error,
                EOFError,
                OSError,
                RuntimeError,  # an encrypted part
                NotImplementedError,  # an unknown compression method
                ValueError,
                OverflowError,
            ):
                return None  # not a readable archive: not a document a pack accepts
        return None
    finally:
        stream.seek(0)


# --- Names ------------------------------------------------------------------------------

_UNSAFE_IN_NAMES = re.compile(r'[<>:"/\\|?*;\']')


def _visible(character: str) -> str:
    category = unicodedata.category(character)
    if character.isspace() or category.startswith("Z"):  # tabs, line breaks, odd spaces
        return " "
    if category.startswith("C"):  # control, format (e.g. U+202E), unassigned, private use
        return ""
    return character


def clean_name(name: str, *, fallback_extension: str = "") -> str:
    """A file name safe to show and to send back in a download.

    Keeps the last part of any path, drops control and invisible formatting characters
    (such as right-to-left overrides that disguise an extension), replaces characters
    that mean something to file systems or shells, and keeps the extension when cutting
    the name to length.
    """
    name = unicodedata.normalize("NFC", name)
    name = re.split(r"[\\/]", name)[-1]
    name = "".join(_visible(c) for c in name)
    name = _UNSAFE_IN_NAMES.sub("_", name)
    name = " ".join(name.split()).strip(" .")
    stem, dot, extension = name.rpartition(".")
    if not dot:
        stem, extension = name, ""
    extension = f".{extension}" if extension else ""
    if not stem.strip(" ._"):
        stem, extension = "document", extension or fallback_extension
    stem = stem[: MAX_NAME_LENGTH - len(extension)].rstrip(" .")
    return f"{stem}{extension}"


def extension_of(name: str) -> str:
    stem, dot, extension = name.rpartition(".")
    return f".{extension.lower()}" if dot and stem else ""


# --- The whole check --------------------------------------------------------------------


@dataclass(frozen=True)
class CheckedFile:
    format: FileFormat
    name: str  # cleaned
    size: int


def check_upload(upload: File[Any]) -> CheckedFile:
    """Check the size, kind and name of an uploaded file; raise ValidationError if wrong."""
    size = upload.size or 0
    if size == 0:
        raise ValidationError(_("The selected file is empty"), code="empty")
    if size > MAX_UPLOAD_BYTES:
        raise ValidationError(
            _("The selected file must be %(limit)s or smaller"),
            code="too_big",
            params={"limit": filesizeformat(MAX_UPLOAD_BYTES)},
        )
    try:
        kind = detect_format(upload)  # File proxies read, seek and tell
    except ArchiveRejected as rejected:
        if rejected.reason == "macros":
            raise ValidationError(
                _(
                    "The selected file contains macros, which are not accepted. Save it "
                    "without macros (as .docx or .xlsx) or as a PDF, then upload it again"
                ),
                code="macros",
            ) from rejected
        raise ValidationError(
            _(
                "The selected file could not be checked safely because it holds too many "
                "parts or unpacks to more than %(limit)s. Save it as a PDF and upload that"
            ),
            code="archive_too_big",
            params={"limit": filesizeformat(MAX_ARCHIVE_UNPACKED_BYTES)},
        ) from rejected
    if kind is None:
        raise ValidationError(KIND_MESSAGE, code="kind")
    extensions = EXTENSIONS[kind]
    name = clean_name(upload.name or "", fallback_extension=extensions[0])
    if extension_of(name) not in extensions:
        raise ValidationError(
            _(
                "The name of the selected file must end in %(extensions)s to match what "
                "the file is (%(kind)s). Check you chose the right file, or rename it"
            ),
            code="extension",
            params={"kind": kind.label, "extensions": get_text_list(list(extensions))},
        )
    return CheckedFile(format=kind, name=name, size=size)

"""Checking files by their content: the kinds a pack accepts, and what it turns away."""

from __future__ import annotations

import contextlib
import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from supervision.documents import files
from supervision.documents.files import (
    ArchiveRejected,
    check_upload,
    clean_name,
    detect_format,
)
from supervision.documents.models import FileFormat
from supervision.documents.tests import builders

# The signatures of the kinds of file a pack accepts, written out here (not imported).
REAL_SIGNATURES = (b"%PDF-", b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"PK\x03\x04")


def detect(data: bytes) -> FileFormat | None:
    return detect_format(io.BytesIO(data))


@pytest.mark.parametrize(
    ("build", "expected"),
    [
        (builders.pdf, FileFormat.PDF),
        (builders.docx, FileFormat.DOCX),
        (builders.xlsx, FileFormat.XLSX),
        (builders.odt, FileFormat.ODT),
        (builders.png, FileFormat.PNG),
        (builders.jpeg, FileFormat.JPEG),
    ],
    ids=["pdf", "docx", "xlsx", "odt", "png", "jpeg"],
)
def test_real_files_are_recognised_by_their_content(build, expected):
    assert detect(build()) == expected


@pytest.mark.parametrize(
    "data",
    [
        builders.exe(),
        b"Minutes of the core group, typed in Notepad.\n",
        b"",
        b"%PD",  # a truncated signature
        b"GIF89a" + b"\x00" * 20,
        b"<html><script>alert(1)</script></html>",
        builders.zip_of({"notes.txt": "not an office file"}),
        builders.zip_of({"word/document.xml": builders.DOCUMENT_XML}),  # no content types
        builders.zip_of({"[Content_Types].xml": builders.CONTENT_TYPES_XML}),  # no body
        builders.zip_of(
            {"mimetype": "application/vnd.oasis.opendocument.spreadsheet", "content.xml": "<x/>"}
        ),
        builders.zip_of({"mimetype": "x" * 200, "content.xml": "<x/>"}),
        b"PK\x03\x04" + b"\x00" * 100,  # a ZIP signature and nothing behind it
    ],
    ids=[
        "exe",
        "text",
        "empty",
        "truncated-pdf",
        "gif",
        "html",
        "plain-zip",
        "docx-without-content-types",
        "content-types-only",
        "ods",
        "long-mimetype",
        "broken-zip",
    ],
)
def test_anything_else_is_not_a_document(data):
    assert detect(data) is None


def test_an_archive_with_too_many_parts_is_not_opened():
    with pytest.raises(ArchiveRejected):
        detect(builders.docx_with_many_parts(files.MAX_ARCHIVE_ENTRIES))  # + 2 named parts


def test_an_archive_at_the_part_limit_is_accepted():
    assert detect(builders.docx_with_many_parts(files.MAX_ARCHIVE_ENTRIES - 2)) == FileFormat.DOCX


def test_an_archive_that_unpacks_to_more_than_the_limit_is_not_opened():
    data = builders.docx_unpacking_to(files.MAX_ARCHIVE_UNPACKED_BYTES + 1)
    assert len(data) < 1024 * 1024  # small packed: the point of a zip bomb
    with pytest.raises(ArchiveRejected):
        detect(data)


def test_an_archive_claiming_zip64_counts_is_not_opened():
    with pytest.raises(ArchiveRejected):
        detect(builders.with_zip64_counts(builders.docx()))


def test_office_files_with_macros_are_turned_away():
    with pytest.raises(ArchiveRejected):
        detect(builders.docx(**{"word/vbaProject.bin": b"\x00macro"}))


def test_detection_leaves_the_stream_at_its_start():
    stream = io.BytesIO(builders.docx())
    stream.seek(10)
    detect_format(stream)
    assert stream.tell() == 0


# --- Properties -------------------------------------------------------------------------


@settings(max_examples=500)
@given(st.binary(max_size=4096))
@example(b"PK\x03\x04" + b"\x00" * 30 + b"PK\x05\x06" + b"\x00" * 18)
@example(b"PK\x05\x06" + b"\x00" * 18)
def test_random_bytes_are_never_a_document_without_a_real_signature(data):
    try:
        found = detect(data)
    except ArchiveRejected:
        found = None  # turned away is not accepted
    if found is not None:
        assert data.startswith(REAL_SIGNATURES)


@settings(max_examples=300)
@given(st.binary(max_size=4096))
def test_bytes_without_a_signature_are_rejected(data):
    assume(not data.startswith(REAL_SIGNATURES))
    assert detect(data) is None


@settings(max_examples=300)
@given(st.binary(max_size=4096))
def test_a_zip_signature_followed_by_random_bytes_is_never_accepted(tail):
    with contextlib.suppress(ArchiveRejected):  # turned away: also not accepted
        assert detect(b"PK\x03\x04" + tail) is None


part_names = st.text(
    alphabet=st.characters(min_codepoint=33, max_codepoint=126, exclude_characters="\\"),
    min_size=1,
    max_size=30,
)


@settings(max_examples=200)
@given(st.dictionaries(part_names, st.binary(max_size=200), max_size=8))
def test_a_zip_is_an_office_file_only_with_the_parts_that_make_one(parts):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    names = set(parts)
    try:
        found = detect(buffer.getvalue())
    except ArchiveRejected:
        assert any(name.rsplit("/", 1)[-1].lower() == "vbaproject.bin" for name in names)
        return
    if found == FileFormat.DOCX:
        assert {"[Content_Types].xml", "word/document.xml"} <= names
    elif found == FileFormat.XLSX:
        assert {"[Content_Types].xml", "xl/workbook.xml"} <= names
    elif found == FileFormat.ODT:
        assert parts["mimetype"].strip() == b"application/vnd.oasis.opendocument.text"
    else:
        assert found is None


# --- Names ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given_name", "expected"),
    [
        ("Plan v4.pdf", "Plan v4.pdf"),
        ("C:\\Users\\sw\\Desktop\\Plan.pdf", "Plan.pdf"),
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("Cynllun gofal a chymorth – Ŵyn.pdf", "Cynllun gofal a chymorth – Ŵyn.pdf"),
        ("report\u202efdp.exe", "reportfdp.exe"),  # a right-to-left override disguising .exe
        ("a\x00b\tc\nd.pdf", "ab c d.pdf"),
        ('re<po>rt:"x"|?*.pdf', "re_po_rt__x____.pdf"),
        ("   .hidden.pdf  ", "hidden.pdf"),
        ("....pdf", "pdf"),
        ("", "document"),
    ],
)
def test_names_are_cleaned(given_name, expected):
    assert clean_name(given_name) == expected


def test_a_long_name_keeps_its_extension():
    name = clean_name("x" * 500 + ".docx")
    assert len(name) == files.MAX_NAME_LENGTH
    assert name.endswith(".docx")


@given(st.text(max_size=400))
def test_cleaned_names_are_short_and_safe(name):
    cleaned = clean_name(name, fallback_extension=".pdf")
    assert cleaned
    assert len(cleaned) <= files.MAX_NAME_LENGTH
    assert not any(c in cleaned for c in "/\\<>:\"|?*;'\x00\n\r\t")
    assert cleaned == cleaned.strip()


# --- The whole check --------------------------------------------------------------------


def test_the_check_names_the_kind_and_cleans_the_name():
    checked = check_upload(ContentFile(builders.pdf(), name="C:\\temp\\Plan v4.PDF"))
    assert checked.format == FileFormat.PDF
    assert checked.name == "Plan v4.PDF"
    assert checked.size == len(builders.pdf())


def test_a_jpeg_may_end_in_jpg_or_jpeg():
    assert check_upload(ContentFile(builders.jpeg(), name="body map.jpg")).format == "image/jpeg"
    assert check_upload(ContentFile(builders.jpeg(), name="body map.jpeg")).format == "image/jpeg"


@pytest.mark.parametrize(
    ("data", "name", "code"),
    [
        (builders.pdf(), "plan.docx", "extension"),
        (builders.pdf(), "plan", "extension"),
        (builders.docx(), "plan.pdf", "extension"),
        (builders.exe(), "plan.pdf", "kind"),
        (b"", "plan.pdf", "empty"),
    ],
)
def test_the_check_explains_what_is_wrong(data, name, code):
    with pytest.raises(ValidationError) as error:
        check_upload(ContentFile(data, name=name))
    assert error.value.code == code


def test_the_size_limit_is_20_mb():
    assert files.MAX_UPLOAD_BYTES == 20 * 1024 * 1024
    limit = ContentFile(b"%PDF-" + b"\x00" * (files.MAX_UPLOAD_BYTES - 5), name="big.pdf")
    assert check_upload(limit).size == 20 * 1024 * 1024
    over = ContentFile(b"%PDF-" + b"\x00" * (files.MAX_UPLOAD_BYTES - 4), name="big.pdf")
    with pytest.raises(ValidationError) as error:
        check_upload(over)
    assert error.value.code == "too_big"

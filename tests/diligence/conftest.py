"""Fixtures for the due-diligence tests: an isolated MEDIA_ROOT, an open case, and real files of each type."""

import io
import json
import struct
import zipfile
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def png_bytes() -> bytes:
    """A real 1x1 PNG."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00"))
            + chunk(b"IEND", b""))


def xlsx_bytes() -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["年度", "营收"])
    book.active.append([2024, 100])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def docx_bytes(macro: bool = False) -> bytes:
    """A minimal Office Open XML word document (optionally carrying a macro part)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
        if macro:
            archive.writestr("word/vbaProject.bin", b"\x00macro")
    return out.getvalue()


def upload(name: str, data: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def call(client, method: str, path: str, body=None):
    kwargs = {} if body is None else {"data": json.dumps(body), "content_type": "application/json"}
    return getattr(client, method.lower())(path, **kwargs)


@pytest.fixture(autouse=True)
def isolated_media(settings, tmp_path):
    """Evidence files go to a fresh MEDIA_ROOT per test, never into var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def case(manager, partner_a):
    from allies.diligence import services

    return services.case_open(actor=manager, partner=partner_a)


@pytest.fixture
def item_of(case):
    """``item_of(title)``: the case's item copied from the template of that title."""
    def find(title):
        return case.items.get(title=title)

    return find


@pytest.fixture
def evidence_files(isolated_media):
    """Every file kept under MEDIA_ROOT/evidence (temporary ``.part`` files included)."""
    def listing():
        root = isolated_media / "evidence"
        return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []

    return listing

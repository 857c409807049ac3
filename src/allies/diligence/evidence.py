"""Evidence files: type and size checks, the virus-scan hook, and storage outside the web root.

Storage. A kept file lives at ``settings.MEDIA_ROOT / "evidence" / <case id> / <random
hex name>`` (no extension). MEDIA_ROOT (``var/media``, or ALLIES_MEDIA_ROOT) is outside
the static root and no URL serves it: a file is sent only by the download view or API
endpoint, after the permission check, as an attachment under its original name. The row
keeps the original name, size, content type, SHA-256, uploader and time.

Accepted files. The extension AND the content must agree: pdf (``%PDF-`` header), png,
jpg/jpeg (their signatures), docx/xlsx (a zip with the Office parts, no macros), csv/txt
(UTF-8 or GB18030 text without control bytes). The size limit is the setting
ALLIES_EVIDENCE_MAX_BYTES (default 20 MB). Anything else: a message naming the file, and
nothing kept.

Virus-scan hook. Set ALLIES_EVIDENCE_SCANNER to the dotted path of a callable
``scan(path, filename)``. It is called once per upload, after the type and size checks
and before the file is kept or any row is written, with the ``pathlib.Path`` of the
uploaded bytes (a temporary file in the case's evidence directory) and the original file
name. Raise any exception to reject the file: its message is shown to the user, the
temporary file is deleted and nothing is recorded. The return value is ignored. Unset
(the default) means no scan. A path that does not import fails the system check
``allies.diligence.E001`` and refuses uploads rather than keeping unscanned files.
Example (clamd)::

    def scan(path, filename):
        result = clamd.ClamdUnixSocket().scan(str(path))[str(path)]
        if result[0] == "FOUND":
            raise ValueError(result[1])
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from allies.core.errors import DomainError, ErrorCode

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
CHUNK = 1024 * 1024
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv",
    "txt": "text/plain",
}
ALLOWED_LABEL = "pdf, png, jpg, docx, xlsx, csv, txt"
OFFICE_PART = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml"}
CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0b\x0e-\x1a\x1c-\x1f\x7f]")


class ScannerMisconfigured(ImproperlyConfigured):
    pass


@dataclass(frozen=True)
class StoredFile:
    stored_path: str  # relative to MEDIA_ROOT
    original_name: str
    size: int
    content_type: str
    sha256: str


def max_bytes() -> int:
    return int(getattr(settings, "ALLIES_EVIDENCE_MAX_BYTES", DEFAULT_MAX_BYTES))


def scanner():
    """The configured scan callable, or None when no scanner is configured."""
    path = getattr(settings, "ALLIES_EVIDENCE_SCANNER", None)
    if not path:
        return None
    if callable(path):
        return path
    try:
        return import_string(path)
    except ImportError as exc:
        raise ScannerMisconfigured(f"ALLIES_EVIDENCE_SCANNER = {path!r} cannot be imported: {exc}") from exc


def clean_filename(name: str) -> str:
    """The last path component without control characters, at most 255 characters, never empty."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C").strip().strip(".") or "file"
    if len(base) > 255:
        stem, dot, ext = base.rpartition(".")
        base = (stem[: 254 - len(ext)] + dot + ext) if dot and len(ext) < 16 else base[:255]
    return base


def extension(name: str) -> str:
    return name.rpartition(".")[2].lower() if "." in name else ""


def evidence_root() -> Path:
    return Path(settings.MEDIA_ROOT) / "evidence"


def absolute(stored_path: str) -> Path:
    """The file behind a stored path; refuses anything that would leave the evidence directory."""
    root = evidence_root().resolve()
    path = (Path(settings.MEDIA_ROOT) / stored_path).resolve()
    if root not in path.parents:
        raise DomainError(ErrorCode.NOT_FOUND, _("找不到该文件。"))
    return path


def _is_text(data: bytes) -> bool:
    if CONTROL_BYTES.search(data):
        return False
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return True
    return False


def content_matches(path: Path, ext: str) -> bool:
    """Whether the bytes at ``path`` really are a file of type ``ext``."""
    with path.open("rb") as fh:
        head = fh.read(1024)
    if ext == "pdf":
        return b"%PDF-" in head
    if ext == "png":
        return head.startswith(b"\x89PNG\r\n\x1a\n")
    if ext in ("jpg", "jpeg"):
        return head.startswith(b"\xff\xd8\xff")
    if ext in OFFICE_PART:
        if not zipfile.is_zipfile(path):
            return False
        try:
            with zipfile.ZipFile(path) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, OSError):
            return False
        macros = any(n.lower().endswith("vbaproject.bin") for n in names)
        return "[Content_Types].xml" in names and OFFICE_PART[ext] in names and not macros
    if ext in ("csv", "txt"):
        return _is_text(path.read_bytes())
    return False


def _refuse(code: ErrorCode, message: str, name: str, **details) -> DomainError:
    return DomainError(code, message, {"file": name, **details})


def _limit_error(name: str, size: int, limit: int) -> DomainError:
    return _refuse(ErrorCode.PAYLOAD_TOO_LARGE,
                   _("文件“{name}”过大：{size} MB，上限为 {limit} MB。").format(
                       name=name, size=round(size / 1048576, 1), limit=round(limit / 1048576, 1)),
                   name, size=size, limit=limit)


def _chunks(upload):
    if hasattr(upload, "chunks"):
        yield from upload.chunks(CHUNK)
        return
    while block := upload.read(CHUNK):
        yield block


def store(upload, *, case_id: int) -> StoredFile:
    """Check an uploaded file and keep it; DomainError (nothing kept) when it may not be kept."""
    name = clean_filename(getattr(upload, "name", ""))
    ext = extension(name)
    limit = max_bytes()
    if ext not in CONTENT_TYPES:
        raise _refuse(ErrorCode.INVALID_FILE,
                      _("文件“{name}”的类型不允许：只接受 {allowed}。").format(name=name, allowed=ALLOWED_LABEL),
                      name, allowed=ALLOWED_LABEL)
    declared = getattr(upload, "size", None)
    if declared is not None and declared > limit:
        raise _limit_error(name, declared, limit)
    scan = scanner()
    directory = evidence_root() / str(int(case_id))
    directory.mkdir(parents=True, exist_ok=True)
    token = secrets.token_hex(16)
    temporary = directory / f".{token}.part"
    digest = hashlib.sha256()
    size = 0
    try:
        with temporary.open("xb") as out:
            for block in _chunks(upload):
                size += len(block)
                if size > limit:
                    raise _limit_error(name, size, limit)
                digest.update(block)
                out.write(block)
        if size == 0:
            raise _refuse(ErrorCode.INVALID_FILE, _("文件“{name}”是空文件。").format(name=name), name)
        if not content_matches(temporary, ext):
            raise _refuse(ErrorCode.INVALID_FILE,
                          _("文件“{name}”的内容不是 {ext} 文件：扩展名与内容须一致。").format(name=name, ext=ext),
                          name, extension=ext)
        if scan is not None:
            try:
                scan(temporary, name)
            except Exception as exc:  # the hook rejects by raising anything
                raise _refuse(ErrorCode.INVALID_FILE,
                              _("文件“{name}”未通过安全扫描：{reason}").format(name=name, reason=exc),
                              name, scanner=str(exc)[:200]) from exc
        final = directory / token
        os.replace(temporary, final)
    finally:
        temporary.unlink(missing_ok=True)
    return StoredFile(stored_path=final.relative_to(Path(settings.MEDIA_ROOT)).as_posix(), original_name=name,
                      size=size, content_type=CONTENT_TYPES[ext], sha256=digest.hexdigest())


def missing_message(name: str) -> str:
    return _("文件“{name}”已不在存储中，请联系管理员。").format(name=name)


def remove(stored_path: str) -> None:
    """Delete a kept file (called once the row that named it is gone)."""
    try:
        absolute(stored_path).unlink(missing_ok=True)
    except DomainError:
        pass

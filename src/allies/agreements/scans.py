"""Signed scans: the scanned, signed agreement (PDF, PNG or JPEG), checked and kept outside the web root.

A kept file lives at ``MEDIA_ROOT / "agreements" / <agreement id> / <random hex>``; no URL
serves that directory, the download view and endpoint send it after the permission check.
Extension and content must agree (the checks of due-diligence evidence files); the size
limit is the setting ALLIES_SCAN_MAX_BYTES (default 20 MB).
"""

import hashlib
import os
import secrets
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from allies.core.errors import DomainError, ErrorCode
from allies.diligence.evidence import CONTENT_TYPES, StoredFile, clean_filename, content_matches, extension

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
ALLOWED = ("pdf", "png", "jpg", "jpeg")
ALLOWED_LABEL = "pdf, png, jpg"


def max_bytes() -> int:
    return int(getattr(settings, "ALLIES_SCAN_MAX_BYTES", DEFAULT_MAX_BYTES))


def root() -> Path:
    return Path(settings.MEDIA_ROOT) / "agreements"


def absolute(stored_path: str) -> Path:
    base = root().resolve()
    path = (Path(settings.MEDIA_ROOT) / stored_path).resolve()
    if base not in path.parents:
        raise DomainError(ErrorCode.NOT_FOUND, _("找不到该文件。"))
    return path


def _too_large(name: str, size: int, limit: int) -> DomainError:
    return DomainError(ErrorCode.PAYLOAD_TOO_LARGE, _("文件“{name}”过大：{size} MB，上限为 {limit} MB。").format(
        name=name, size=round(size / 1048576, 1), limit=round(limit / 1048576, 1)),
        {"file": name, "size": size, "limit": limit})


def store(upload, *, agreement_id: int) -> StoredFile:
    """Check an uploaded scan and keep it; DomainError (nothing kept) when it may not be kept."""
    name = clean_filename(getattr(upload, "name", ""))
    ext = extension(name)
    limit = max_bytes()
    if ext not in ALLOWED:
        raise DomainError(ErrorCode.INVALID_FILE, _("文件“{name}”的类型不允许：只接受 {allowed}。").format(
            name=name, allowed=ALLOWED_LABEL), {"file": name, "allowed": ALLOWED_LABEL})
    if getattr(upload, "size", None) is not None and upload.size > limit:
        raise _too_large(name, upload.size, limit)
    directory = root() / str(int(agreement_id))
    directory.mkdir(parents=True, exist_ok=True)
    token = secrets.token_hex(16)
    temporary = directory / f".{token}.part"
    digest, size = hashlib.sha256(), 0
    try:
        with temporary.open("xb") as out:
            for block in upload.chunks(1024 * 1024):
                size += len(block)
                if size > limit:
                    raise _too_large(name, size, limit)
                digest.update(block)
                out.write(block)
        if size == 0:
            raise DomainError(ErrorCode.INVALID_FILE, _("文件“{name}”是空文件。").format(name=name), {"file": name})
        if not content_matches(temporary, ext):
            raise DomainError(ErrorCode.INVALID_FILE,
                              _("文件“{name}”的内容不是 {ext} 文件：扩展名与内容须一致。").format(name=name, ext=ext),
                              {"file": name, "extension": ext})
        final = directory / token
        os.replace(temporary, final)
    finally:
        temporary.unlink(missing_ok=True)
    return StoredFile(stored_path=final.relative_to(Path(settings.MEDIA_ROOT)).as_posix(), original_name=name,
                      size=size, content_type=CONTENT_TYPES[ext], sha256=digest.hexdigest())


def remove(stored_path: str) -> None:
    try:
        absolute(stored_path).unlink(missing_ok=True)
    except DomainError:
        pass

"""Article attachments: the same type, content and size checks (and virus-scan hook) as due-diligence evidence.

A kept file lives at ``MEDIA_ROOT/knowledge/<article id>/<random hex name>``, outside the
web root; it is sent only by the download view or endpoint after the visibility check.
Accepted: pdf, png, jpg, docx, xlsx, csv, txt, with content matching the extension, up to
ALLIES_EVIDENCE_MAX_BYTES (20 MB by default).
"""

from __future__ import annotations

import hashlib
import os
import secrets
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from allies.core.errors import DomainError, ErrorCode
from allies.diligence import evidence
from allies.diligence.evidence import StoredFile


def root() -> Path:
    return Path(settings.MEDIA_ROOT) / "knowledge"


def absolute(stored_path: str) -> Path:
    """The file behind a stored path; refuses anything outside the knowledge directory."""
    base = root().resolve()
    path = (Path(settings.MEDIA_ROOT) / stored_path).resolve()
    if base not in path.parents:
        raise DomainError(ErrorCode.NOT_FOUND, _("找不到该文件。"))
    return path


def _refuse(code: ErrorCode, message: str, name: str, **details) -> DomainError:
    return DomainError(code, message, {"file": name, **details})


def store(upload, *, article_id: int) -> StoredFile:
    """Check an uploaded file and keep it; DomainError (nothing kept) when it may not be kept."""
    name = evidence.clean_filename(getattr(upload, "name", ""))
    ext = evidence.extension(name)
    limit = evidence.max_bytes()
    if ext not in evidence.CONTENT_TYPES:
        raise _refuse(ErrorCode.INVALID_FILE,
                      _("文件“{name}”的类型不允许：只接受 {allowed}。").format(name=name,
                                                                   allowed=evidence.ALLOWED_LABEL),
                      name, allowed=evidence.ALLOWED_LABEL)
    declared = getattr(upload, "size", None)
    if declared is not None and declared > limit:
        raise evidence._limit_error(name, declared, limit)
    scan = evidence.scanner()
    directory = root() / str(int(article_id))
    directory.mkdir(parents=True, exist_ok=True)
    token = secrets.token_hex(16)
    temporary = directory / f".{token}.part"
    digest = hashlib.sha256()
    size = 0
    try:
        with temporary.open("xb") as out:
            for block in evidence._chunks(upload):
                size += len(block)
                if size > limit:
                    raise evidence._limit_error(name, size, limit)
                digest.update(block)
                out.write(block)
        if size == 0:
            raise _refuse(ErrorCode.INVALID_FILE, _("文件“{name}”是空文件。").format(name=name), name)
        if not evidence.content_matches(temporary, ext):
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
                      size=size, content_type=evidence.CONTENT_TYPES[ext], sha256=digest.hexdigest())


def remove(stored_path: str) -> None:
    try:
        absolute(stored_path).unlink(missing_ok=True)
    except DomainError:
        pass

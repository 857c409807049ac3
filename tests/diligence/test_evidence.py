"""Evidence files: accepted and refused types, the size limit, the scan hook, storage and download rights."""

import hashlib
from pathlib import Path

import pytest
from django.conf import settings
from django.core.checks import run_checks
from django.urls import reverse

from allies.core.errors import DomainError, ErrorCode
from allies.diligence import services
from allies.diligence.evidence import ScannerMisconfigured
from allies.diligence.models import Evidence

from .conftest import PDF, docx_bytes, png_bytes, upload, xlsx_bytes

pytestmark = pytest.mark.django_db

SCANNED: list = []


def rejecting_scanner(path, filename):
    SCANNED.append((Path(path).read_bytes(), filename))
    raise ValueError("EICAR-Test-Signature")


def recording_scanner(path, filename):
    SCANNED.append((Path(path).read_bytes(), filename))


@pytest.fixture(autouse=True)
def clear_scanned():
    SCANNED.clear()


@pytest.fixture
def item(item_of):
    return item_of("财务报表审阅")


def add(manager, item, name, data):
    return services.evidence_add(actor=manager, item=item, upload=upload(name, data))


def refused(manager, item, name, data) -> DomainError:
    with pytest.raises(DomainError) as caught:
        add(manager, item, name, data)
    return caught.value


# --------------------------------------------------------------------------- accepted files


@pytest.mark.parametrize(("name", "data", "content_type"), [
    ("2024年审计报告.pdf", PDF, "application/pdf"),
    ("营业执照.PNG", png_bytes(), "image/png"),
    ("现场.jpeg", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 32, "image/jpeg"),
    ("合同摘要.docx", docx_bytes(), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("财务.xlsx", xlsx_bytes(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("客户名单.csv", "客户,评价\n甲,好\n".encode("gb18030"), "text/csv"),
    ("访谈纪要.txt", "访谈：客户满意度高。\n".encode(), "text/plain"),
])
def test_allowed_files_are_kept_with_their_facts(manager, item, isolated_media, name, data, content_type):
    record = add(manager, item, name, data)
    record.refresh_from_db()
    assert (record.original_name, record.size, record.content_type) == (name, len(data), content_type)
    assert record.sha256 == hashlib.sha256(data).hexdigest()
    assert record.uploaded_by == manager and record.item == item
    stored = isolated_media / record.stored_path
    assert stored.read_bytes() == data
    # under MEDIA_ROOT/evidence/<case id>/ with a random name that is not the original one
    assert stored.parent == isolated_media / "evidence" / str(item.case_id)
    assert len(stored.name) == 32 and name not in record.stored_path


def test_stored_files_are_outside_the_static_files_and_not_served_by_url(manager, item, client_for, isolated_media):
    record = add(manager, item, "报告.pdf", PDF)
    stored = (isolated_media / record.stored_path).resolve()
    static_dirs = [Path(settings.STATIC_ROOT).resolve(), *(Path(p).resolve() for p in settings.STATICFILES_DIRS)]
    assert all(d not in stored.parents for d in static_dirs)
    client = client_for(manager)
    for url in ("/media/" + record.stored_path, "/static/" + record.stored_path, "/" + record.stored_path):
        assert client.get(url).status_code == 404, url


# --------------------------------------------------------------------------- refused files


@pytest.mark.parametrize(("name", "data", "code"), [
    ("setup.exe", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64, ErrorCode.INVALID_FILE),
    ("报告.pdf", "这其实是一个文本文件".encode(), ErrorCode.INVALID_FILE),  # a pdf-named text file
    ("照片.png", PDF, ErrorCode.INVALID_FILE),
    ("宏.docx", docx_bytes(macro=True), ErrorCode.INVALID_FILE),
    ("表格.xlsx", docx_bytes(), ErrorCode.INVALID_FILE),  # a word document named as a workbook
    ("数据.csv", b"a,b\n\x00\x01\x02binary", ErrorCode.INVALID_FILE),
    ("空.txt", b"", ErrorCode.INVALID_FILE),
    ("无扩展名", b"hello", ErrorCode.INVALID_FILE),
])
def test_wrong_types_are_refused_naming_the_file_and_nothing_is_kept(manager, item, evidence_files, name, data, code):
    error = refused(manager, item, name, data)
    assert error.code == code
    assert f"“{name}”" in error.message
    assert error.details["file"] == name
    assert Evidence.objects.count() == 0
    assert evidence_files() == []


def test_too_large_is_refused_with_the_limit(manager, item, evidence_files, settings):
    settings.ALLIES_EVIDENCE_MAX_BYTES = 1024
    error = refused(manager, item, "大文件.pdf", PDF + b"0" * 1024)
    assert error.code == ErrorCode.PAYLOAD_TOO_LARGE and error.status == 413
    assert "“大文件.pdf”" in error.message
    assert error.details["limit"] == 1024
    assert Evidence.objects.count() == 0 and evidence_files() == []
    assert add(manager, item, "刚好.pdf", PDF + b"0" * (1024 - len(PDF))).size == 1024


def test_a_concluded_case_takes_no_evidence(manager, case, item, evidence_files):
    services.case_conclude(actor=manager, case=case, verdict="no_go", summary="否")
    error = refused(manager, item, "晚到.pdf", PDF)
    assert error.code == ErrorCode.CONFLICT
    assert evidence_files() == [] and Evidence.objects.count() == 0


# --------------------------------------------------------------------------- the virus-scan hook


def test_scanner_rejecting_a_file_leaves_nothing(manager, item, evidence_files, settings):
    settings.ALLIES_EVIDENCE_SCANNER = f"{__name__}.rejecting_scanner"
    error = refused(manager, item, "报告.pdf", PDF)
    assert error.code == ErrorCode.INVALID_FILE
    assert "“报告.pdf”" in error.message and "EICAR-Test-Signature" in error.message
    assert SCANNED == [(PDF, "报告.pdf")]  # the hook saw the uploaded bytes and the original name
    assert Evidence.objects.count() == 0 and evidence_files() == []


def test_scanner_is_not_called_for_a_file_refused_by_type(manager, item, settings):
    settings.ALLIES_EVIDENCE_SCANNER = f"{__name__}.recording_scanner"
    refused(manager, item, "setup.exe", b"MZ")
    assert SCANNED == []
    add(manager, item, "报告.pdf", PDF)
    assert SCANNED == [(PDF, "报告.pdf")]


def test_a_scanner_path_that_does_not_import_fails_the_check_and_uploads(manager, item, evidence_files, settings):
    settings.ALLIES_EVIDENCE_SCANNER = "no.such.scanner"
    assert "allies.diligence.E001" in [m.id for m in run_checks()]
    with pytest.raises(ScannerMisconfigured, match="no.such.scanner"):
        add(manager, item, "报告.pdf", PDF)
    assert Evidence.objects.count() == 0 and evidence_files() == []
    settings.ALLIES_EVIDENCE_SCANNER = None
    assert "allies.diligence.E001" not in [m.id for m in run_checks()]


# --------------------------------------------------------------------------- download and removal


def test_staff_download_the_exact_bytes_as_an_attachment(manager, viewer, item, client_for):
    data = png_bytes()
    record = add(manager, item, "营业执照 扫描.png", data)
    urls = (reverse("diligence:evidence_download", args=[record.pk]), f"/api/v1/diligence/evidence/{record.pk}")
    for user in (manager, viewer):
        for url in urls:
            response = client_for(user).get(url)
            assert response.status_code == 200, url
            assert b"".join(response.streaming_content) == data
            assert response["Content-Type"] == "image/png"
            assert response["Content-Disposition"].startswith("attachment;")
            assert "filename*=utf-8''%E8%90%A5%E4%B8%9A%E6%89%A7%E7%85%A7%20%E6%89%AB%E6%8F%8F.png" in \
                response["Content-Disposition"]


def test_partner_users_and_anonymous_cannot_download(manager, item, client_for, partner_user):
    record = add(manager, item, "报告.pdf", PDF)
    web = reverse("diligence:evidence_download", args=[record.pk])
    api = f"/api/v1/diligence/evidence/{record.pk}"
    assert client_for(partner_user).get(web).status_code == 404
    assert client_for(partner_user).get(api).status_code == 403
    assert client_for(None).get(web).status_code == 302
    assert client_for(None).get(api).status_code == 401


def test_a_missing_file_is_a_404_not_a_500(manager, item, client_for, isolated_media):
    record = add(manager, item, "报告.pdf", PDF)
    (isolated_media / record.stored_path).unlink()
    assert client_for(manager).get(reverse("diligence:evidence_download", args=[record.pk])).status_code == 404
    response = client_for(manager).get(f"/api/v1/diligence/evidence/{record.pk}")
    assert response.status_code == 404 and "报告.pdf" in response.json()["message"]


def test_deleting_evidence_or_its_item_removes_the_files(manager, item, evidence_files,
                                                          django_capture_on_commit_callbacks):
    first = add(manager, item, "一.pdf", PDF)
    add(manager, item, "二.pdf", PDF)
    with django_capture_on_commit_callbacks(execute=True):
        services.evidence_delete(actor=manager, evidence=first)
    assert len(evidence_files()) == 1 and Evidence.objects.count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        services.item_delete(actor=manager, item=item)
    assert evidence_files() == [] and Evidence.objects.count() == 0


def test_viewer_cannot_upload(viewer, item, evidence_files):
    with pytest.raises(DomainError) as caught:
        services.evidence_add(actor=viewer, item=item, upload=upload("报告.pdf", PDF))
    assert caught.value.code == ErrorCode.PERMISSION_DENIED
    assert evidence_files() == []

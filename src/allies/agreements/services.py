"""Writes for agreements: create, edit (a numbered version each time), status workflow, IP register, signed scans.

Edits of a draft or an agreement in review create a version ("修改"); once signed, the
terms change only by an amendment with a reason ("签署后修订"), which must leave the
agreement complete. Signing runs the completeness check and is refused while a required
item is missing. Every write is atomic: a refusal leaves nothing behind.
"""

from django.db import transaction
from django.db.models import Max, ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _

from allies.agreements import completeness, scans
from allies.agreements.choices import EDITABLE, TRANSITIONS, AgreementStatus, VersionKind
from allies.agreements.models import (
    Agreement,
    AgreementParty,
    AgreementVersion,
    DisputeStep,
    IpAsset,
    SignedScan,
    StatusChange,
)
from allies.agreements.validation import (
    clean_agreement,
    clean_dispute_steps,
    clean_ip_asset,
    clean_parties,
    clean_reason,
)
from allies.agreements.versions import snapshot
from allies.core.audit import acting_as
from allies.core.errors import DomainError, ErrorCode
from allies.core.permissions import require_writer
from allies.core.text import join_clauses, join_list
from allies.pilots.validation import Problems

CLOSED = (AgreementStatus.EXPIRED, AgreementStatus.TERMINATED)


def _next_code() -> str:
    year = timezone.localdate().year
    prefix = f"AL-{year}-"
    taken = set(Agreement.objects.filter(code__startswith=prefix).values_list("code", flat=True))
    n = len(taken) + 1
    while f"{prefix}{n:04d}" in taken:
        n += 1
    return f"{prefix}{n:04d}"


def _add_version(agreement: Agreement, *, kind: str, actor, note: str = "") -> AgreementVersion:
    last = agreement.versions.aggregate(n=Max("number"))["n"] or 0
    return AgreementVersion.objects.create(agreement=agreement, number=last + 1, kind=kind, note=note,
                                           snapshot=snapshot(agreement), created_by=actor)


def _set_parties(agreement: Agreement, rows: list[dict]) -> None:
    existing = {link.partner_id: link for link in agreement.party_links.all()}
    wanted = {row["partner_id"] for row in rows}
    for pid, link in existing.items():
        if pid not in wanted:
            if agreement.ip_assets.filter(owner_partner_id=pid).exists():
                raise DomainError(ErrorCode.CONFLICT, _("“{name}”是知识产权登记中的权属方，不能移除。").format(
                    name=link.partner.name), {"field": "parties", "partner_id": pid})
            link.delete()
    for row in rows:
        link = existing.get(row["partner_id"])
        if link is None:
            AgreementParty.objects.create(agreement=agreement, **row)
            continue
        changed = [f for f in ("role", "rights", "obligations") if getattr(link, f) != row[f]]
        for f in changed:
            setattr(link, f, row[f])
        if changed:
            link.save(update_fields=changed)
    # Usage rights name parties by id; a removed party keeps none.
    keys = {"us", *map(str, wanted)}
    for asset in agreement.ip_assets.all():
        usage = {k: v for k, v in (asset.usage or {}).items() if k in keys}
        if usage != asset.usage:
            asset.usage = usage
            asset.save(update_fields=["usage"])


def _set_steps(agreement: Agreement, rows: list[dict]) -> None:
    current = [(s.method, s.body, s.days) for s in agreement.dispute_steps.order_by("position", "id")]
    if current == [(r["method"], r["body"], r["days"]) for r in rows]:
        return
    agreement.dispute_steps.all().delete()
    for position, row in enumerate(rows):
        DisputeStep.objects.create(agreement=agreement, position=position, **row)


def _clean_all(data: dict, *, current: Agreement | None = None) -> tuple[dict, list | None, list | None]:
    problems = Problems()
    fields = clean_agreement(data, problems, current=current)
    parties = clean_parties(data["parties"] or [], problems) if data.get("parties") is not None else None
    steps = clean_dispute_steps(data["dispute_steps"] or [], problems) \
        if data.get("dispute_steps") is not None else None
    problems.raise_if_any()
    return fields, parties, steps


def agreement_create(*, actor, data: dict) -> Agreement:
    """A draft agreement with its parties, clauses and dispute path; version 1."""
    require_writer(actor)
    fields, parties, steps = _clean_all(data)
    with transaction.atomic(), acting_as(actor):
        if not fields.get("code"):
            fields["code"] = _next_code()
        agreement = Agreement.objects.create(**fields, created_by=actor)
        _set_parties(agreement, parties or [])
        _set_steps(agreement, steps or [])
        _add_version(agreement, kind=VersionKind.CREATED, actor=actor)
    return agreement


def _require_changeable(agreement: Agreement, reason: str) -> str:
    """The version kind of a change to ``agreement``; refuses closed agreements and unexplained amendments."""
    if agreement.status in CLOSED:
        raise DomainError(ErrorCode.CONFLICT, _("协议已{status}，不能再修改。").format(
            status=agreement.get_status_display()), {"status": agreement.status})
    if agreement.status == AgreementStatus.SIGNED:
        if not (reason or "").strip():
            problems = Problems()
            problems.add("reason", "", _("修改已签署的协议须作为修订并说明原因。"), label=_("修订原因"))
            problems.raise_if_any()
        return VersionKind.AMENDMENT
    return VersionKind.EDIT


def _incomplete_error(missing, *, action: str) -> DomainError:
    return DomainError(
        ErrorCode.AGREEMENT_INCOMPLETE,
        _("{action}：协议尚不完整——{items}").format(action=action, items=join_clauses(m.message for m in missing)),
        {"missing": [{"key": m.key, "label": m.label, "area": m.area, "message": m.message} for m in missing]},
    )


def _change(actor, agreement: Agreement, reason: str, apply) -> Agreement:
    """Apply a change of terms under a row lock; keep a version when something changed."""
    require_writer(actor)
    reason = clean_reason(reason)
    kind = _require_changeable(agreement, reason)
    with transaction.atomic(), acting_as(actor):
        locked = Agreement.objects.select_for_update().get(pk=agreement.pk)
        if locked.status != agreement.status:
            raise DomainError(ErrorCode.CONFLICT, _("协议状态已被他人变更，请刷新后重试。"), {"status": locked.status})
        before = snapshot(locked)
        result = apply(locked)
        if snapshot(locked) != before:
            if kind == VersionKind.AMENDMENT:
                missing = completeness.blocking(locked)
                if missing:
                    raise _incomplete_error(missing, action=_("不能保存修订"))
            _add_version(locked, kind=kind, actor=actor, note=(reason or "").strip())
    agreement.refresh_from_db()
    return result if result is not None else agreement


def agreement_update(*, actor, agreement: Agreement, data: dict, reason: str = "") -> Agreement:
    """Change terms, parties ("parties" replaces the list) or the dispute path ("dispute_steps")."""
    require_writer(actor)
    fields, parties, steps = _clean_all(data, current=agreement)

    def apply(locked):
        changed = [f for f, v in fields.items() if getattr(locked, f) != v]
        for f in changed:
            setattr(locked, f, fields[f])
        if changed:
            locked.save(update_fields=[*changed, "updated_at"])
        if parties is not None:
            _set_parties(locked, parties)
        if steps is not None:
            _set_steps(locked, steps)
        return None

    return _change(actor, agreement, reason, apply)


def agreement_delete(*, actor, agreement: Agreement) -> None:
    """Remove an agreement that was never signed (draft or in review), with its attached scans."""
    require_writer(actor)
    if agreement.status not in EDITABLE:
        raise DomainError(ErrorCode.CONFLICT, _("只有未签署的协议可以删除。"), {"status": agreement.status})
    paths = list(agreement.scans.values_list("stored_path", flat=True))
    try:
        with transaction.atomic(), acting_as(actor):
            agreement.delete()
    except ProtectedError as exc:
        raise DomainError(ErrorCode.CONFLICT, _("协议已被其他记录引用，不能删除。"), {}) from exc
    for path in paths:
        scans.remove(path)


def agreement_transition(*, actor, agreement: Agreement, to_status: str, reason: str = "") -> Agreement:
    """Move an agreement along draft -> in_review -> signed -> expired/terminated, keeping who, when, why.

    Signing is refused while the completeness check finds a required item missing;
    terminating needs a reason.
    """
    require_writer(actor)
    reason = clean_reason(reason)
    allowed = TRANSITIONS.get(agreement.status, ())
    if to_status not in AgreementStatus.values:
        problems = Problems()
        problems.add("to_status", to_status, _("只能是：{choices}。").format(
            choices=join_list(v for v in AgreementStatus.values)), label=_("新状态"))
        problems.raise_if_any()
    if to_status not in allowed:
        raise DomainError(
            ErrorCode.CONFLICT,
            _("协议当前为“{status}”，不能改为“{to}”。").format(status=agreement.get_status_display(),
                                                     to=AgreementStatus(to_status).label),
            {"status": agreement.status, "allowed": list(allowed)})
    if to_status == AgreementStatus.TERMINATED and not reason:
        problems = Problems()
        problems.add("reason", "", _("终止协议须说明原因。"), label=_("原因"))
        problems.raise_if_any()
    with transaction.atomic(), acting_as(actor):
        locked = Agreement.objects.select_for_update().get(pk=agreement.pk)
        if locked.status != agreement.status:
            raise DomainError(ErrorCode.CONFLICT, _("协议状态已被他人变更，请刷新后重试。"), {"status": locked.status})
        if to_status == AgreementStatus.SIGNED:
            missing = completeness.blocking(locked)
            if missing:
                raise _incomplete_error(missing, action=_("不能签署"))
        now = timezone.now()
        StatusChange.objects.create(agreement=locked, from_status=locked.status, to_status=to_status, reason=reason,
                                    changed_by=actor)
        locked.status = to_status
        locked.status_changed_at, locked.status_changed_by, locked.status_reason = now, actor, reason
        update = ["status", "status_changed_at", "status_changed_by", "status_reason", "updated_at"]
        if to_status == AgreementStatus.SIGNED:
            locked.signed_at, locked.signed_by = now, actor
            update += ["signed_at", "signed_by"]
        locked.save(update_fields=update)
        if to_status == AgreementStatus.SIGNED:
            _add_version(locked, kind=VersionKind.SIGNED, actor=actor, note=reason)
    agreement.refresh_from_db()
    return agreement


# --------------------------------------------------------------------------- IP register


def _party_ids(agreement: Agreement) -> set[int]:
    return set(agreement.party_links.values_list("partner_id", flat=True))


def ip_asset_add(*, actor, agreement: Agreement, data: dict, reason: str = "") -> IpAsset:
    require_writer(actor)
    problems = Problems()
    fields = clean_ip_asset(data, problems, party_ids=_party_ids(agreement))
    problems.raise_if_any()
    return _change(actor, agreement, reason, lambda locked: IpAsset.objects.create(agreement=locked, **fields))


def ip_asset_update(*, actor, asset: IpAsset, data: dict, reason: str = "") -> IpAsset:
    require_writer(actor)
    agreement = asset.agreement
    problems = Problems()
    fields = clean_ip_asset(data, problems, party_ids=_party_ids(agreement), current=asset)
    problems.raise_if_any()

    def apply(_locked):
        changed = [f for f, v in fields.items() if getattr(asset, f) != v]
        for f in changed:
            setattr(asset, f, fields[f])
        if changed:
            asset.save(update_fields=changed)
        return asset

    return _change(actor, agreement, reason, apply)


def ip_asset_delete(*, actor, asset: IpAsset, reason: str = "") -> None:
    _change(actor, asset.agreement, reason, lambda _locked: asset.delete() and None)


# --------------------------------------------------------------------------- signed scans


def scan_attach(*, actor, agreement: Agreement, upload) -> SignedScan:
    """Keep the scan of the signed paper (PDF or image).

    Parties sign on paper while the agreement is in review, so the scan may be attached from
    then on (and marks no status by itself); a draft has nothing signed to scan.
    """
    require_writer(actor)
    if agreement.status == AgreementStatus.DRAFT:
        raise DomainError(ErrorCode.CONFLICT, _("草拟中的协议还没有签署文本，提交审核后才能上传签署扫描件。"),
                          {"status": agreement.status})
    stored = scans.store(upload, agreement_id=agreement.pk)
    try:
        with transaction.atomic(), acting_as(actor):
            return SignedScan.objects.create(agreement=agreement, stored_path=stored.stored_path,
                                             original_name=stored.original_name, size=stored.size,
                                             content_type=stored.content_type, sha256=stored.sha256,
                                             uploaded_by=actor)
    except Exception:
        scans.remove(stored.stored_path)
        raise

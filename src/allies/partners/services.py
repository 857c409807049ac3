"""Writes to the partner registry: partners, contacts, stage moves."""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from allies.core.text import join_clauses, labelled
from allies.core.audit import acting_as
from allies.core.errors import DomainError, ErrorCode
from allies.core.permissions import require_writer
from allies.partners import gates
from allies.partners.choices import Stage
from allies.partners.models import Contact, Partner, StageChange
from allies.partners.validation import FieldProblem, clean_partner_fields

EDITABLE_FIELDS = ("name", "uscc", "industry", "region", "size", "website", "source_channel", "resources", "notes")


def problems_error(problems: list[FieldProblem], labels: dict[str, str] | None = None) -> DomainError:
    labels = labels or {}
    lines = join_clauses(labelled(labels.get(p.field, p.field), p.reason) for p in problems)
    return DomainError(
        ErrorCode.VALIDATION,
        _("输入有误：{problems}").format(problems=lines),
        {"errors": [{"field": p.field, "value": p.value, "reason": p.reason} for p in problems]},
    )


def _check_unique(*, name: str | None, uscc: str | None, exclude_id: int | None = None) -> list[FieldProblem]:
    problems = []
    others = Partner.objects.exclude(pk=exclude_id) if exclude_id else Partner.objects.all()
    if name and others.filter(name=name).exists():
        problems.append(FieldProblem("name", name, _("已有同名伙伴。")))
    if uscc and others.filter(uscc=uscc).exists():
        problems.append(FieldProblem("uscc", uscc, _("已有伙伴使用此统一社会信用代码。")))
    return problems


def _is_writer_id(user_id) -> bool:
    from allies.core.models import WRITER_ROLES, User

    return User.objects.filter(pk=user_id, is_active=True, role__in=WRITER_ROLES).exists()


def partner_create(*, actor, data: dict, owner=None) -> Partner:
    """Register a partner company. Its first stage is recorded like any later move."""
    require_writer(actor)
    cleaned, problems = clean_partner_fields({**data, "stage": data.get("stage", "")})
    problems += _check_unique(name=cleaned.get("name"), uscc=cleaned.get("uscc"))
    if problems:
        raise problems_error(problems)
    stage = cleaned.pop("stage")
    with transaction.atomic(), acting_as(actor):
        try:
            partner = Partner.objects.create(**cleaned, stage=stage, owner=owner or actor)
        except IntegrityError as exc:
            raise DomainError(ErrorCode.CONFLICT, _("已有同名或同代码的伙伴。")) from exc
        StageChange.objects.create(
            partner=partner, from_stage="", to_stage=stage, reason=_("登记伙伴"), changed_by=actor
        )
    return partner


def partner_update(*, actor, partner: Partner, data: dict) -> Partner:
    """Change registry fields. The stage changes only through :func:`partner_change_stage`."""
    require_writer(actor)
    unknown = set(data) - set(EDITABLE_FIELDS) - {"owner_id"}
    if unknown:
        raise DomainError(ErrorCode.VALIDATION, _("不能修改这些字段：{fields}").format(fields=", ".join(sorted(unknown))))
    owner_id = data.pop("owner_id", partner.owner_id) if "owner_id" in data else partner.owner_id
    if owner_id is not None and owner_id != partner.owner_id and not _is_writer_id(owner_id):
        raise problems_error([FieldProblem("owner_id", str(owner_id), _("负责人须为在职的联盟经理或管理员。"))])
    cleaned, problems = clean_partner_fields(data, partial=True)
    problems += _check_unique(name=cleaned.get("name"), uscc=cleaned.get("uscc"), exclude_id=partner.pk)
    if problems:
        raise problems_error(problems)
    for field, value in cleaned.items():
        setattr(partner, field, value)
    partner.owner_id = owner_id
    with transaction.atomic(), acting_as(actor):
        # Only the edited fields: a stale instance must not write back an old stage.
        partner.save(update_fields=[*cleaned, "owner", "updated_at"])
    return partner


def partner_change_stage(*, actor, partner: Partner, to_stage: str, reason: str,
                         override: bool = False) -> StageChange:
    """Move a partner to another pipeline stage, keeping who, when and why.

    The stage gates (allies.partners.gates) registered for ``to_stage`` must pass, unless
    ``override`` is set: the move then goes ahead, flagged, with the reason on record.
    """
    require_writer(actor)
    if to_stage not in Stage.values:
        raise DomainError(ErrorCode.INVALID_STAGE_CHANGE, _("未知的阶段：{stage}").format(stage=to_stage),
                          {"field": "to_stage", "value": to_stage})
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(ErrorCode.INVALID_STAGE_CHANGE, _("请说明变更阶段的原因。"), {"field": "reason"})
    with transaction.atomic(), acting_as(actor):
        locked = Partner.objects.select_for_update().get(pk=partner.pk)
        if to_stage == locked.stage:  # the stored stage, not a possibly stale ``partner.stage``
            raise DomainError(
                ErrorCode.INVALID_STAGE_CHANGE,
                _("伙伴已处于“{stage}”阶段。").format(stage=locked.get_stage_display()),
                {"field": "to_stage", "value": to_stage},
            )
        blocked = gates.blocking_reasons(locked, to_stage)
        if blocked and not override:
            raise DomainError(
                ErrorCode.STAGE_BLOCKED,
                _("不能移到“{stage}”：{reasons}。如确需推进，请勾选“越过规则”并说明原因。").format(
                    stage=Stage(to_stage).label, reasons=join_clauses(blocked)),
                {"field": "to_stage", "value": to_stage, "blocked_by": blocked, "overridable": True},
            )
        change = StageChange.objects.create(
            partner=locked, from_stage=locked.stage, to_stage=to_stage, reason=reason, changed_by=actor,
            override=bool(blocked),
        )
        locked.stage = to_stage
        locked.save(update_fields=["stage", "updated_at"])
    partner.stage = to_stage
    return change


def contact_add(*, actor, partner: Partner, name: str, title: str = "", email: str = "", phone: str = "") -> Contact:
    require_writer(actor)
    name = (name or "").strip()
    if not name:
        raise problems_error([FieldProblem("name", "", _("姓名不能为空。"))])
    contact = Contact(partner=partner, name=name, title=title.strip(), email=email.strip(), phone=phone.strip())
    try:
        contact.full_clean()
    except Exception as exc:  # ValidationError from the e-mail field
        details = getattr(exc, "message_dict", {})
        raise problems_error([FieldProblem(f, "", join_clauses(m)) for f, m in details.items()]) from exc
    with acting_as(actor):
        contact.save()
    return contact


def contact_delete(*, actor, contact: Contact) -> None:
    require_writer(actor)
    with acting_as(actor):
        contact.delete()

"""Joint customers (联合客户): account lists, overlap queries and customer registrations (客户报备).

Services (writes) and selectors (reads) behind the API and the web pages.

Identifiers are stored only as keyed hashes (:mod:`allies.domain.matching`). The key is
``ALLIES_MATCHING_KEY`` or, when that is empty, an HMAC of a fixed label under
``SECRET_KEY``. Rotating either one invalidates every stored hash: after a rotation every
partner must upload its list again, and registrations made before it no longer conflict
with new ones.

What a partner sees of another partner is decided here, nowhere else: its own readable
names only, never another partner's names, ids or whether that partner has a list, unless
the grant (:class:`SharingGrant` from the other partner) allows counts or rows.
"""

import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from allies.core import tabular
from allies.core.audit import acting_as, record_bulk
from allies.core.errors import DomainError, ErrorCode
from allies.core.permissions import require_internal, require_writer
from allies.core.scoping import get_visible, restrict
from allies.domain import matching
from allies.partners.messages import table_error_message
from allies.partners.models import Partner
from allies.sharing.models import (
    Account,
    AccountList,
    CustomerRegistration,
    OverlapQuery,
    SharingGrant,
    SharingLevel,
)
from allies.sharing.tokens import log_access

KEY_LABEL = b"allies/joint-customers/matching-key/v1"
HEADER_ALIASES = {
    "name": ("公司名称", "客户名称", "名称", "name", "company", "company name"),
    "uscc": ("统一社会信用代码", "信用代码", "uscc", "unified social credit code"),
    "domain": ("网站", "官网", "网址", "域名", "website", "domain", "url"),
}
MAX_REPORTED_ERRORS = 500
MAX_NAME_LENGTH = 200
MAX_STORED_MATCHES = 100_000  # matched accounts kept per query for paging; the count is always exact
MAX_STORED_PAIRS = 10_000  # staff results: matched pairs kept with both names
# What a partner sees of the overlap with our own list; our list has no SharingGrant row.
OUR_LIST_LEVEL = SharingLevel.AGGREGATES
REFUSED_LEVEL = "refused_limit"
CURRENCY = re.compile(r"^[A-Z]{3}$")
WINNERS = ("new", "existing")


def matching_key() -> bytes:
    configured = settings.ALLIES_MATCHING_KEY
    if configured:
        return configured.encode()
    return hmac.new(settings.SECRET_KEY.encode(), KEY_LABEL, hashlib.sha256).digest()


def _log(request, **kwargs) -> None:
    """The access log entry for a partner's read or write (staff sessions are not logged)."""
    if request is not None:
        log_access(request, **kwargs)


def _reason(problem: matching.Problem) -> str:
    return {
        "uscc_length": _("统一社会信用代码应为 18 位。"),
        "uscc_character": _("统一社会信用代码含有不允许的字符（不使用 I、O、S、V、Z）。"),
        "uscc_check_digit": _("统一社会信用代码校验位不正确。"),
        "domain_invalid": _("不是有效的网站域名。"),
        "missing": _("公司名称、统一社会信用代码和网站至少填写一项。"),
    }[problem.code]


def _invalid(errors: list[dict], message: str) -> DomainError:
    return DomainError(ErrorCode.VALIDATION, message, {"errors": errors})


def daily_limit_reached(limit: int) -> DomainError:
    """429: the partner has used today's overlap queries."""
    return DomainError(ErrorCode.THROTTLED,
                       _("今天的客户重合查询次数已用完（每天 {limit} 次），请明天再试。").format(limit=limit),
                       {"limit": limit})


# --------------------------------------------------------------------------- account lists


@dataclass
class UploadResult:
    account_list: AccountList
    duplicates: int


def _list_owner(actor) -> Partner | None:
    """The list an upload replaces: a partner user's own company, or our own list for staff."""
    if getattr(actor, "is_authenticated", False) and actor.is_partner_user:
        return actor.partner
    require_writer(actor)
    return None


def account_list_upload(*, actor, data: bytes, filename: str, request=None) -> UploadResult:
    """Replace the owner's list with the file's accounts: all or nothing, every bad row reported."""
    owner = _list_owner(actor)
    try:
        table = tabular.read_table(data, filename)
    except tabular.TableError as exc:
        raise DomainError(ErrorCode.FILE_UNREADABLE, table_error_message(exc),
                          {"code": exc.code, **exc.details}) from exc
    errors: list[dict] = []

    def bad(row, column, value, reason):
        errors.append({"row": row, "column": column, "value": str(value)[:100], "reason": str(reason)})

    field_of = {alias.casefold(): f for f, aliases in HEADER_ALIASES.items() for alias in aliases}
    columns: dict[str, int] = {}
    for j, header in enumerate(table.header):
        field = field_of.get(" ".join(header.split()).casefold())
        if field is None:
            bad(1, header, header, _("无法识别的列名：只接受公司名称、统一社会信用代码和网站三列。"))
        elif field in columns:
            bad(1, header, header, _("与“{other}”列重复。").format(other=table.header[columns[field]]))
        else:
            columns[field] = j
    if not columns:
        bad(1, "", "", _("缺少公司名称、统一社会信用代码或网站列。"))
    if not table.rows:
        bad(2, "", "", _("文件没有数据行。"))

    key = matching_key()
    accounts: list[Account] = []
    seen: set[tuple[str, str, str]] = set()
    duplicates = 0
    for offset, cells in enumerate(table.rows if columns else []):
        row_no = table.row_number(offset)
        raw = {f: tabular.unsafe_cell(cells[j]) for f, j in columns.items()}
        name = raw.get("name", "").strip()
        if len(name) > MAX_NAME_LENGTH:
            bad(row_no, table.header[columns["name"]], name[:40] + "…",
                _("内容过长（最多 {limit} 个字符）。").format(limit=MAX_NAME_LENGTH))
        ids, problems = matching.normalise_account(name, raw.get("uscc", ""), raw.get("domain", ""))
        for problem in problems:
            column = table.header[columns[problem.field]] if problem.field in columns else ""
            bad(row_no, column, raw.get(problem.field, ""), _reason(problem))
        if problems or errors:
            continue  # once the file is refused, only the problems matter
        hashes = matching.account_hashes(key, ids)
        if hashes in seen:
            duplicates += 1
            continue
        seen.add(hashes)
        accounts.append(Account(partner=owner, display_name=name, name_hash=hashes[0], uscc_hash=hashes[1],
                                domain_hash=hashes[2]))
    if errors:
        errors.sort(key=lambda e: (e["row"], e["column"]))
        raise DomainError(
            ErrorCode.IMPORT_INVALID,
            _("上传未完成：发现 {count} 处错误，未写入任何数据。").format(count=len(errors)),
            {"errors": errors[:MAX_REPORTED_ERRORS], "error_count": len(errors)},
        )
    with transaction.atomic(), acting_as(actor):
        AccountList.objects.filter(partner=owner).delete()
        account_list = AccountList.objects.create(partner=owner, uploaded_by=actor, filename=filename[:255],
                                                  account_count=len(accounts))
        for account in accounts:
            account.account_list = account_list
        Account.objects.bulk_create(accounts, batch_size=5000)
        record_bulk(actor=actor, model=AccountList, object_repr=_("上传客户名单 {filename}").format(filename=filename),
                    summary={"upload": [filename], "accounts": [len(accounts)], "duplicates": [duplicates]})
    _log(request, partner=owner, action="write", resource="account_list", rows=len(accounts), detail=filename)
    return UploadResult(account_list, duplicates)


def account_lists(*, user) -> QuerySet:
    """The lists the user may see: a partner its own; staff every list (ours has no partner)."""
    return restrict(AccountList.objects.select_related("partner", "uploaded_by"), user).order_by("-uploaded_at")


def own_account_list(*, user) -> AccountList | None:
    """The list the user uploads and reads by name: its company's, or our own for staff."""
    if not getattr(user, "is_authenticated", False):
        return None
    partner_id = user.partner_id if user.is_partner_user else None
    if not user.is_partner_user and not user.is_internal:
        return None
    return account_lists(user=user).filter(partner_id=partner_id).first()


def account_list_get(*, user, list_id: int, request=None) -> AccountList:
    account_list = get_visible(AccountList.objects.select_related("partner"), user, pk=list_id)
    _log(request, partner=account_list.partner, action="read", resource="account_list", rows=1,
         detail=f"list={account_list.pk}")
    return account_list


def list_accounts(*, user, account_list: AccountList, q: str = "") -> QuerySet:
    """The accounts of a visible list, readable names included (the uploader's own, or staff)."""
    qs = restrict(Account.objects.filter(account_list=account_list), user).order_by("pk")
    if q:
        qs = qs.filter(display_name__icontains=q)
    return qs.only("pk", "display_name", "name_hash", "uscc_hash", "domain_hash")


# --------------------------------------------------------------------------- overlap


def grant_level(*, grantor: Partner, grantee: Partner) -> str:
    """What ``grantee`` may see of ``grantor``'s shared data (nothing unless granted)."""
    level = SharingGrant.objects.filter(grantor=grantor, grantee=grantee).values_list("level", flat=True).first()
    return level or SharingLevel.NONE


def overlap_partners(*, user) -> list[Partner]:
    """The partners a partner user may compare with: those that granted it counts or rows."""
    if not getattr(user, "is_authenticated", False):
        return []
    if user.is_internal:
        return list(Partner.objects.order_by("name"))
    if not user.is_partner_user:
        return []
    grantors = SharingGrant.objects.filter(
        grantee_id=user.partner_id, level__in=[SharingLevel.AGGREGATES, SharingLevel.ROWS]
    ).values_list("grantor_id", flat=True)
    return list(Partner.objects.filter(pk__in=grantors).order_by("name"))


def _day_start() -> datetime:
    return timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)


def overlap_queries_left_today(*, partner: Partner) -> int:
    used = OverlapQuery.objects.filter(partner=partner, at__gte=_day_start()).count()
    return max(0, settings.ALLIES_OVERLAP_DAILY_LIMIT - used)


def _hash_rows(account_list: AccountList | None, *, with_ids: bool = True) -> list[tuple]:
    """(name_hash, uscc_hash, domain_hash[, id]) of every account of a list, in upload order.

    Through the cursor: a million model rows would cost seconds of ORM overhead."""
    if account_list is None:
        return []
    fields = ("name_hash", "uscc_hash", "domain_hash", "pk") if with_ids else ("name_hash", "uscc_hash", "domain_hash")
    sql, params = Account.objects.filter(account_list=account_list).order_by("pk").values_list(
        *fields).query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _refuse_overlap() -> DomainError:
    # The same words whether the partner does not exist, has no list or did not grant access.
    return DomainError(ErrorCode.PERMISSION_DENIED, _("你无权查看与该伙伴的客户重合情况。"))


def overlap_run(*, actor, partner_id: int | None = None, other_partner_id: int | None = None,
                with_us: bool = False, request=None) -> OverlapQuery:
    """Compare the left partner's list with another partner's or with our own, as allowed.

    A partner user compares its own company's list; staff name the left partner and see
    rows with both names. Every query is recorded (refusals too) and counts towards the
    requesting partner's daily limit.
    """
    if not getattr(actor, "is_authenticated", False):
        raise DomainError(ErrorCode.UNAUTHENTICATED, _("请先登录。"))
    if with_us == (other_partner_id is not None):
        raise _invalid([{"field": "other_partner_id", "value": "", "reason": _("请选择一个伙伴，或选择我方客户名单。")}],
                       _("请选择一个伙伴，或选择我方客户名单。"))
    if actor.is_partner_user:
        if partner_id not in (None, actor.partner_id):
            raise DomainError(ErrorCode.PERMISSION_DENIED, _("只能用本公司的客户名单查询。"))
        requester = left = actor.partner
    else:
        require_writer(actor)  # running a query records it: read-only staff read stored results
        if partner_id is None:
            raise _invalid([{"field": "partner_id", "value": "", "reason": _("请选择伙伴。")}], _("请选择伙伴。"))
        requester = None
        left = Partner.objects.filter(pk=partner_id).first()
        if left is None:
            raise Http404
    if other_partner_id == left.pk:
        raise _invalid([{"field": "other_partner_id", "value": str(other_partner_id),
                         "reason": _("不能与自己的名单比较。")}], _("不能与自己的名单比较。"))
    other = Partner.objects.filter(pk=other_partner_id).first() if other_partner_id else None
    if other_partner_id and other is None and requester is None:
        raise Http404
    left_list = AccountList.objects.filter(partner=left).first()
    if left_list is None:
        message = _("请先上传你的客户名单。") if requester else _("该伙伴尚未上传客户名单。")
        raise DomainError(ErrorCode.CONFLICT, message)
    if requester is None:
        level = SharingLevel.ROWS
    elif with_us:
        level = OUR_LIST_LEVEL
    else:
        level = grant_level(grantor=other, grantee=left) if other else SharingLevel.NONE
    resource_partner = other if other else None
    with transaction.atomic():
        if requester is not None:
            Partner.objects.select_for_update().filter(pk=requester.pk).first()  # one counter per partner
            over = overlap_queries_left_today(partner=requester) <= 0
        else:
            over = False
        query = OverlapQuery.objects.create(user=actor, partner=requester, left_partner=left, other=other,
                                            with_us=with_us, level=REFUSED_LEVEL if over else level)
    if over or level == SharingLevel.NONE:
        _log(request, partner=resource_partner, action="read", resource="overlap", rows=0,
             detail=f"query={query.pk} refused={'limit' if over else 'level'}")
        if over:
            raise daily_limit_reached(settings.ALLIES_OVERLAP_DAILY_LIMIT)
        raise _refuse_overlap()
    right_list = AccountList.objects.filter(partner=None if with_us else other).first()
    _overlap_compute(query, left_list, right_list, staff=requester is None)
    _log(request, partner=resource_partner, action="read", resource="overlap", rows=query.matched,
         detail=f"query={query.pk} level={level}")
    return query


def _overlap_compute(query: OverlapQuery, left_list: AccountList, right_list: AccountList | None, *,
                     staff: bool) -> None:
    """Match the lists and keep the result: the left list's matched account ids (at most
    MAX_STORED_MATCHES), and for staff the other side's count and the first matched pairs."""
    left_rows = _hash_rows(left_list)
    right_rows = _hash_rows(right_list, with_ids=staff)
    # a partner sees only its own side, so only staff pay for matching the other side too
    result = matching.overlap(left_rows, right_rows) if staff else None
    left = result.left if result else matching.matched(left_rows, right_rows)
    matches: dict = {"left_list": left_list.pk, "right_list": right_list.pk if right_list else None,
                     "accounts": [left_rows[i][3] for i in left[:MAX_STORED_MATCHES]],
                     "truncated": len(left) > MAX_STORED_MATCHES}
    if staff:
        pairs = matching.matched_pairs(left_rows, right_rows, left=left, limit=MAX_STORED_PAIRS)
        matches.update(other_matched=len(result.right),
                       pairs=[[left_rows[i][3], right_rows[j][3]] for i, j in pairs],
                       pairs_truncated=len(pairs) >= MAX_STORED_PAIRS)
    query.matched = len(left)
    query.matches = matches
    query.save(update_fields=["matched", "matches"])


def overlap_queries(*, user) -> QuerySet:
    """Past overlap queries: a partner sees the ones its own people asked, staff all."""
    return restrict(OverlapQuery.objects.select_related("user", "partner", "left_partner", "other"),
                    user).order_by("-at", "-pk")


def _current_list_id(partner_id: int | None) -> int | None:
    return AccountList.objects.filter(partner_id=partner_id).values_list("pk", flat=True).first()


@dataclass
class OverlapPage:
    query: OverlapQuery
    count: int  # matched accounts of the left list
    other_count: int | None  # matched accounts of the other list (staff only)
    total_items: int  # rows that can be paged (0 when only counts may be seen)
    items: list[dict]
    truncated: bool
    stale: bool  # a list was replaced since: some stored rows may be gone


def overlap_query_page(*, user, query_id: int, limit: int, offset: int, request=None) -> OverlapPage:
    """One page of a stored result, with the requester's own names (staff: both names)."""
    query = get_visible(OverlapQuery.objects.select_related("partner", "left_partner", "other"), user, pk=query_id)
    m = query.matches or {}
    page = slice(offset, offset + limit)
    items: list[dict] = []
    staff = query.partner_id is None
    if staff and user.is_internal:
        pairs = m.get("pairs", [])
        total = len(pairs)
        chosen = pairs[page]
        names = Account.objects.in_bulk([a for pair in chosen for a in pair])
        items = [{"account_id": a, "name": names[a].display_name if a in names else "",
                  "other_account_id": b, "other_name": names[b].display_name if b in names else ""}
                 for a, b in chosen]
        truncated = m.get("pairs_truncated", False)
    elif query.level == SharingLevel.ROWS:
        ids = m.get("accounts", [])
        total = len(ids)
        chosen = ids[page]
        names = Account.objects.filter(pk__in=chosen, partner=query.left_partner).in_bulk()
        items = [{"account_id": a, "name": names[a].display_name if a in names else ""} for a in chosen]
        truncated = m.get("truncated", False)
    else:
        total, truncated = 0, False
    stale = bool(m) and (_current_list_id(query.left_partner_id) != m.get("left_list") or (
        _current_list_id(None) if query.with_us else _current_list_id(query.other_id)) != m.get("right_list"))
    _log(request, partner=query.other, action="read", resource="overlap", rows=len(items), detail=f"query={query.pk}")
    return OverlapPage(query, query.matched, m.get("other_matched") if user.is_internal else None, total, items,
                       truncated, stale)


# --------------------------------------------------------------------------- registrations (客户报备)

ACTIVE_STATUSES = (CustomerRegistration.ACTIVE, CustomerRegistration.APPROVED)


def registration_status(registration: CustomerRegistration, today=None) -> str:
    """The status as people read it: an active claim past its protection period has expired."""
    today = today or timezone.localdate()
    if registration.status in ACTIVE_STATUSES and registration.protected_until < today:
        return CustomerRegistration.EXPIRED
    return registration.status


def conflict_notice() -> str:
    return _("该客户已由其他伙伴报备，将由联盟团队裁定。")


def _registration_partner(actor, partner_id: int | None) -> Partner:
    if getattr(actor, "is_authenticated", False) and actor.is_partner_user:
        if partner_id not in (None, actor.partner_id):
            raise DomainError(ErrorCode.PERMISSION_DENIED, _("只能为本公司报备客户。"))
        return actor.partner
    require_writer(actor)
    if partner_id is None:
        raise _invalid([{"field": "partner_id", "value": "", "reason": _("请选择伙伴。")}], _("请选择伙伴。"))
    return get_visible(Partner.objects, actor, pk=partner_id)


def _clean_deal(errors: list[dict], *, value, currency: str, stage: str) -> str:
    if value is not None and (not isinstance(value, int) or value < 0):
        errors.append({"field": "value", "value": str(value), "reason": _("金额须为不小于 0 的整数（单位：分）。")})
    currency = (currency or "").strip().upper()
    if not CURRENCY.match(currency):
        errors.append({"field": "currency", "value": currency, "reason": _("币种须为三个字母的 ISO 4217 代码，如 CNY。")})
    if stage not in dict(CustomerRegistration.STAGES):
        errors.append({"field": "stage", "value": str(stage), "reason": _("未知的商机阶段。")})
    return currency


def registration_create(*, actor, partner_id: int | None = None, customer_name: str = "", customer_uscc: str = "",
                        customer_domain: str = "", value: int = 0, currency: str = "CNY", stage: str = "lead",
                        expected_close=None, request=None) -> CustomerRegistration:
    """Register an opportunity. The same customer (any equal normalised identifier) already
    claimed by another partner within its protection period makes this one a conflict."""
    partner = _registration_partner(actor, partner_id)
    name = (customer_name or "").strip()
    errors: list[dict] = []
    if len(name) > MAX_NAME_LENGTH:
        errors.append({"field": "customer_name", "value": name[:40] + "…",
                       "reason": _("内容过长（最多 {limit} 个字符）。").format(limit=MAX_NAME_LENGTH)})
    ids, problems = matching.normalise_account(name, customer_uscc or "", customer_domain or "")
    fields = {"name": "customer_name", "uscc": "customer_uscc", "domain": "customer_domain"}
    raw = {"name": name, "uscc": customer_uscc, "domain": customer_domain}
    errors += [{"field": fields[p.field], "value": str(raw[p.field] or ""), "reason": _reason(p)} for p in problems]
    currency = _clean_deal(errors, value=value, currency=currency, stage=stage)
    if errors:
        raise _invalid(errors, _("报备内容有误：{fields}").format(fields="、".join(e["field"] for e in errors)))
    keys = sorted(h for h in matching.account_hashes(matching_key(), ids) if h)
    today = timezone.localdate()
    with transaction.atomic(), acting_as(actor):
        earlier = (CustomerRegistration.objects.select_for_update()
                   .exclude(partner=partner)
                   .filter(status__in=[*ACTIVE_STATUSES, CustomerRegistration.CONFLICT], protected_until__gte=today)
                   .order_by("registered_at", "pk").only("pk", "match_keys"))
        first = next((r for r in earlier if set(r.match_keys) & set(keys)), None)
        registration = CustomerRegistration.objects.create(
            partner=partner, customer_name=name, customer_uscc=ids.uscc, customer_domain=ids.domain,
            match_keys=keys, value=value, currency=currency, stage=stage, expected_close=expected_close,
            status=CustomerRegistration.CONFLICT if first else CustomerRegistration.ACTIVE, conflict_with=first,
            protected_until=today + timedelta(days=settings.ALLIES_REGISTRATION_PROTECTION_DAYS),
            registered_by=actor)
    _log(request, partner=partner, action="write", resource="registration", rows=1, detail=f"id={registration.pk}")
    return registration


def registrations(*, user, status: str = "") -> QuerySet:
    qs = restrict(CustomerRegistration.objects.select_related("partner", "conflict_with__partner"), user)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-registered_at", "-pk")


def registration_get(*, user, registration_id: int, request=None) -> CustomerRegistration:
    registration = get_visible(CustomerRegistration.objects.select_related("partner", "conflict_with__partner"),
                               user, pk=registration_id)
    _log(request, partner=registration.partner, action="read", resource="registration", rows=1,
         detail=f"id={registration.pk}")
    return registration


def registration_update(*, actor, registration: CustomerRegistration, data: dict,
                        request=None) -> CustomerRegistration:
    """Move the opportunity on (stage, value, expected close date); a rejected one is closed."""
    if not (getattr(actor, "is_authenticated", False) and actor.is_partner_user):
        require_writer(actor)
    if registration.status == CustomerRegistration.REJECTED:
        raise DomainError(ErrorCode.CONFLICT, _("已驳回的报备不能再修改。"))
    errors: list[dict] = []
    currency = _clean_deal(errors, value=data.get("value"), currency=data.get("currency", registration.currency),
                           stage=data.get("stage", registration.stage))
    if errors:
        raise _invalid(errors, _("报备内容有误：{fields}").format(fields="、".join(e["field"] for e in errors)))
    changes = {k: v for k, v in data.items() if k in ("stage", "value", "expected_close") and v is not None}
    changes["currency"] = currency
    with transaction.atomic(), acting_as(actor):
        for field, value in changes.items():
            setattr(registration, field, value)
        registration.save(update_fields=list(changes))
    _log(request, partner=registration.partner, action="write", resource="registration", rows=1,
         detail=f"id={registration.pk}")
    return registration


def registration_conflicts(*, user) -> QuerySet:
    require_internal(user)
    return registrations(user=user, status=CustomerRegistration.CONFLICT).order_by("registered_at", "pk")


def registration_decide(*, actor, registration: CustomerRegistration, winner: str,
                        note: str) -> CustomerRegistration:
    """Staff settle a conflict: the new claim wins (the earlier one is rejected) or the earlier one does."""
    require_writer(actor)
    note = (note or "").strip()
    errors = []
    if winner not in WINNERS:
        errors.append({"field": "winner", "value": str(winner), "reason": _("请选择保留哪一方的报备。")})
    if not note:
        errors.append({"field": "note", "value": "", "reason": _("请填写裁定说明。")})
    elif len(note) > 500:
        errors.append({"field": "note", "value": note[:40] + "…",
                       "reason": _("内容过长（最多 {limit} 个字符）。").format(limit=500)})
    if errors:
        raise _invalid(errors, _("裁定内容有误。"))
    with transaction.atomic(), acting_as(actor):
        locked = CustomerRegistration.objects.select_for_update().get(pk=registration.pk)
        if locked.status != CustomerRegistration.CONFLICT:
            raise DomainError(ErrorCode.CONFLICT, _("这条报备没有待裁定的冲突。"))
        earlier = (CustomerRegistration.objects.select_for_update().filter(pk=locked.conflict_with_id).first()
                   if locked.conflict_with_id else None)
        won, lost = (locked, earlier) if winner == "new" else (earlier, locked)
        for reg, status in ((won, CustomerRegistration.APPROVED), (lost, CustomerRegistration.REJECTED)):
            if reg is None or reg.status == CustomerRegistration.REJECTED:
                continue
            reg.status, reg.decided_by, reg.decision_note = status, actor, note
            reg.save(update_fields=["status", "decided_by", "decision_note"])
    locked.refresh_from_db()
    return locked

"""API tokens (issue, check, revoke, list) and the access log of shared partner data.

A token reads ``allies_<key>_<secret>`` (NetBox design): ``key`` is a public id stored in
clear, ``secret`` is never stored; only an HMAC-SHA256 of it, keyed with a key derived
from SECRET_KEY, is kept and compared in constant time. The plaintext exists once, in the
answer to the request that created it.
"""

import hashlib
import hmac
import ipaddress
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from django.conf import settings
from django.db import IntegrityError, connections, models, transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from allies.core.audit import acting_as
from allies.core.errors import DomainError, ErrorCode
from allies.core.models import Role
from allies.sharing import compiled
from allies.sharing.models import AccessLog, ApiToken, SharingGrant, SharingLevel

PREFIX = "allies"
KEY_LENGTH = 12
SECRET_LENGTH = 40
TOKEN_PATTERN = re.compile(rf"{PREFIX}_([0-9a-f]{{{KEY_LENGTH}}})_([A-Za-z0-9_-]{{{SECRET_LENGTH}}})")
MAX_IP_RANGES = 50
# last_used_at is a hint for people, not an audit trail: one write a minute per token is enough.
LAST_USED_RESOLUTION = timedelta(minutes=1)


class Status(models.TextChoices):
    ACTIVE = "active", gettext_lazy("有效")
    EXPIRED = "expired", gettext_lazy("已过期")
    REVOKED = "revoked", gettext_lazy("已吊销")


@dataclass(frozen=True)
class IssuedToken:
    """A new token and its plaintext, which nobody can see again after this answer."""

    token: ApiToken
    plaintext: str


# --------------------------------------------------------------------------- secrets


def _derived_key() -> bytes:
    # A key of its own, so a digest is useless for anything else keyed with SECRET_KEY.
    return hmac.new(settings.SECRET_KEY.encode(), b"allies.sharing.api-token.v1", hashlib.sha256).digest()


def secret_digest(secret: str) -> str:
    return hmac.new(_derived_key(), secret.encode(), hashlib.sha256).hexdigest()


def display(token: ApiToken) -> str:
    """How a token is shown after creation: its public key and the last four characters of the secret."""
    return f"{PREFIX}_{token.key}_…{token.hint}"


def is_admin(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active
                and (user.role == Role.ADMIN or user.is_superuser))


def token_status(token: ApiToken, now: datetime | None = None) -> str:
    now = now or timezone.now()
    if token.revoked_at is not None:
        return Status.REVOKED
    if token.expires_at is not None and token.expires_at <= now:
        return Status.EXPIRED
    return Status.ACTIVE


# --------------------------------------------------------------------------- input


def _problem(field: str, value, reason) -> DomainError:
    return DomainError(ErrorCode.VALIDATION, _("输入有误：{reason}").format(reason=reason),
                       {"errors": [{"field": field, "value": value, "reason": str(reason)}]})


def clean_ip_ranges(values) -> list[str]:
    """CIDR ranges (IPv4 or IPv6) in canonical form; a bare address is a range of one."""
    cleaned: list[str] = []
    for raw in values:
        text = str(raw).strip()
        if not text:
            continue
        try:
            network = ipaddress.ip_network(text, strict=False)
        except ValueError as exc:
            raise _problem("allowed_ips", text, _("“{value}”不是有效的 IP 地址或 CIDR 网段。").format(value=text)) from exc
        if str(network) not in cleaned:
            cleaned.append(str(network))
    if len(cleaned) > MAX_IP_RANGES:
        raise _problem("allowed_ips", len(cleaned), _("最多 {n} 个 IP 范围。").format(n=MAX_IP_RANGES))
    return cleaned


def clean_expiry(value: datetime | date | None, now: datetime) -> datetime | None:
    """An aware expiry in the future. A date means the end of that day in the current time zone."""
    if value is None:
        return None
    try:
        if not isinstance(value, datetime):
            value = datetime.combine(value, time.max)
        if timezone.is_naive(value):
            value = timezone.make_aware(value)
        value = value.astimezone(UTC)
    except (OverflowError, ValueError) as exc:
        raise _problem("expires_at", str(value), _("过期时间超出范围。")) from exc
    if value <= now:
        raise _problem("expires_at", value.isoformat(), _("过期时间必须晚于现在。"))
    return value


# --------------------------------------------------------------------------- services


def token_create(*, actor, description: str = "", expires_at: datetime | date | None = None,
                 read_only: bool = False, allowed_ips=(), via_token: ApiToken | None = None) -> IssuedToken:
    """Issue a token for ``actor`` itself. The plaintext is in the result and nowhere else.

    ``via_token`` is the token the request came with, if any: a token may not mint tokens,
    or a stolen one with an expiry or address limits could outlive them in a fresh one.
    """
    if not getattr(actor, "is_authenticated", False) or not actor.is_active:
        raise DomainError(ErrorCode.UNAUTHENTICATED, _("请先登录。"))
    if via_token is not None:
        raise DomainError(ErrorCode.PERMISSION_DENIED, _("不能用令牌创建新令牌，请登录网页后创建。"))
    description = (description or "").strip()
    if len(description) > ApiToken._meta.get_field("description").max_length:
        raise _problem("description", description[:20], _("说明太长。"))
    now = timezone.now()
    fields = {"user": actor, "description": description, "read_only": bool(read_only),
              "allowed_ips": clean_ip_ranges(allowed_ips), "expires_at": clean_expiry(expires_at, now)}
    for _attempt in range(3):
        key, secret = secrets.token_hex(KEY_LENGTH // 2), secrets.token_urlsafe(30)
        try:
            with transaction.atomic(), acting_as(actor):
                token = ApiToken.objects.create(key=key, digest=secret_digest(secret), hint=secret[-4:], **fields)
        except IntegrityError:  # a key collision: astronomically rare, so just draw again
            continue
        return IssuedToken(token=token, plaintext=f"{PREFIX}_{key}_{secret}")
    raise DomainError(ErrorCode.CONFLICT, _("无法生成令牌，请重试。"))


def token_revoke(*, actor, token: ApiToken) -> ApiToken:
    """Revoke a token: its owner or an administrator may. Revoking twice keeps the first record."""
    if not (getattr(actor, "is_authenticated", False) and actor.is_active):
        raise DomainError(ErrorCode.UNAUTHENTICATED, _("请先登录。"))
    if token.user_id != actor.pk and not is_admin(actor):
        raise Http404
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.revoked_by = actor
        with acting_as(actor):
            token.save(update_fields=["revoked_at", "revoked_by"])
    return token


def client_ip(request) -> str | None:
    """The caller's address: REMOTE_ADDR, or the proxy-added X-Forwarded-For entry when
    NINJA_NUM_PROXIES says how many trusted proxies stand in front (never the client's own claim)."""
    from ninja.conf import settings as ninja_settings

    proxies = ninja_settings.NUM_PROXIES or 0
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies > 0 and forwarded:
        addresses = [a.strip() for a in forwarded.split(",") if a.strip()]
        if addresses:
            return addresses[-min(proxies, len(addresses))]
    return request.META.get("REMOTE_ADDR") or None


def ip_allowed(ranges: list[str], ip: str | None) -> bool:
    if not ranges:
        return True
    try:
        address = ipaddress.ip_address((ip or "").split("%", 1)[0])
    except ValueError:
        return False
    candidates = [address]
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        candidates.append(address.ipv4_mapped)
    for text in ranges:
        try:
            network = ipaddress.ip_network(text, strict=False)
        except ValueError:
            continue
        if any(a.version == network.version and a in network for a in candidates):
            return True
    return False


_TOKEN_FIELDS = tuple(f.attname for f in ApiToken._meta.concrete_fields)
# Set (True) on a user loaded by token authentication when no partner shares any data with its
# company at that moment; read by ``sales.shared_by``. Lives only as long as the request's user object.
NO_SHARES_ATTR = "_allies_receives_no_shares"


def _token_with_user(key: str) -> ApiToken | None:
    """The token with this public key and its user, in one query whose SQL is compiled once.

    Equivalent to ``ApiToken.objects.select_related("user").filter(key=key).first()`` (the key
    is unique), without ~0.4 ms of query building on every API request. The same round trip
    also asks whether any partner shares data with the user's company; when none does, the
    user object says so (:data:`NO_SHARES_ATTR`) and the sales reads of this request skip
    their query for sharing grants (most partners receive no shares: "nothing" is the default).
    """
    user_model = ApiToken._meta.get_field("user").related_model
    user_fields = tuple(f.attname for f in user_model._meta.concrete_fields)
    db = ApiToken.objects.db
    levels = (SharingLevel.AGGREGATES, SharingLevel.ROWS)
    rows = compiled.values(
        (db, "api_token", "receives_shares"),
        lambda: ApiToken.objects.filter(key=key).annotate(
            receives_shares=Exists(SharingGrant.objects.filter(grantee_id=OuterRef("user__partner_id"),
                                                               level__in=levels)),
        ).values(*_TOKEN_FIELDS, *(f"user__{n}" for n in user_fields), "receives_shares"),
        [1, *levels, key])  # Exists() selects a literal 1 first; a wrong order only means no reuse
    if not rows:
        return None
    row = rows[0]
    token = ApiToken.from_db(db, _TOKEN_FIELDS, [row[n] for n in _TOKEN_FIELDS])
    token.user = user_model.from_db(db, user_fields, [row[f"user__{n}"] for n in user_fields])
    if not row["receives_shares"]:
        setattr(token.user, NO_SHARES_ATTR, True)
    return token


def token_authenticate(*, raw: str, ip: str | None) -> ApiToken | None:
    """The live token that ``raw`` is, with its user loaded, or None.

    None covers every refusal (malformed, unknown key, wrong secret, revoked, expired,
    inactive user, address outside the allowed ranges) so callers cannot tell them apart.
    """
    match = TOKEN_PATTERN.fullmatch(raw or "")
    if match is None:
        return None
    key, secret = match.groups()
    offered = secret_digest(secret)
    token = _token_with_user(key)
    # Compare even for an unknown key, so both refusals take the same time.
    if not hmac.compare_digest(offered, token.digest if token else "0" * 64) or token is None:
        return None
    now = timezone.now()
    if token_status(token, now) != Status.ACTIVE or not token.user.is_active or not ip_allowed(token.allowed_ips, ip):
        return None
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)  # update(): no audit entry for a heartbeat
        token.last_used_at = now
    return token


# --------------------------------------------------------------------------- selectors


def token_list(*, user, everyone: bool = False) -> QuerySet:
    """The user's own tokens; with ``everyone``, an administrator's view of all tokens."""
    qs = ApiToken.objects.select_related("user", "revoked_by")
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return qs.none()
    if everyone:
        if not is_admin(user):
            raise DomainError(ErrorCode.PERMISSION_DENIED, _("只有管理员可以查看所有人的令牌。"))
        return qs
    return qs.filter(user=user)


def token_get(*, user, token_id) -> ApiToken:
    """One token the user may manage (its own; any, for an administrator), or 404."""
    qs = ApiToken.objects.select_related("user") if is_admin(user) else token_list(user=user)
    try:
        return qs.get(pk=token_id)
    except (ApiToken.DoesNotExist, ValueError, TypeError, OverflowError) as exc:
        raise Http404 from exc


# --------------------------------------------------------------------------- access log


def _acting_user(request):
    for candidate in (getattr(request, "auth", None), getattr(request, "user", None)):
        if candidate is not None and getattr(candidate, "is_authenticated", False):
            return candidate
    return None


def log_access(request, *, partner, action: str, resource: str, rows: int, detail: str = "") -> AccessLog | None:
    """Record one read or write of shared partner data: one INSERT, nothing else.

    Call it from every endpoint or view that reads or writes partners' shared data (sales,
    customer lists, overlaps, registrations). It records requests made with an API token
    or by a partner user; staff browsing with a session are not logged (returns None).
    ``partner`` is the partner company whose data was touched (a Partner, its id, or None).
    """
    if action not in (AccessLog.READ, AccessLog.WRITE):
        raise ValueError(f"action must be {AccessLog.READ!r} or {AccessLog.WRITE!r}, not {action!r}")
    user = _acting_user(request)
    token = getattr(request, "api_token", None)
    if token is None and (user is None or user.is_internal):
        return None
    partner_id = partner if isinstance(partner, int) or partner is None else partner.pk
    try:
        ip = str(ipaddress.ip_address(client_ip(request) or ""))
    except ValueError:
        ip = None
    values = {"at": timezone.now(), "user_id": user.pk if user is not None else None,
              "token_id": token.pk if token is not None else None, "partner_id": partner_id, "action": action,
              "resource": str(resource)[:64], "rows": max(0, int(rows)), "detail": str(detail)[:300], "ip": ip}
    return _insert_access_log(values)


_INSERT_SQL: dict[tuple[str, bool], str] = {}


def _insert_access_log(values: dict) -> AccessLog:
    """One plain INSERT ... RETURNING id: what ``objects.create()`` sends, without ~0.2 ms of model saving.

    AccessLog has no signals, audit registration or save() of its own to skip.

    On PostgreSQL, outside any transaction (the usual case: an API read), the entry commits
    asynchronously unless ``ALLIES_ACCESS_LOG_ASYNC_COMMIT`` is off: see :func:`_insert_sql`.
    """
    db = AccessLog.objects.db
    connection = connections[db]
    fields = [f for f in AccessLog._meta.concrete_fields if not f.primary_key]
    asynchronous = (connection.vendor == "postgresql" and settings.ALLIES_ACCESS_LOG_ASYNC_COMMIT
                    and connection.get_autocommit())
    sql = _INSERT_SQL.get((db, asynchronous))
    if sql is None:
        sql = _INSERT_SQL[(db, asynchronous)] = _insert_sql(connection, fields, asynchronous=asynchronous)
    params = [f.get_db_prep_save(values[f.attname], connection) for f in fields]
    with compiled.prepared_or_plain_cursor(connection) as cursor:
        cursor.execute(sql, params)
        pk = cursor.fetchone()[0] if connection.features.can_return_columns_from_insert else cursor.lastrowid
    entry = AccessLog(pk=pk, **values)
    entry._state.adding, entry._state.db = False, db
    return entry


def _insert_sql(connection, fields, *, asynchronous: bool) -> str:
    """The access log's INSERT; ``asynchronous`` (PostgreSQL only) makes its commit not wait for the disk.

    Every partner read writes one entry, and on PostgreSQL the commit of that one-row
    transaction waited for the WAL to reach the disk: under load the workers sat waiting for
    those flushes (the sales page went from about 660 to 860 requests a second with this
    change; benchmarks/RESULTS.md, fifth session). PostgreSQL lets a single
    transaction commit asynchronously (``synchronous_commit`` set locally): the entry is
    written and visible at once, and reaches the disk within about 0.6 s (3 x
    ``wal_writer_delay``). Only a crash of the database server in that window can lose it;
    nothing is ever half-written. ``set_config(..., true)`` is local to the statement's own
    transaction, so it is asked only when no transaction is open (a business write in an
    atomic block keeps its synchronous commit, and its log entry shares it).
    """
    qn = connection.ops.quote_name
    table, columns = qn(AccessLog._meta.db_table), ", ".join(qn(f.column) for f in fields)
    if asynchronous:
        # INSERT ... SELECT: the parameters get the columns' types explicitly (a bare SELECT $1 is text).
        typed = ", ".join(f"CAST(%s AS {f.db_type(connection)})" for f in fields)
        sql = (f"INSERT INTO {table} ({columns}) SELECT {typed} "
               "FROM (SELECT set_config('synchronous_commit', 'off', true) AS setting) AS async_commit "
               "WHERE async_commit.setting = 'off'")
    else:
        sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})"
    if connection.features.can_return_columns_from_insert:
        sql += f" RETURNING {qn(AccessLog._meta.pk.column)}"
    return sql


def access_log_list(*, user, partner_id: int | None = None, action: str = "", day_from: date | None = None,
                    day_to: date | None = None) -> QuerySet:
    """Access-log entries for staff, newest first, filtered by partner, action and day (inclusive)."""
    if not getattr(user, "is_authenticated", False) or not user.is_internal:
        raise Http404
    qs = AccessLog.objects.select_related("user", "token", "partner")
    if partner_id:
        qs = qs.filter(partner_id=partner_id)
    if action in (AccessLog.READ, AccessLog.WRITE):
        qs = qs.filter(action=action)
    zone = timezone.get_current_timezone()
    if day_from and day_from > date.min:
        qs = qs.filter(at__gte=datetime.combine(day_from, time.min, tzinfo=zone))
    if day_to and day_to < date.max:
        qs = qs.filter(at__lt=datetime.combine(day_to + timedelta(days=1), time.min, tzinfo=zone))
    return qs

"""Data sharing: API tokens, access log, sharing levels, sales records and imports, joint customers."""

from auditlog.registry import auditlog
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from allies.partners.models import Partner


# --------------------------------------------------------------------------- tokens and access


class ApiToken(models.Model):
    """An API token (NetBox design): ``allies_<key>_<secret>``; only an HMAC digest of the secret is kept."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE,
                             related_name="api_tokens")
    key = models.CharField(_("令牌编号"), max_length=16, unique=True)
    digest = models.CharField(max_length=64)
    hint = models.CharField(_("末四位"), max_length=4)
    description = models.CharField(_("说明"), max_length=200, blank=True, default="")
    read_only = models.BooleanField(_("只读"), default=False)
    allowed_ips = models.JSONField(_("允许的 IP 范围"), default=list, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    expires_at = models.DateTimeField(_("过期时间"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        verbose_name = _("API 令牌")
        verbose_name_plural = _("API 令牌")
        ordering = ["-created_at"]

    def __str__(self):
        return f"allies_{self.key}_…{self.hint}"


class AccessLog(models.Model):
    """One read or write of shared partner data by a partner user or token."""

    READ, WRITE = "read", "write"
    at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("用户"), null=True, on_delete=models.SET_NULL)
    token = models.ForeignKey(ApiToken, verbose_name=_("令牌"), null=True, blank=True, on_delete=models.SET_NULL)
    partner = models.ForeignKey(Partner, verbose_name=_("伙伴"), null=True, on_delete=models.SET_NULL,
                                related_name="+")
    action = models.CharField(_("动作"), max_length=8, choices=[(READ, _("读取")), (WRITE, _("写入"))])
    resource = models.CharField(_("资源"), max_length=64)
    rows = models.PositiveIntegerField(_("行数"), default=0)
    detail = models.CharField(_("详情"), max_length=300, blank=True, default="")
    ip = models.GenericIPAddressField(_("IP"), null=True, blank=True)

    class Meta:
        verbose_name = _("访问记录")
        verbose_name_plural = _("访问记录")
        ordering = ["-at", "-id"]


class SharingLevel(models.TextChoices):
    NONE = "none", _("不共享")
    AGGREGATES = "aggregates", _("仅汇总")
    ROWS = "rows", _("明细")


class SharingGrant(models.Model):
    """What ``grantee`` may see of ``grantor``'s shared data, set per partnership (default: nothing)."""

    grantor = models.ForeignKey(Partner, verbose_name=_("数据所有方"), on_delete=models.CASCADE, related_name="+")
    grantee = models.ForeignKey(Partner, verbose_name=_("可查看方"), on_delete=models.CASCADE, related_name="+")
    level = models.CharField(_("共享级别"), max_length=16, choices=SharingLevel.choices, default=SharingLevel.NONE)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    set_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("共享级别")
        verbose_name_plural = _("共享级别")
        constraints = [
            models.UniqueConstraint(fields=["grantor", "grantee"], name="sharing_grant_unique"),
            models.CheckConstraint(condition=~Q(grantor=models.F("grantee")), name="sharing_grant_not_self"),
        ]


# --------------------------------------------------------------------------- sales data


class SalesImport(models.Model):
    """An upload of sales rows (file or API batch): progress, outcome and the report of bad rows."""

    QUEUED, RUNNING, SUCCEEDED, FAILED = "queued", "running", "succeeded", "failed"
    STATUSES = [(QUEUED, _("排队中")), (RUNNING, _("处理中")), (SUCCEEDED, _("成功")), (FAILED, _("失败"))]
    PARTNER_SCOPE = "partner"

    partner = models.ForeignKey(Partner, verbose_name=_("伙伴"), on_delete=models.CASCADE, related_name="+")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("上传人"), null=True,
                                    on_delete=models.SET_NULL)
    token = models.ForeignKey(ApiToken, null=True, blank=True, on_delete=models.SET_NULL)
    filename = models.CharField(_("文件名"), max_length=255)
    stored_path = models.CharField(max_length=500, blank=True, default="")
    size = models.BigIntegerField(_("大小"), default=0)
    status = models.CharField(_("状态"), max_length=12, choices=STATUSES, default=QUEUED)
    total_rows = models.PositiveIntegerField(_("总行数"), default=0)
    processed_rows = models.PositiveIntegerField(_("已处理"), default=0)
    created_count = models.PositiveIntegerField(_("新增"), default=0)
    updated_count = models.PositiveIntegerField(_("更新"), default=0)
    error_count = models.PositiveIntegerField(_("错误数"), default=0)
    errors = models.JSONField(_("错误"), default=list, blank=True)
    message = models.CharField(_("说明"), max_length=500, blank=True, default="")
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("销售数据导入")
        verbose_name_plural = _("销售数据导入")
        ordering = ["-created_at", "-id"]


class SalesRecord(models.Model):
    """One sale reported by a partner. Money in integer minor units with an ISO-4217 currency."""

    PARTNER_SCOPE = "partner"

    partner = models.ForeignKey(Partner, verbose_name=_("伙伴"), on_delete=models.CASCADE, related_name="sales")
    external_id = models.CharField(_("外部编号"), max_length=100)
    date = models.DateField(_("日期"))
    product = models.CharField(_("产品"), max_length=200)
    customer = models.CharField(_("客户"), max_length=200, blank=True, default="")
    quantity = models.DecimalField(_("数量"), max_digits=18, decimal_places=3)
    amount = models.BigIntegerField(_("金额（分）"))
    cost = models.BigIntegerField(_("成本（分）"), default=0)
    currency = models.CharField(_("币种"), max_length=3, default="CNY")
    channel = models.CharField(_("渠道"), max_length=100, blank=True, default="")
    batch = models.ForeignKey(SalesImport, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("销售记录")
        verbose_name_plural = _("销售记录")
        constraints = [models.UniqueConstraint(fields=["partner", "external_id"], name="sales_external_id_unique")]
        indexes = [
            # (partner, date, id): a page ordered by date then id reads straight off the index on
            # PostgreSQL (SQLite's indexes end in the rowid anyway); also serves counts by date range.
            models.Index(fields=["partner", "date", "id"], name="sales_partner_date_id"),
            # (date, id) for staff reads across partners, in the page's order. Not (date) alone:
            # rows arrive in date order, so PostgreSQL's planner rated a bare (date) index as cheap
            # for one partner's page too, and read every partner's rows of the range (26x the rows
            # needed with 20 partners; measured in benchmarks/RESULTS.md). Ending in id, the index
            # gives staff their order directly, and an unsorted walk of it no longer looks cheaper
            # than the partner index for one partner.
            models.Index(fields=["date", "id"], name="sales_date_id"),
        ]


class SalesMonthly(models.Model):
    """Roll-up of sales per partner, month, product and currency, maintained on every write.

    Summaries read this table instead of aggregating raw rows on each request.
    """

    PARTNER_SCOPE = "partner"

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="+")
    month = models.DateField()
    product = models.CharField(max_length=200)
    currency = models.CharField(max_length=3)
    rows = models.PositiveIntegerField(default=0)
    quantity = models.DecimalField(max_digits=24, decimal_places=3, default=0)
    amount = models.BigIntegerField(default=0)
    cost = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["partner", "month", "product", "currency"], name="sales_monthly_unique"),
        ]
        indexes = [models.Index(fields=["partner", "month"], name="sales_monthly_partner_month")]


class IdempotencyKey(models.Model):
    """The stored answer to an API write sent with an Idempotency-Key, per principal."""

    key = models.CharField(max_length=200)
    principal = models.CharField(max_length=64)
    method = models.CharField(max_length=8)
    path = models.CharField(max_length=300)
    request_hash = models.CharField(max_length=64)
    status = models.PositiveSmallIntegerField()
    body = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["principal", "key"], name="idempotency_key_unique")]


# --------------------------------------------------------------------------- joint customers


class AccountList(models.Model):
    """A customer list uploaded by a partner (or ours, when ``partner`` is empty). Replaced on re-upload."""

    PARTNER_SCOPE = "partner"

    partner = models.ForeignKey(Partner, verbose_name=_("伙伴"), null=True, blank=True, on_delete=models.CASCADE,
                                related_name="+")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    filename = models.CharField(_("文件名"), max_length=255, blank=True, default="")
    account_count = models.PositiveIntegerField(_("客户数"), default=0)
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("客户名单")
        verbose_name_plural = _("客户名单")
        ordering = ["-uploaded_at"]


class Account(models.Model):
    """One account of a list: identifiers as keyed hashes; the readable name is shown to its uploader only."""

    PARTNER_SCOPE = "partner"

    account_list = models.ForeignKey(AccountList, on_delete=models.CASCADE, related_name="accounts")
    partner = models.ForeignKey(Partner, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    display_name = models.CharField(max_length=200, blank=True, default="")
    name_hash = models.CharField(max_length=32, blank=True, default="", db_index=True)
    uscc_hash = models.CharField(max_length=32, blank=True, default="", db_index=True)
    domain_hash = models.CharField(max_length=32, blank=True, default="", db_index=True)


class OverlapQuery(models.Model):
    """A logged overlap query: partners could probe with guessed lists, so queries are counted per day.

    ``partner`` is the partner that asked (None when staff asked), so only a partner's own
    queries are in its scope; ``left_partner`` is the list compared with ``other`` (or with
    our own list when ``with_us``). ``matches`` keeps the result for paging: the matched
    account ids of the left list, and for staff the matched pairs.
    """

    PARTNER_SCOPE = "partner"

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    partner = models.ForeignKey(Partner, null=True, on_delete=models.SET_NULL, related_name="+")
    left_partner = models.ForeignKey(Partner, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    other = models.ForeignKey(Partner, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    with_us = models.BooleanField(default=False)
    level = models.CharField(max_length=16)
    matched = models.PositiveIntegerField(default=0)
    matches = models.JSONField(default=dict, blank=True)


class CustomerRegistration(models.Model):
    """客户报备: a partner claims an opportunity on a customer for joint selling, for a protection period."""

    PARTNER_SCOPE = "partner"
    ACTIVE, CONFLICT, APPROVED, REJECTED, EXPIRED = "active", "conflict", "approved", "rejected", "expired"
    STATUSES = [(ACTIVE, _("有效")), (CONFLICT, _("冲突待裁定")), (APPROVED, _("裁定有效")), (REJECTED, _("已驳回")),
                (EXPIRED, _("已过保护期"))]
    STAGES = [("lead", _("线索")), ("qualified", _("已确认需求")), ("proposal", _("方案/报价")), ("won", _("赢单")),
              ("lost", _("丢单"))]

    partner = models.ForeignKey(Partner, verbose_name=_("伙伴"), on_delete=models.CASCADE, related_name="+")
    customer_name = models.CharField(_("客户名称"), max_length=200)
    customer_uscc = models.CharField(_("统一社会信用代码"), max_length=18, blank=True, default="")
    customer_domain = models.CharField(_("网站域名"), max_length=200, blank=True, default="")
    match_keys = models.JSONField(default=list)
    value = models.BigIntegerField(_("商机金额（分）"), default=0)
    currency = models.CharField(_("币种"), max_length=3, default="CNY")
    stage = models.CharField(_("商机阶段"), max_length=16, choices=STAGES, default="lead")
    expected_close = models.DateField(_("预计成交日期"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=12, choices=STATUSES, default=ACTIVE)
    conflict_with = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    protected_until = models.DateField(_("保护期至"))
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                      related_name="+")
    registered_at = models.DateTimeField(_("报备时间"), auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    decision_note = models.CharField(_("裁定说明"), max_length=500, blank=True, default="")

    class Meta:
        verbose_name = _("客户报备")
        verbose_name_plural = _("客户报备")
        ordering = ["-registered_at"]


auditlog.register(ApiToken, exclude_fields=["digest", "last_used_at"])
for _model in (SharingGrant, SalesImport, CustomerRegistration, AccountList):
    auditlog.register(_model)

"""Monitoring (spec 5.3, 6): periodic evaluations with their KPIs and decisions, health surveys,
early-warning alerts, and their delivery by e-mail and webhook."""

from auditlog.registry import auditlog
from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from allies.domain import kpi as kpi_math

VALUE_DIGITS, VALUE_PLACES = 20, 4


class PeriodType(models.TextChoices):
    QUARTER = kpi_math.QUARTER, _("季度")
    HALF_YEAR = kpi_math.HALF_YEAR, _("半年")


class KpiSource(models.TextChoices):
    PILOT = "pilot", _("试点指标")
    SALES = "sales", _("共享销售数据")
    MANUAL = "manual", _("手工录入")


class DecisionKind(models.TextChoices):
    COOPERATION_MODEL = "cooperation_model", _("调整合作模式")
    SHARING_RULES = "sharing_rules", _("调整分成规则")
    RESOURCES = "resources", _("调整资源投入")
    OTHER = "other", _("其他")


class Dimension(models.TextChoices):
    TRUST = "trust", _("信任")
    COMMUNICATION = "communication", _("沟通")
    VALUE_CREATED = "value_created", _("创造的价值")
    FAIRNESS = "fairness", _("分成公平性")
    STRATEGIC_ALIGNMENT = "strategic_alignment", _("战略一致性")
    EXECUTION = "execution", _("执行力")


class Side(models.TextChoices):
    OURS = "ours", _("我方")
    PARTNER = "partner", _("伙伴方")


def period_label(period_type: str, year: int, number: int) -> str:
    """E.g. 2026 年第 3 季度 / Q3 2026, 2026 年上半年 / H1 2026."""
    if period_type == PeriodType.QUARTER:
        return _("{year} 年第 {n} 季度").format(year=year, n=number)
    return (_("{year} 年上半年") if number == 1 else _("{year} 年下半年")).format(year=year)


class Evaluation(models.Model):
    """The evaluation of one alliance (agreement) for one quarter or half-year."""

    PARTNER_SCOPE = "agreement__partners"

    agreement = models.ForeignKey("agreements.Agreement", verbose_name=_("联盟"), on_delete=models.CASCADE,
                                  related_name="evaluations")
    period_type = models.CharField(_("评估周期"), max_length=12, choices=PeriodType.choices)
    year = models.PositiveSmallIntegerField(_("年份"))
    number = models.PositiveSmallIntegerField(_("期数"))
    period_start = models.DateField(_("开始日期"))
    period_end = models.DateField(_("结束日期"))
    summary = models.TextField(_("评估结论"), blank=True, default="")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("创建人"), null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("定期评估")
        verbose_name_plural = _("定期评估")
        ordering = ["-period_start", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "period_type", "year", "number"],
                                    name="evaluation_one_per_period"),
            models.CheckConstraint(condition=Q(period_end__gt=F("period_start")), name="evaluation_end_after_start"),
        ]

    def __str__(self):
        return f"{self.agreement.code} {self.period_label}"

    @property
    def period_label(self) -> str:
        return period_label(self.period_type, self.year, self.number)

    @property
    def period_key(self) -> list:
        """The period as stored in an alert's evidence, so its label follows the reader's language."""
        return [self.period_type, self.year, self.number]


class EvaluationKpi(models.Model):
    """One KPI of an evaluation: target, actual (pulled from a source or entered), deviation and why."""

    PARTNER_SCOPE = "evaluation__agreement__partners"

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="kpis")
    name = models.CharField(_("指标名称"), max_length=100)
    unit = models.CharField(_("单位"), max_length=20)
    direction = models.CharField(_("方向"), max_length=8, choices=[(kpi_math.HIGHER, _("越高越好")),
                                                                 (kpi_math.LOWER, _("越低越好"))],
                                 default=kpi_math.HIGHER)
    target = models.DecimalField(_("目标值"), max_digits=VALUE_DIGITS, decimal_places=VALUE_PLACES, null=True,
                                 blank=True)
    actual = models.DecimalField(_("实际值"), max_digits=VALUE_DIGITS, decimal_places=VALUE_PLACES, null=True,
                                 blank=True)
    source = models.CharField(_("数据来源"), max_length=8, choices=KpiSource.choices, default=KpiSource.MANUAL)
    source_ref = models.CharField(_("来源标识"), max_length=64, blank=True, default="")
    margin = models.FloatField(_("预警幅度"), default=kpi_math.DEFAULT_MARGIN)
    explanation = models.TextField(_("偏差说明"), blank=True, default="")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("评估指标")
        verbose_name_plural = _("评估指标")
        ordering = ["evaluation", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["evaluation", "name"], name="evaluation_kpi_name_unique")]

    def __str__(self):
        return self.name

    @property
    def attainment(self) -> float | None:
        if self.target is None or self.actual is None:
            return None
        return kpi_math.attainment(float(self.target), float(self.actual), self.direction)

    @property
    def deviation(self) -> float | None:
        """Actual minus target, in the KPI's unit."""
        if self.target is None or self.actual is None:
            return None
        return float(self.actual - self.target)


class EvaluationDecision(models.Model):
    PARTNER_SCOPE = "evaluation__agreement__partners"

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="decisions")
    kind = models.CharField(_("决定类型"), max_length=20, choices=DecisionKind.choices)
    text = models.TextField(_("决定内容"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("评估决定")
        verbose_name_plural = _("评估决定")
        ordering = ["created_at", "id"]


class Survey(models.Model):
    """The health survey (合作健康度问卷) of one evaluation, answered by people on both sides."""

    PARTNER_SCOPE = "evaluation__agreement__partners"

    evaluation = models.OneToOneField(Evaluation, on_delete=models.CASCADE, related_name="survey")
    anonymous = models.BooleanField(_("匿名"), default=True,
                                    help_text=_("匿名时，一方的结果在至少三人作答后才显示。"))
    closes_on = models.DateField(_("截止日期"), null=True, blank=True)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    sent_at = models.DateTimeField(_("发送时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("合作健康度问卷")
        verbose_name_plural = _("合作健康度问卷")
        ordering = ["-sent_at", "-id"]


class SurveyRecipient(models.Model):
    """A person the survey was sent to."""

    PARTNER_SCOPE = "survey__evaluation__agreement__partners"

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="recipients")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    side = models.CharField(max_length=8, choices=Side.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["survey", "user"], name="survey_recipient_unique")]


def _score_field(label):
    return models.PositiveSmallIntegerField(label)


class SurveyAnswer(models.Model):
    """One person's answer: a 1-5 score on each of the six dimensions, and free text."""

    PARTNER_SCOPE = "survey__evaluation__agreement__partners"

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="answers")
    respondent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    side = models.CharField(_("所属方"), max_length=8, choices=Side.choices)
    partner = models.ForeignKey("partners.Partner", null=True, blank=True, on_delete=models.CASCADE,
                                related_name="+")
    trust = _score_field(_("信任"))
    communication = _score_field(_("沟通"))
    value_created = _score_field(_("创造的价值"))
    fairness = _score_field(_("分成公平性"))
    strategic_alignment = _score_field(_("战略一致性"))
    execution = _score_field(_("执行力"))
    comment = models.TextField(_("意见与建议"), blank=True, default="")
    answered_at = models.DateTimeField(_("作答时间"), auto_now=True)

    class Meta:
        verbose_name = _("问卷答卷")
        verbose_name_plural = _("问卷答卷")
        constraints = [
            models.UniqueConstraint(fields=["survey", "respondent"], name="survey_answer_one_per_person"),
            *[models.CheckConstraint(condition=Q(**{f"{d}__gte": 1, f"{d}__lte": 5}), name=f"survey_answer_{d}_1_5")
              for d in kpi_math.SURVEY_DIMENSIONS],
        ]

    def scores(self) -> dict[str, int]:
        return {d: getattr(self, d) for d in kpi_math.SURVEY_DIMENSIONS}


class Severity(models.TextChoices):
    INFO = "info", _("提示")
    WARNING = "warning", _("警告")
    CRITICAL = "critical", _("严重")


SEVERITY_RANK = {Severity.INFO: 0, Severity.WARNING: 1, Severity.CRITICAL: 2}


class AlertStatus(models.TextChoices):
    OPEN = "open", _("未处理")
    ACKNOWLEDGED = "acknowledged", _("已确认")
    RESOLVED = "resolved", _("已解决")


class AlertRule(models.TextChoices):
    KPI_BELOW_TARGET = "kpi_below_target", _("指标低于目标")
    METRIC_DROP = "metric_drop", _("指标较近期均值下滑")
    SALES_MISSING = "sales_missing", _("未收到销售数据")
    ACTION_OVERDUE = "action_overdue", _("行动项逾期")
    AGREEMENT_DEADLINE = "agreement_deadline", _("协议临近到期或通知期")
    SURVEY_LOW = "survey_low", _("健康度维度偏低")
    SURVEY_DIVERGENCE = "survey_divergence", _("双方看法分歧")


class Alert(models.Model):
    """One early warning. ``dedupe_key`` names the condition, so it is raised once however often
    `allies watch` runs (a unique constraint makes this hold for runs at the same moment)."""

    PARTNER_SCOPE = "agreement__partners"

    agreement = models.ForeignKey("agreements.Agreement", verbose_name=_("联盟"), on_delete=models.CASCADE,
                                  related_name="alerts")
    partner = models.ForeignKey("partners.Partner", verbose_name=_("伙伴"), null=True, blank=True,
                                on_delete=models.CASCADE, related_name="+")
    rule = models.CharField(_("规则"), max_length=24, choices=AlertRule.choices)
    dedupe_key = models.CharField(max_length=200, unique=True)
    severity = models.CharField(_("严重程度"), max_length=10, choices=Severity.choices, default=Severity.WARNING)
    title = models.CharField(_("标题"), max_length=300)
    evidence = models.JSONField(_("证据"), default=dict, blank=True)
    status = models.CharField(_("状态"), max_length=14, choices=AlertStatus.choices, default=AlertStatus.OPEN)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("负责人"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="owned_alerts")
    conflict_id = models.PositiveBigIntegerField(_("关联冲突"), null=True, blank=True)
    raised_at = models.DateTimeField(_("预警时间"), auto_now_add=True)
    last_seen_at = models.DateTimeField(_("最近检测"), auto_now_add=True)
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                        related_name="+")
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution = models.TextField(_("处理说明"), blank=True, default="")

    class Meta:
        verbose_name = _("预警")
        verbose_name_plural = _("预警")
        ordering = ["-raised_at", "-id"]
        indexes = [models.Index(fields=["status", "severity"])]

    def __str__(self):
        return self.title

    @property
    def display_title(self) -> str:
        """The title in the reader's language (``title`` keeps the one sent in messages)."""
        from allies.monitoring.watch import describe

        return describe(self.rule, self.evidence.get("params", {}))[0]


class WebhookKind(models.TextChoices):
    WECOM = "wecom", _("企业微信")
    DINGTALK = "dingtalk", _("钉钉")
    FEISHU = "feishu", _("飞书")
    SLACK = "slack", _("Slack")


class WebhookEndpoint(models.Model):
    """A group-chat robot that receives alerts, configured by staff."""

    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=10, choices=WebhookKind.choices)
    url = models.URLField(_("地址"), max_length=500)
    secret = models.CharField(_("签名密钥"), max_length=200, blank=True, default="",
                              help_text=_("钉钉、飞书的加签密钥；不需要时留空。"))
    min_severity = models.CharField(_("最低严重程度"), max_length=10, choices=Severity.choices,
                                    default=Severity.WARNING)
    enabled = models.BooleanField(_("启用"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("Webhook 推送地址")
        verbose_name_plural = _("Webhook 推送地址")
        ordering = ["name", "id"]

    def __str__(self):
        return self.name


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("待发送")
    SENT = "sent", _("已发送")
    FAILED = "failed", _("失败")


class Delivery(models.Model):
    """One alert sent (or being sent) to one e-mail address or one webhook, with its attempts."""

    EMAIL, WEBHOOK = "email", "webhook"

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="deliveries")
    channel = models.CharField(_("渠道"), max_length=8, choices=[(EMAIL, _("邮件")), (WEBHOOK, _("Webhook"))])
    endpoint = models.ForeignKey(WebhookEndpoint, null=True, blank=True, on_delete=models.CASCADE,
                                 related_name="deliveries")
    recipient = models.CharField(_("接收方"), max_length=500)
    status = models.CharField(_("状态"), max_length=8, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    response_code = models.PositiveSmallIntegerField(_("响应码"), null=True, blank=True)
    error = models.TextField(_("错误"), blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    last_attempt_at = models.DateTimeField(_("最近尝试"), null=True, blank=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("推送记录")
        verbose_name_plural = _("推送记录")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["alert", "channel", "recipient"], name="delivery_once_per_recipient"),
        ]


for _model in (Evaluation, EvaluationKpi, EvaluationDecision, Survey, SurveyRecipient, Alert):
    auditlog.register(_model)
# SurveyAnswer is deliberately not audited: an audit entry carries its actor, so administrators
# could read in the audit log who gave which scores and comments, breaking the anonymity a
# survey promises within a side. The answer row itself is the record of what was answered.
auditlog.register(Delivery)
auditlog.register(WebhookEndpoint, exclude_fields=["secret"])

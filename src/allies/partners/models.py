"""Partner registry and screening: companies, contacts, stage history, screening models, ratings, runs."""

from auditlog.registry import auditlog
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from allies.partners.choices import CompanySize, Direction, Method, SourceChannel, Stage, WeightMode

RATING_MIN, RATING_MAX = 0, 10


class Partner(models.Model):
    """A partner company: a candidate on the way in, a partner, or one that left."""

    PARTNER_SCOPE = "id"

    name = models.CharField(_("名称"), max_length=200, unique=True)
    uscc = models.CharField(_("统一社会信用代码"), max_length=18, blank=True, default="")
    industry = models.CharField(_("行业"), max_length=100, blank=True, default="")
    region = models.CharField(_("地区"), max_length=100, blank=True, default="")
    size = models.CharField(_("规模"), max_length=16, choices=CompanySize.choices, blank=True, default="")
    website = models.URLField(_("网站"), blank=True, default="")
    source_channel = models.CharField(
        _("寻找渠道"), max_length=32, choices=SourceChannel.choices, blank=True, default=""
    )
    resources = models.JSONField(_("提供的资源"), default=list, blank=True)
    stage = models.CharField(_("合作阶段"), max_length=32, choices=Stage.choices, default=Stage.PROSPECT)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("负责人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_partners",
    )
    notes = models.TextField(_("备注"), blank=True, default="")
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("伙伴")
        verbose_name_plural = _("伙伴")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["uscc"], condition=~Q(uscc=""), name="partner_uscc_unique"),
        ]
        indexes = [models.Index(fields=["stage"])]

    def __str__(self):
        return self.name


class Contact(models.Model):
    PARTNER_SCOPE = "partner"

    partner = models.ForeignKey(Partner, verbose_name=_("伙伴"), on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("姓名"), max_length=100)
    title = models.CharField(_("职务"), max_length=100, blank=True, default="")
    email = models.EmailField(_("邮箱"), blank=True, default="")
    phone = models.CharField(_("电话"), max_length=40, blank=True, default="")

    class Meta:
        verbose_name = _("联系人")
        verbose_name_plural = _("联系人")
        ordering = ["id"]

    def __str__(self):
        return self.name


class StageChange(models.Model):
    """One move of a partner between pipeline stages: who, when, why. Internal only."""

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="stage_changes")
    from_stage = models.CharField(_("原阶段"), max_length=32, choices=Stage.choices, blank=True, default="")
    to_stage = models.CharField(_("新阶段"), max_length=32, choices=Stage.choices)
    reason = models.TextField(_("原因"))
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, on_delete=models.SET_NULL
    )
    changed_at = models.DateTimeField(_("时间"), auto_now_add=True)
    override = models.BooleanField(_("越过规则"), default=False,
                                   help_text=_("此次变更未满足阶段规则，由操作人说明原因后强制执行。"))

    class Meta:
        verbose_name = _("阶段变更")
        verbose_name_plural = _("阶段变更")
        ordering = ["-changed_at", "-id"]


class ScreeningModel(models.Model):
    """A named ideal-partner profile (伙伴画像). Its criteria live in immutable versions."""

    name = models.CharField(_("名称"), max_length=120, unique=True)
    description = models.TextField(_("说明"), blank=True, default="")
    is_default = models.BooleanField(_("默认模型"), default=False)
    disagreement_threshold = models.FloatField(
        _("分歧阈值"),
        default=3.0,
        validators=[MinValueValidator(0), MaxValueValidator(RATING_MAX)],
        help_text=_("同一指标多位评分人的最高分与最低分之差超过此值时标记为分歧。"),
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("筛选模型")
        verbose_name_plural = _("筛选模型")
        ordering = ["-is_default", "name"]
        constraints = [
            models.UniqueConstraint(fields=["is_default"], condition=Q(is_default=True), name="one_default_model"),
        ]

    def __str__(self):
        return self.name

    @property
    def current_version(self) -> "ModelVersion | None":
        return self.versions.order_by("-number").first()


class ModelVersion(models.Model):
    """One frozen set of criteria and weights. Editing a model creates the next version."""

    model = models.ForeignKey(ScreeningModel, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("版本"))
    weight_mode = models.CharField(_("权重方式"), max_length=8, choices=WeightMode.choices, default=WeightMode.DIRECT)
    ahp_matrix = models.JSONField(_("AHP 判断矩阵"), null=True, blank=True)
    consistency_ratio = models.FloatField(_("一致性比率"), null=True, blank=True)
    note = models.CharField(_("变更说明"), max_length=300, blank=True, default="")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("模型版本")
        verbose_name_plural = _("模型版本")
        ordering = ["model", "-number"]
        constraints = [models.UniqueConstraint(fields=["model", "number"], name="model_version_unique")]

    def __str__(self):
        return f"{self.model.name} v{self.number}"


class Criterion(models.Model):
    """A screening dimension in one model version, rated 0-10 per partner."""

    version = models.ForeignKey(ModelVersion, on_delete=models.CASCADE, related_name="criteria")
    code = models.SlugField(_("代码"), max_length=64)
    label_zh = models.CharField(_("中文名称"), max_length=100)
    label_en = models.CharField(_("英文名称"), max_length=100)
    indicators = models.CharField(_("具体指标"), max_length=300, blank=True, default="")
    direction = models.CharField(_("方向"), max_length=8, choices=Direction.choices, default=Direction.BENEFIT)
    weight = models.FloatField(_("权重"), validators=[MinValueValidator(0)])
    knockout_min = models.FloatField(
        _("淘汰线"),
        null=True,
        blank=True,
        validators=[MinValueValidator(RATING_MIN), MaxValueValidator(RATING_MAX)],
        help_text=_("低于此评分的候选伙伴在打分前即被淘汰。"),
    )
    position = models.PositiveSmallIntegerField(_("顺序"), default=0)

    class Meta:
        verbose_name = _("筛选指标")
        verbose_name_plural = _("筛选指标")
        ordering = ["version", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["version", "code"], name="criterion_code_unique")]

    def __str__(self):
        return self.label_zh

    def label(self, language: str | None = None) -> str:
        from django.utils.translation import get_language

        lang = (language or get_language() or "zh-hans").lower()
        return self.label_en if lang.startswith("en") and self.label_en else self.label_zh


class Rating(models.Model):
    """One rater's 0-10 score of one partner on one criterion (by criterion code)."""

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="ratings")
    criterion_code = models.SlugField(_("指标"), max_length=64)
    rater = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("评分人"), on_delete=models.CASCADE)
    score = models.DecimalField(
        _("评分"),
        max_digits=4,
        decimal_places=2,
        validators=[MinValueValidator(RATING_MIN), MaxValueValidator(RATING_MAX)],
    )
    note = models.CharField(_("说明"), max_length=500, blank=True, default="")
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("评分")
        verbose_name_plural = _("评分")
        constraints = [
            models.UniqueConstraint(fields=["partner", "criterion_code", "rater"], name="rating_unique"),
            models.CheckConstraint(condition=Q(score__gte=0) & Q(score__lte=10), name="rating_range"),
        ]
        indexes = [models.Index(fields=["criterion_code", "partner"])]


class ScreeningRun(models.Model):
    """A saved ranking: what was decided, on which model version, weights and method."""

    version = models.ForeignKey(ModelVersion, on_delete=models.PROTECT, related_name="runs")
    method = models.CharField(_("方法"), max_length=16, choices=Method.choices)
    weights = models.JSONField(_("权重"))
    result = models.JSONField(_("结果"))
    title = models.CharField(_("标题"), max_length=200, blank=True, default="")
    candidate_count = models.PositiveIntegerField(_("候选数"), default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("筛选记录")
        verbose_name_plural = _("筛选记录")
        ordering = ["-created_at", "-id"]


for _model in (Partner, Contact, ScreeningModel, ModelVersion, Criterion, Rating, ScreeningRun):
    auditlog.register(_model)


class SelfAssessment(models.Model):
    """Our own readiness for alliances on one date (spec 1.3): answers, strengths, gaps, scores."""

    assessed_on = models.DateField(_("评估日期"))
    answers = models.JSONField(_("回答"), default=dict)
    strengths = models.JSONField(_("核心优势"), default=list, blank=True)
    gaps = models.JSONField(_("最需弥补的短板"), default=list, blank=True,
                            help_text=_("资源类型，按紧迫程度排序。"))
    scores = models.JSONField(_("各方面得分"), default=dict)
    overall = models.FloatField(_("总体准备度"), null=True)
    notes = models.TextField(_("备注"), blank=True, default="")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("评估人"), null=True,
                                   on_delete=models.SET_NULL)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("自我评估")
        verbose_name_plural = _("自我评估")
        ordering = ["-assessed_on", "-id"]


auditlog.register(SelfAssessment)

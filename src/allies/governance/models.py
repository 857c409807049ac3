"""Running an alliance (spec 5.1, 6): governance bodies, their meetings, decisions and action
items, calendar feeds, the escalation path, and the conflict log that follows it.

Everything hangs off an ``agreements.Agreement`` (the alliance); a partner user sees the
rows of the alliances its company is party to.
"""

import uuid

from auditlog.registry import auditlog
from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from allies.governance.choices import (
    ActionStatus,
    BodyKind,
    Cadence,
    ConflictAction,
    ConflictKind,
    ConflictStatus,
    EvidenceKind,
    MeetingStatus,
    Side,
)


def user_display(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.username


class Body(models.Model):
    """A joint governance body of one alliance: the steering committee or a working group."""

    PARTNER_SCOPE = "agreement__partners"

    agreement = models.ForeignKey("agreements.Agreement", verbose_name=_("联盟"), on_delete=models.CASCADE,
                                  related_name="governance_bodies")
    kind = models.CharField(_("类型"), max_length=24, choices=BodyKind.choices)
    name = models.CharField(_("名称"), max_length=200)
    cadence = models.CharField(_("会议频率"), max_length=16, choices=Cadence.choices)
    first_meeting_at = models.DateTimeField(_("首次会议时间"))
    duration_minutes = models.PositiveIntegerField(_("会议时长（分钟）"), default=60)
    time_zone = models.CharField(_("时区"), max_length=64, default="Asia/Shanghai")
    location = models.CharField(_("地点"), max_length=200, blank=True, default="")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("创建人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("治理机构")
        verbose_name_plural = _("治理机构")
        ordering = ["agreement", "kind", "name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "name"], name="governance_body_name_unique"),
            models.CheckConstraint(condition=Q(duration_minutes__gt=0), name="governance_body_duration_positive"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def chair(self):
        return next((m for m in self.members.all() if m.is_chair), None)


class Member(models.Model):
    """A person on a body: one of our users, a partner user, or a named outside person."""

    PARTNER_SCOPE = "body__agreement__partners"

    body = models.ForeignKey(Body, verbose_name=_("治理机构"), on_delete=models.CASCADE, related_name="members")
    side = models.CharField(_("所属方"), max_length=16, choices=Side.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("用户"), null=True, blank=True,
                             on_delete=models.CASCADE, related_name="governance_memberships")
    partner = models.ForeignKey("partners.Partner", verbose_name=_("伙伴"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("姓名"), max_length=100, blank=True, default="")
    email = models.EmailField(_("邮箱"), blank=True, default="")
    role = models.CharField(_("职务"), max_length=100, blank=True, default="")
    is_chair = models.BooleanField(_("主席"), default=False)

    class Meta:
        verbose_name = _("机构成员")
        verbose_name_plural = _("机构成员")
        ordering = ["body", "-is_chair", "side", "id"]
        constraints = [
            models.UniqueConstraint(fields=["body", "user"], condition=Q(user__isnull=False),
                                    name="governance_member_user_unique"),
            models.UniqueConstraint(fields=["body"], condition=Q(is_chair=True), name="governance_one_chair"),
            models.CheckConstraint(condition=Q(user__isnull=False) | ~Q(name=""), name="governance_member_named"),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return user_display(self.user) if self.user_id else self.name


class Meeting(models.Model):
    """One meeting of a body; ``occurrence`` is its place in the body's cadence (null: an extra meeting)."""

    PARTNER_SCOPE = "body__agreement__partners"

    body = models.ForeignKey(Body, verbose_name=_("治理机构"), on_delete=models.CASCADE, related_name="meetings")
    occurrence = models.PositiveIntegerField(_("排期序号"), null=True, blank=True)
    uid = models.UUIDField(_("日历标识"), default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(_("标题"), max_length=200)
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"))
    location = models.CharField(_("地点"), max_length=200, blank=True, default="")
    status = models.CharField(_("状态"), max_length=16, choices=MeetingStatus.choices,
                              default=MeetingStatus.SCHEDULED)
    agenda = models.TextField(_("议程"), blank=True, default="")
    minutes = models.TextField(_("会议纪要"), blank=True, default="")
    attendees = models.ManyToManyField(Member, verbose_name=_("出席人"), blank=True, related_name="meetings")
    sequence = models.PositiveIntegerField(_("日历版本"), default=0,
                                           help_text=_("每次改动时间、地点或状态时加一，日历据此更新。"))
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("会议")
        verbose_name_plural = _("会议")
        ordering = ["starts_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["body", "occurrence"], condition=Q(occurrence__isnull=False),
                                    name="governance_meeting_occurrence_unique"),
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="governance_meeting_end_after_start"),
        ]
        indexes = [models.Index(fields=["starts_at"])]

    def __str__(self) -> str:
        return self.title


class Decision(models.Model):
    """An entry of an alliance's decision log (决议), usually taken in a meeting."""

    PARTNER_SCOPE = "agreement__partners"

    agreement = models.ForeignKey("agreements.Agreement", verbose_name=_("联盟"), on_delete=models.CASCADE,
                                  related_name="governance_decisions")
    meeting = models.ForeignKey(Meeting, verbose_name=_("会议"), null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="decisions")
    text = models.TextField(_("决议内容"))
    decided_on = models.DateField(_("决议日期"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("记录人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("决议")
        verbose_name_plural = _("决议")
        ordering = ["-decided_on", "-id"]

    def __str__(self) -> str:
        return self.text[:50]


class ActionItem(models.Model):
    """A to-do (待办事项) with one owner and a due date, usually agreed in a meeting."""

    PARTNER_SCOPE = "agreement__partners"

    agreement = models.ForeignKey("agreements.Agreement", verbose_name=_("联盟"), on_delete=models.CASCADE,
                                  related_name="action_items")
    meeting = models.ForeignKey(Meeting, verbose_name=_("会议"), null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="action_items")
    title = models.CharField(_("事项"), max_length=300)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("负责人"), on_delete=models.PROTECT,
                              related_name="action_items")
    due_date = models.DateField(_("截止日期"))
    status = models.CharField(_("状态"), max_length=16, choices=ActionStatus.choices, default=ActionStatus.OPEN)
    completed_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("创建人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("待办事项")
        verbose_name_plural = _("待办事项")
        ordering = ["due_date", "id"]
        indexes = [models.Index(fields=["status", "due_date"])]

    def __str__(self) -> str:
        return self.title


class CalendarFeed(models.Model):
    """A secret iCalendar URL of one user: all their meetings, or one body's.

    Like the API tokens, only an HMAC of the secret is stored; the URL is shown once.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE,
                             related_name="calendar_feeds")
    body = models.ForeignKey(Body, verbose_name=_("治理机构"), null=True, blank=True, on_delete=models.CASCADE,
                             related_name="calendar_feeds")
    key = models.CharField(_("公开标识"), max_length=16, unique=True)
    digest = models.CharField(_("密钥摘要"), max_length=64)
    hint = models.CharField(_("密钥末四位"), max_length=4)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)

    class Meta:
        verbose_name = _("日历订阅")
        verbose_name_plural = _("日历订阅")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.key}…{self.hint}"


class EscalationPath(models.Model):
    """An alliance's escalation path (问题升级路径): ordered steps [{"kind", "name"}].

    An alliance without a row uses the default path of GLOSSARY.md.
    """

    PARTNER_SCOPE = "agreement__partners"

    agreement = models.OneToOneField("agreements.Agreement", verbose_name=_("联盟"), on_delete=models.CASCADE,
                                     related_name="escalation_path")
    steps = models.JSONField(_("升级步骤"), default=list)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("修改人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("问题升级路径")
        verbose_name_plural = _("问题升级路径")


class Conflict(models.Model):
    """A conflict (冲突) in an alliance, following the escalation path one step at a time.

    ``path`` is the alliance's path as it was when the conflict was raised, so later edits
    of the path do not move a conflict that is under way; ``current_step`` indexes it.
    """

    PARTNER_SCOPE = "agreement__partners"

    agreement = models.ForeignKey("agreements.Agreement", verbose_name=_("联盟"), on_delete=models.CASCADE,
                                  related_name="conflicts")
    kind = models.CharField(_("冲突类型"), max_length=24, choices=ConflictKind.choices)
    title = models.CharField(_("标题"), max_length=200)
    description = models.TextField(_("描述"))
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("提出人"), null=True, blank=True,
                                  on_delete=models.SET_NULL,
                                  related_name="raised_conflicts")
    raised_side = models.CharField(_("提出方"), max_length=16, choices=Side.choices)
    raised_partner = models.ForeignKey("partners.Partner", verbose_name=_("提出的伙伴"), null=True, blank=True,
                                       on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("状态"), max_length=16, choices=ConflictStatus.choices, default=ConflictStatus.OPEN)
    path = models.JSONField(_("升级路径"), default=list)
    current_step = models.PositiveSmallIntegerField(_("当前步骤"), default=0)
    resolution = models.TextField(_("解决结果"), blank=True, default="")
    resolved_at = models.DateTimeField(_("解决时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("提出时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("冲突")
        verbose_name_plural = _("冲突")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status"])]

    def __str__(self) -> str:
        return self.title


class Evidence(models.Model):
    """Something a conflict points at: an alert, a KPI, a settlement statement, a clause."""

    PARTNER_SCOPE = "conflict__agreement__partners"

    conflict = models.ForeignKey(Conflict, verbose_name=_("冲突"), on_delete=models.CASCADE, related_name="evidence")
    kind = models.CharField(_("类型"), max_length=16, choices=EvidenceKind.choices)
    object_id = models.CharField(_("对象编号"), max_length=64, blank=True, default="")
    label = models.CharField(_("说明"), max_length=300)
    url = models.CharField(_("链接"), max_length=500, blank=True, default="")
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("添加人"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    added_at = models.DateTimeField(_("添加时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("冲突证据")
        verbose_name_plural = _("冲突证据")
        ordering = ["conflict", "id"]

    def __str__(self) -> str:
        return self.label


class ConflictEvent(models.Model):
    """One line of a conflict's history: raised, escalated (with the reason) or resolved."""

    PARTNER_SCOPE = "conflict__agreement__partners"

    conflict = models.ForeignKey(Conflict, verbose_name=_("冲突"), on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("动作"), max_length=16, choices=ConflictAction.choices)
    step = models.PositiveSmallIntegerField(_("步骤"))
    step_name = models.CharField(_("步骤名称"), max_length=200)
    reason = models.TextField(_("原因"), blank=True, default="")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("冲突处理记录")
        verbose_name_plural = _("冲突处理记录")
        ordering = ["conflict", "at", "id"]


for _model in (Body, Member, Meeting, Decision, ActionItem, EscalationPath, Conflict, Evidence, ConflictEvent):
    auditlog.register(_model)
auditlog.register(CalendarFeed, exclude_fields=["digest", "last_used_at"])

"""The self-assessment questionnaire (spec 1.3) and the writes and reads around it."""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from allies.core.audit import acting_as
from allies.core.errors import DomainError, ErrorCode
from allies.core.permissions import require_writer
from allies.domain import readiness
from allies.partners.choices import Resource
from allies.partners.models import SelfAssessment

MAX_GAPS = 5


@dataclass(frozen=True)
class Question:
    code: str
    area: str
    text: object
    advice: object


AREA_LABELS = {
    "strengths": gettext_lazy("核心优势"),
    "needs": gettext_lazy("合作需求"),
    "willingness": gettext_lazy("合作诚意"),
    "internal": gettext_lazy("内部准备"),
}

QUESTIONS = [
    Question("s_unique", "strengths", gettext_lazy("我们的核心优势（技术、产品、服务、数据或客户关系）足够独特，伙伴难以在别处获得。"),
             gettext_lazy("先明确一到两项真正独特的优势，再去寻找伙伴。")),
    Question("s_proven", "strengths", gettext_lazy("这些优势已被客户或市场验证。"),
             gettext_lazy("用客户案例、数据或试点结果证明你的优势。")),
    Question("n_clear", "needs", gettext_lazy("我们清楚最迫切需要弥补的短板。"),
             gettext_lazy("列出最缺的资源并按紧迫程度排序（见下方“最需弥补的短板”）。")),
    Question("n_agreed", "needs", gettext_lazy("管理层对需要伙伴弥补哪些短板已达成共识。"),
             gettext_lazy("在寻找伙伴前，让管理层就合作需求达成一致。")),
    Question("w_info", "willingness", gettext_lazy("我们愿意与伙伴分享业务信息和数据。"),
             gettext_lazy("确定可以分享的信息范围和保密边界。")),
    Question("w_resources", "willingness", gettext_lazy("我们愿意为合作投入人员、预算或渠道。"),
             gettext_lazy("为联盟预留明确的预算和人员。")),
    Question("w_risk", "willingness", gettext_lazy("我们能承担合作中的一定风险。"),
             gettext_lazy("先用小型试点控制风险，再逐步加大投入。")),
    Question("i_team", "internal", gettext_lazy("有专人或团队负责管理联盟关系。"),
             gettext_lazy("指定联盟负责人，并明确其职责。")),
    Question("i_process", "internal", gettext_lazy("有伙伴筛选、评估和沟通的流程。"),
             gettext_lazy("建立伙伴管理流程：筛选、尽职调查、试点、评估。")),
    Question("i_incentive", "internal", gettext_lazy("有鼓励跨公司合作的激励机制。"),
             gettext_lazy("把联盟目标纳入团队考核和激励。")),
    Question("i_sponsor", "internal", gettext_lazy("有高层管理者支持并参与联盟。"),
             gettext_lazy("争取一位高层支持者，定期参与联盟治理。")),
]
QUESTION_AREAS = {q.code: q.area for q in QUESTIONS}


def _resource_list(values, field: str) -> list[str]:
    out = []
    for v in values or []:
        if v not in Resource.values:
            raise DomainError(ErrorCode.VALIDATION, _("未知的资源类型：{value}").format(value=v),
                              {"field": field, "value": str(v)})
        if v not in out:
            out.append(v)
    return out


def assessment_create(*, actor, answers: dict, strengths: list[str], gaps: list[str], notes: str = "",
                      assessed_on=None) -> SelfAssessment:
    """Score the answers per area and keep the dated assessment."""
    require_writer(actor)
    problems = []
    clean = {}
    for q in QUESTIONS:
        raw = answers.get(q.code)
        try:
            value = int(raw)
        except (TypeError, ValueError):
            value = None
        if value is None or not 1 <= value <= 5:
            problems.append({"field": q.code, "value": "" if raw is None else str(raw),
                             "reason": _("请为“{question}”选择 1 到 5。").format(question=q.text)})
        else:
            clean[q.code] = value
    if problems:
        raise DomainError(ErrorCode.VALIDATION, _("问卷还有 {n} 题未答或答案无效。").format(n=len(problems)),
                          {"errors": problems})
    strengths = _resource_list(strengths, "strengths")
    gaps = _resource_list(gaps, "gaps")
    if len(gaps) > MAX_GAPS:
        raise DomainError(ErrorCode.VALIDATION, _("最多选择 {n} 项最需弥补的短板。").format(n=MAX_GAPS),
                          {"field": "gaps"})
    scores = readiness.score_areas(clean, QUESTION_AREAS)
    with transaction.atomic(), acting_as(actor):
        return SelfAssessment.objects.create(
            assessed_on=assessed_on or timezone.localdate(),
            answers=clean,
            strengths=strengths,
            gaps=gaps,
            scores={s.area: s.score for s in scores},
            overall=readiness.overall(scores),
            notes=notes or "",
            created_by=actor,
        )


def latest_assessment() -> SelfAssessment | None:
    return SelfAssessment.objects.first()


def current_gaps() -> list[str]:
    latest = latest_assessment()
    return list(latest.gaps) if latest else []


def advice(assessment: SelfAssessment) -> list[dict]:
    """Per area: score, whether it is ready, and the advice for each weak answer."""
    by_code = {q.code: q for q in QUESTIONS}
    out = []
    for area in readiness.AREAS:
        score = assessment.scores.get(area)
        weak = [by_code[c] for c, v in assessment.answers.items()
                if c in by_code and by_code[c].area == area and v <= readiness.WEAK_ANSWER]
        out.append({
            "area": area,
            "label": AREA_LABELS[area],
            "score": score,
            "ready": score is not None and score >= readiness.READY_THRESHOLD,
            "advice": [q.advice for q in weak],
        })
    if not assessment.gaps:
        out[1]["advice"].append(gettext_lazy("还没有选择最需弥补的短板：筛选时无法判断资源互补性。"))
    return out


def gap_match(resources: list[str], gaps: list[str]) -> list[str]:
    """The declared gaps a partner's resources fill, most urgent first."""
    offered = set(resources or [])
    return [g for g in gaps if g in offered]

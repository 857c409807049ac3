"""Demo data of knowledge, loaded by `allies demo` after the earlier stages' demo data.

The starter articles come with every database (migration 0002); the demo adds a few
articles written by the team: one about 伙伴B shared with 伙伴B (its users read it in the
portal), one internal note about 华联集成's pilot, and an English one linked to alliances
when the agreements stage has demo rows.
"""

from allies.agreements.models import Agreement
from allies.knowledge import services
from allies.knowledge.models import Article, Posting, Revision, Tag
from allies.knowledge.starters import load_starters

SHARED_B = """伙伴B 是我们在电商渠道的核心伙伴。本文记录双方联合营销的做法，供双方团队参考。

## 联合营销节奏
1. 每季度初共同制定活动日历，确定主推产品与预算分摊比例（默认 50% / 50%）。
2. 活动前两周双方确认落地页、优惠规则和数据口径。
3. 活动结束后一周内共享转化率、客户获取成本等数据，共同复盘。

## 数据共享
- 销售数据通过 Allies 的 API 每日上传，按约定的共享级别查看联合客户重叠。
- 客户报备先到先得，有效期 90 天。

详见 [Allies 使用说明](https://example.com/allies-guide)。
"""

INTERNAL_H = """华联集成的试点进入第二个月，以下为内部复盘要点（不对伙伴共享）。

- 客户获取成本从 200 元降到 165 元，仍未达到 150 元的目标，需在渠道培训上加码。
- 转化率已达 4.1%，接近 5% 的目标。
- 对方项目经理变动一次，沟通机制需要在周会上再次确认。

下一步：在联合管理委员会上讨论是否延长试点一个月，并准备联盟协议草案（参考《联盟协议检查清单》）。
"""

LESSONS_EN = """Lessons from our first year of alliances, for new alliance managers.

- **Pilot before you sign.** Every partner that skipped the pilot needed a contract change within six months.
- **Agree the data definitions early.** Most disputes about revenue shares were about what counted as a sale.
- **Escalate early, not late.** Use the working group for operational issues and bring strategy to the steering committee.
"""


def load(*, manager, partners: dict) -> None:
    """Add this stage's demo rows. ``partners`` maps a partner's name to the Partner."""
    load_starters(Article=Article, Tag=Tag, Revision=Revision, Posting=Posting)
    partner_b = partners.get("伙伴B")
    partner_h = partners.get("华联集成")
    if partner_b is not None:
        article = services.article_create(actor=manager, data={
            "title": "与伙伴B的联合营销与数据共享约定", "body": SHARED_B, "tags": ["联合营销", "数据共享", "伙伴B"],
            "partner_ids": [partner_b.pk], "visibility": "shared", "shared_with_ids": [partner_b.pk],
            "note": "初稿"})
        services.article_update(actor=manager, article=article, data={
            "body": SHARED_B.replace("有效期 90 天", "有效期 90 天，可申请延长一次"), "note": "补充报备延期规则"})
    if partner_h is not None:
        services.article_create(actor=manager, data={
            "title": "华联集成试点中期复盘（内部）", "body": INTERNAL_H, "tags": ["试点", "复盘"],
            "partner_ids": [partner_h.pk], "visibility": "internal", "note": "中期复盘"})
    agreements = list(Agreement.objects.order_by("pk").values_list("pk", flat=True)[:2])
    services.article_create(actor=manager, data={
        "title": "Lessons from our first alliances", "body": LESSONS_EN, "language": "en",
        "tags": ["lessons", "practice"], "agreement_ids": agreements, "visibility": "internal"})

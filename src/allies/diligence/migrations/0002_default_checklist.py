"""Install the default checklist from the spec (2.3): financial, legal, market and technical items."""

from django.db import migrations

DEFAULTS = [
    ("financial", "财务报表审阅", "查看近三至五年的资产负债表、利润表和现金流量表（最好经审计），评估财务健康度。"),
    ("financial", "现金流与负债", "经营现金流是否持续为正；负债率、短期偿债能力和或有负债。"),
    ("legal", "公司注册信息", "核对营业执照、统一社会信用代码、股权结构、实际控制人和经营范围。"),
    ("legal", "知识产权", "专利、商标、著作权的权属与有效期，是否存在权属争议或许可限制。"),
    ("legal", "重大合同", "审阅重大客户、供应商和合作合同，关注排他、控制权变更和违约条款。"),
    ("legal", "诉讼记录", "查询涉诉、仲裁、行政处罚和失信被执行记录。"),
    ("market", "客户访谈", "访谈对方的客户，了解满意度、续约意愿和对方的服务口碑。"),
    ("market", "行业报告", "参考行业报告和第三方数据，了解市场规模、增长和竞争格局。"),
    ("market", "市场地位与口碑", "对方在行业中的地位、品牌声誉和合规记录，合作是否会影响我方品牌形象。"),
    ("technical", "技术实力", "如涉及技术合作：研发团队、核心技术、产品成熟度和交付能力。"),
    ("technical", "技术知识产权状况", "核心技术的知识产权归属、开源许可合规以及第三方依赖的风险。"),
]


def install(apps, schema_editor):
    ChecklistTemplate = apps.get_model("diligence", "ChecklistTemplate")
    if ChecklistTemplate.objects.exists():
        return
    positions: dict[str, int] = {}
    for area, title, guidance in DEFAULTS:
        position = positions.get(area, 0)
        positions[area] = position + 1
        ChecklistTemplate.objects.create(area=area, title=title, guidance=guidance, position=position)


class Migration(migrations.Migration):
    dependencies = [("diligence", "0001_initial")]
    operations = [migrations.RunPython(install, migrations.RunPython.noop)]

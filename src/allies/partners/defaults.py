"""The screening models Allies ships: the spec's six dimensions and the spec example's five weights.

Plain data (no Django), shared by the data migration that installs them and by the
database-free CLI (`allies rank`), so both use the same criteria.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class CriterionSpec:
    code: str
    label_zh: str
    label_en: str
    indicators: str
    weight: float
    direction: str = "benefit"


_DIMENSIONS = {
    "strategic_fit": ("战略匹配度", "Strategic fit", "市场定位、长期愿景、目标客户群"),
    "resource_complementarity": ("资源互补性", "Resource complementarity", "技术、渠道、品牌、资金、人才"),
    "financial_health": ("财务健康度", "Financial health", "营收、利润、现金流、负债率"),
    "market_reputation": ("市场声誉", "Market reputation", "客户评价、行业口碑、合规记录"),
    "cultural_compatibility": ("文化兼容性", "Cultural compatibility", "沟通风格、决策机制、价值观"),
    "willingness": ("合作意愿", "Willingness to cooperate", "对合作的投入程度、灵活性"),
}


def _criteria(weights: dict[str, float]) -> tuple[CriterionSpec, ...]:
    return tuple(CriterionSpec(code, *_DIMENSIONS[code], weight=w) for code, w in weights.items())


@dataclass(frozen=True)
class ModelSpec:
    key: str
    name: str
    description: str
    criteria: tuple[CriterionSpec, ...]
    is_default: bool = False


DEFAULT_MODEL = ModelSpec(
    key="default",
    name="伙伴画像（六维）",
    description="规范 2.1 的六个维度。权重为起点，请按你的战略重点调整。",
    criteria=_criteria(
        {
            "strategic_fit": 0.25,
            "resource_complementarity": 0.20,
            "financial_health": 0.15,
            "market_reputation": 0.15,
            "cultural_compatibility": 0.10,
            "willingness": 0.15,
        }
    ),
    is_default=True,
)

SPEC_EXAMPLE_MODEL = ModelSpec(
    key="spec-example",
    name="规范示例（五维）",
    description="规范 2.3 代码示例的五个维度与权重 0.3 / 0.25 / 0.2 / 0.15 / 0.1。",
    criteria=_criteria(
        {
            "strategic_fit": 0.30,
            "resource_complementarity": 0.25,
            "financial_health": 0.20,
            "market_reputation": 0.15,
            "cultural_compatibility": 0.10,
        }
    ),
)

SHIPPED_MODELS = {m.key: m for m in (DEFAULT_MODEL, SPEC_EXAMPLE_MODEL)}

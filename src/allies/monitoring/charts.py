"""Charts of monitoring (server-rendered SVG through allies.web.charts)."""

from django.utils.translation import gettext as _

from allies.monitoring.models import Alert, AlertRule, Dimension, period_label
from allies.web import charts


def survey_sides(results) -> str:
    """Mean per dimension for each side whose results may be shown, and overall."""
    labels = [str(label) for _v, label in Dimension.choices]
    series = [(str(_("全部")), [results.overall[v] for v, _l in Dimension.choices])]
    for side in results.sides:
        if side.visible:
            series.append((str(side.label), [side.means[v] for v, _l in Dimension.choices]))
    return charts.lines(labels, series, title=_("各维度平均分（1-5）"), value_range=(1, 5))


def survey_trend(trend: list[tuple[str, dict]]) -> str:
    periods = [label for label, _m in trend]
    series = [(str(label), [means[v] for _p, means in trend]) for v, label in Dimension.choices]
    return charts.lines(periods, series, title=_("健康度趋势（各维度平均分）"), value_range=(1, 5))


def health_trend(cards) -> str:
    return charts.lines([str(c.evaluation.period_label) for c in cards],
                        [(str(_("健康指数")), [c.health.index for c in cards]),
                         (str(_("指标达成")), [c.health.kpi_part for c in cards]),
                         (str(_("问卷健康度")), [c.health.survey_part for c in cards])],
                        title=_("健康指数趋势（0-100）"), value_range=(0, 100))


def alert_chart(alert: Alert) -> str:
    """A small chart of the alert's evidence: the series with its trailing mean, or the compared values."""
    series = alert.evidence.get("series")
    if not series or not series.get("values"):
        return ""
    values = series["values"]
    if alert.rule == AlertRule.METRIC_DROP:
        lines = [(str(_("月销售额")), values)]
        if series.get("reference") is not None:
            lines.append((str(_("近期均值")), [series["reference"]] * len(values)))
        top = max(v for v in values + [series.get("reference") or 0] if v is not None) or 1
        return charts.lines(series["labels"], lines, title=_("证据"), value_range=(0, top * 1.1))
    return charts.bars(series["labels"], [("", values)], title=_("证据"))


def alert_numbers(alert: Alert) -> list[tuple[str, str]]:
    """The evidence's numbers as (label, value) rows."""
    labels = {
        "target": _("目标值"), "actual": _("实际值"), "attainment": _("达成率"), "margin": _("预警幅度"),
        "value": _("本月"), "trailing_mean": _("近期均值"), "change": _("变化"), "window": _("均值月数"),
        "drop": _("下滑预警线"), "ewma": _("EWMA"), "ewma_limit": _("EWMA 控制下限"), "month": _("月份"),
        "last_month": _("最近数据月份"), "due_date": _("截止日期"), "days": _("天数"), "date": _("日期"),
        "mean": _("平均分"), "floor": _("预警分"), "ours": _("我方"), "partner": _("伙伴方"), "gap": _("相差"),
        "limit": _("预警线"), "period": _("评估期"), "kpi": _("指标"), "action": _("行动项"), "owner": _("负责人"),
        "currency": _("币种"),
    }
    shares = {"attainment", "margin", "change", "drop"}
    rows = []
    params = dict(alert.evidence.get("params", {}))
    if isinstance(params.get("period"), list):
        params["period"] = period_label(*params["period"])
    for key, value in params.items():
        if key not in labels or value is None:
            continue
        if key in shares and isinstance(value, int | float):
            text = f"{value * 100:.1f}%"
        elif isinstance(value, float):
            text = f"{value:,.2f}"
        else:
            text = str(value)
        rows.append((labels[key], text))
    return rows

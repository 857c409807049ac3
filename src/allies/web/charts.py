"""Server-rendered SVG charts (pygal, no JavaScript, no CDN) with Chinese-capable fonts."""

import pygal
from django.utils.safestring import mark_safe
from pygal.style import Style

FONT = "'Noto Sans CJK SC', 'PingFang SC', 'Microsoft YaHei', 'Source Han Sans SC', sans-serif"
STYLE = Style(
    background="transparent",
    plot_background="transparent",
    font_family=FONT,
    label_font_family=FONT,
    major_label_font_family=FONT,
    value_font_family=FONT,
    legend_font_family=FONT,
    title_font_family=FONT,
    tooltip_font_family=FONT,
    colors=("#0d6efd", "#dc3545", "#198754", "#fd7e14", "#6f42c1", "#20c997"),
    label_font_size=12,
    major_label_font_size=12,
    legend_font_size=12,
    title_font_size=14,
)
RANGE_STYLE = Style(**{**STYLE.to_dict(), "colors": ("#ced4da", "#198754", "#ced4da")})
OPTIONS = {"style": STYLE, "js": [], "disable_xml_declaration": True, "explicit_size": False, "print_values": False}


def _render(chart) -> str:
    return mark_safe(chart.render(is_unicode=True))


def radar(labels: list[str], series: list[tuple[str, list[float | None]]], title: str = "") -> str:
    chart = pygal.Radar(fill=False, range=(0, 10), width=560, height=460, legend_at_bottom=True, title=title,
                        **OPTIONS)
    chart.x_labels = labels
    for name, values in series:
        chart.add(name, values)
    return _render(chart)


def horizontal_bars(labels: list[str], values: list[float], title: str = "", value_range=(0, 1),
                    formatter=None) -> str:
    chart = pygal.HorizontalBar(width=640, height=max(160, 40 + 32 * len(labels)), title=title, show_legend=False,
                                range=value_range, **OPTIONS)
    if formatter:
        chart.value_formatter = formatter
    chart.x_labels = labels
    chart.add("", values)
    return _render(chart)


def weight_ranges(labels: list[str], current: list[float], lower: list[float | None], upper: list[float | None],
                  title: str, legend: tuple[str, str, str]) -> str:
    """For each criterion: the weight range in which the top candidate stays first, and the current weight."""
    options = {**OPTIONS, "style": RANGE_STYLE}
    chart = pygal.HorizontalStackedBar(width=640, height=max(180, 60 + 36 * len(labels)), title=title, range=(0, 1),
                                       legend_at_bottom=True, **options)
    chart.value_formatter = lambda v: f"{v:.2f}"
    chart.x_labels = labels
    lo = [0.0 if x is None else x for x in lower]
    hi = [1.0 if x is None else x for x in upper]
    chart.add(legend[0], lo)
    chart.add(legend[1], [h - low for h, low in zip(hi, lo)])
    chart.add(legend[2], [1.0 - h for h in hi])
    return _render(chart)


def lines(x_labels: list[str], series: list[tuple[str, list[float | None]]], title: str = "",
          value_range=(0, 100)) -> str:
    chart = pygal.Line(width=720, height=320, title=title, range=value_range, legend_at_bottom=True,
                       allow_interruptions=True, **OPTIONS)
    chart.x_labels = x_labels
    for name, values in series:
        chart.add(name, values)
    return _render(chart)


def bars(x_labels: list[str], series: list[tuple[str, list[float | None]]], title: str = "") -> str:
    chart = pygal.Bar(width=720, height=300, title=title, legend_at_bottom=True, truncate_label=-1, **OPTIONS)
    chart.x_labels = x_labels
    for name, values in series:
        chart.add(name, values)
    return _render(chart)

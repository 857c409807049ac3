"""`allies watch`: evaluate the early-warning rules once, raise new alerts and send them.

Safe to run from cron every few minutes, also on several machines at once: a condition
already alerted is never raised again (unique dedupe key). Exit code 0 when every rule
ran, 1 when a rule failed (the others still ran), 2 for bad options.
"""

from datetime import date
from typing import Annotated

import typer

from allies.cli.screening import LANGUAGES, _setup_django, resolve_language

EXIT_FAILED, EXIT_INPUT = 1, 2


def watch(
    today: Annotated[str | None, typer.Option("--today", help="Evaluate as of this date (YYYY-MM-DD). 检查日期。")]
    = None,
    deliver: Annotated[bool, typer.Option("--deliver/--no-deliver", help="Send new alerts by e-mail and webhook. "
                                                                         "推送新预警。")] = True,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print only failures (for cron). 只输出错误。")] = False,
    lang: Annotated[str | None, typer.Option("--lang", help="zh-hans | en. 语言。")] = None,
) -> None:
    """Check the early-warning rules and raise alerts (cron-friendly, idempotent). 检查预警规则并发出预警。"""
    _setup_django()
    from django.utils import translation

    language = resolve_language(lang)
    if language is None:
        typer.echo(f"--lang: {lang!r} ∉ {', '.join(LANGUAGES)}", err=True)
        raise typer.Exit(EXIT_INPUT)
    try:
        day = date.fromisoformat(today) if today else None
    except ValueError:
        typer.echo(f"--today: {today!r} is not a date (YYYY-MM-DD) / 不是日期", err=True)
        raise typer.Exit(EXIT_INPUT) from None
    with translation.override(language):
        raise typer.Exit(_run(day, deliver, quiet))


def _run(day: date | None, deliver: bool, quiet: bool) -> int:
    from django.utils.translation import gettext as _
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
    from rich.table import Table

    from allies.monitoring.models import AlertRule
    from allies.monitoring.watch import DETECTORS, watch_run

    console = Console(stderr=False, quiet=quiet)
    labels = dict(AlertRule.choices)
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), console=console,
                  transient=True, disable=quiet) as progress:
        bar = progress.add_task(_("检查预警规则"), total=len(DETECTORS))

        def step(name: str, count: int) -> None:
            progress.update(bar, advance=1, description=str(labels.get(name, name)))

        summary = watch_run(today=day, deliver=deliver, progress=step)
    if not quiet:
        table = Table(title=_("预警检查结果"))
        table.add_column(_("规则"))
        table.add_column(_("发现"), justify="right")
        for name, count in summary.checked.items():
            table.add_row(str(labels.get(name, name)), str(count))
        console.print(table)
        for alert in summary.raised:
            console.print(f"[bold]{alert.get_severity_display()}[/bold] {alert.title}")
        console.print(_("新预警 {new} 条；已存在 {known} 条（不重复发出）。").format(
            new=len(summary.raised), known=summary.already_known))
    for name, error in summary.failures:
        typer.echo(_("规则“{rule}”检查失败：{error}").format(rule=labels.get(name, name), error=error), err=True)
    return EXIT_FAILED if summary.failures else 0

"""`allies settle --agreement ID --period 2026Q3`: compute an agreement's settlement for a period, with progress.

The same computation as the web page and the API (checked completely first, nothing written
on bad input). The agreement is named by its id or its code. Exit code 2 on bad input.
"""

from typing import Annotated

import typer

from allies.cli.screening import LANGUAGES, _setup_django, resolve_language

EXIT_INPUT = 2


def settle(
    agreement: Annotated[str, typer.Option("--agreement", help="Agreement id or code. 协议编号或 ID。",
                                           show_default=False)],
    period: Annotated[str, typer.Option("--period", help="Quarter 2026Q3 or month 2026-07. 结算期。",
                                        show_default=False)],
    user: Annotated[str | None, typer.Option("--user", help="Acting user (an admin or manager); default: the "
                                                            "first active admin. 操作人。")] = None,
    lang: Annotated[
        str | None, typer.Option("--lang", help="zh-hans | en (default: $ALLIES_LANG or zh-hans). 语言。")
    ] = None,
) -> None:
    """Compute a settlement: a statement per party. 计算结算：各方结算单。"""
    _setup_django()
    from django.utils import translation

    language = resolve_language(lang)
    if language is None:
        typer.echo(f"--lang: {lang!r} ∉ {', '.join(LANGUAGES)}", err=True)
        raise typer.Exit(EXIT_INPUT)
    with translation.override(language):
        raise typer.Exit(_settle(agreement, period, user))


def _actor(username: str | None):
    from allies.core.models import User

    users = User.objects.filter(is_active=True)
    if username:
        return users.filter(username=username).first()
    return users.filter(role="admin").order_by("pk").first() or users.filter(role="manager").order_by("pk").first()


def _settle(agreement_ref: str, period: str, username: str | None) -> int:
    from django.db.models import F
    from django.utils.translation import gettext as _
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
    from rich.table import Table

    from allies.agreements.models import Agreement
    from allies.core.errors import DomainError
    from allies.settlements import services
    from allies.settlements.selectors import party_names
    from allies.sharing.sales import money_text

    ref = agreement_ref.strip()
    agreement = Agreement.objects.filter(code=ref).first()
    if agreement is None and ref.isdigit():
        agreement = Agreement.objects.filter(pk=int(ref)).first()
    if agreement is None:
        typer.echo(_("找不到协议“{ref}”（请用协议编号或 ID）。").format(ref=agreement_ref), err=True)
        return EXIT_INPUT
    actor = _actor(username)
    if actor is None:
        typer.echo(_("找不到可以执行结算的用户（--user）。"), err=True)
        return EXIT_INPUT
    console = Console(stderr=True)
    with Progress(TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(), console=console,
                  transient=True) as bar:
        job = bar.add_task(_("结算"), total=1.0)

        def show(step: str, done: float) -> None:
            bar.update(job, description=step, completed=done)

        try:
            settlement = services.settlement_compute(actor=actor, agreement=agreement, period=period, progress=show)
        except DomainError as exc:
            bar.stop()
            typer.echo(exc.message, err=True)
            return EXIT_INPUT
    names = party_names(settlement)
    table = Table(title=_("结算单 {code} {period}（v{version}）").format(
        code=agreement.code, period=settlement.period, version=settlement.version))
    for header in (_("协议方"), _("应得分成"), _("绩效激励"), _("应担成本"), _("已垫付成本"), _("已收取"),
                   _("净应收(+)/应付(-)")):
        table.add_column(header, justify="left" if header == _("协议方") else "right")
    c = settlement.currency
    for s in settlement.statements.order_by(F("partner_id").asc(nulls_first=True)):
        table.add_row(names.get(s.partner_id or 0, ""), money_text(s.share, c), money_text(s.bonus, c),
                      money_text(s.cost_share, c), money_text(s.cost_paid, c), money_text(s.collected, c),
                      money_text(s.net, c))
    Console().print(table)
    typer.echo(_("计入 {rows} 行销售数据，币种 {currency}。").format(rows=settlement.rows_counted, currency=c))
    return 0

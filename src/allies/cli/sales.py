"""`allies import sales FILE --partner NAME`: a sales file into the database, all or nothing, with a progress bar.

The same import as a web or API upload (checked completely first, then written in one
transaction), run here directly instead of as a background task. Every bad row is
printed on stderr and the command exits with code 2; nothing is written then.
"""

from pathlib import Path
from typing import Annotated

import typer

from allies.cli.screening import LANGUAGES, _setup_django, resolve_language

EXIT_INPUT = 2


def import_sales(
    file: Annotated[Path, typer.Argument(help="Sales file (.csv/.xlsx/.json). 销售数据文件。", show_default=False)],
    partner: Annotated[str, typer.Option("--partner", help="Partner name, exactly as registered. 伙伴名称。",
                                         show_default=False)],
    lang: Annotated[
        str | None, typer.Option("--lang", help="zh-hans | en (default: $ALLIES_LANG or zh-hans). 语言。")
    ] = None,
) -> None:
    """Import sales rows for one partner (same external ids update). 导入伙伴销售数据（外部编号相同则更新）。"""
    _setup_django()
    from django.utils import translation

    language = resolve_language(lang)
    if language is None:
        typer.echo(f"--lang: {lang!r} ∉ {', '.join(LANGUAGES)}", err=True)
        raise typer.Exit(EXIT_INPUT)
    with translation.override(language):
        raise typer.Exit(_import(file, partner))


def _import(file: Path, partner_name: str) -> int:
    from django.utils.translation import gettext as _
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from allies.core.errors import DomainError
    from allies.partners.models import Partner
    from allies.sharing import sales
    from allies.sharing.models import SalesImport
    from allies.sharing.sales_import import SalesInputError

    partner = Partner.objects.filter(name=partner_name.strip()).first()
    if partner is None:
        typer.echo(_("找不到名为“{name}”的伙伴。").format(name=partner_name), err=True)
        return EXIT_INPUT
    try:
        size = file.stat().st_size
        sales.check_upload_size(size)
        sales.check_upload_name(file.name)
        data = file.read_bytes()
    except OSError as exc:
        typer.echo(_("无法读取文件“{filename}”：{error}。").format(filename=file, error=exc.strerror or exc), err=True)
        return EXIT_INPUT
    except DomainError as exc:
        typer.echo(exc.message, err=True)
        return EXIT_INPUT
    sales_import = SalesImport.objects.create(partner=partner, filename=file.name[:255], size=size,
                                              message=_("命令行导入"))
    console = Console(stderr=True)
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True) as bar:
        job = bar.add_task(_("校验"), total=None)

        def show(done: int, total: int) -> None:
            bar.update(job, completed=done, total=total)
            if done >= total:
                bar.update(job, description=_("写入数据库"))

        try:
            result = sales.sales_import_process(sales_import, data, on_progress=show)
        except SalesInputError as exc:
            bar.stop()
            _print_rows(exc)
            return EXIT_INPUT
        except DomainError as exc:
            bar.stop()
            typer.echo(exc.message, err=True)
            return EXIT_INPUT
    typer.echo(_("导入完成：新增 {created} 行，更新 {updated} 行。").format(created=result.created,
                                                                 updated=result.updated))
    return 0


def _print_rows(exc) -> None:
    from django.utils.translation import gettext as _

    typer.echo(exc.message, err=True)
    for e in exc.all_errors:
        typer.echo(_("第 {row} 行 [{column}] “{value}”：{reason}").format(**e), err=True)

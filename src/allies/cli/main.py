"""The `allies` command: one entry point for people and cron."""

import os
import subprocess
import sys
from typing import Annotated

import typer

from allies.cli import sales, screening, settle, watch

app = typer.Typer(
    name="allies",
    help="Allies (盟友): core alliance partner network. 核心联盟伙伴网络管理。",
    no_args_is_help=True,
    add_completion=False,
)
weights_app = typer.Typer(help="Criterion weights. 指标权重。", no_args_is_help=True)
app.add_typer(weights_app, name="weights")
import_app = typer.Typer(help="Import data files. 导入数据文件。", no_args_is_help=True)
app.add_typer(import_app, name="import")

app.command("rank")(screening.rank)
weights_app.command("ahp")(screening.weights_ahp)
import_app.command("sales")(sales.import_sales)
app.command("settle")(settle.settle)
app.command("watch")(watch.watch)


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "allies.config.settings")
    import django

    django.setup()


@app.command(context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def manage(ctx: typer.Context):
    """Run a Django management command, e.g. `allies manage createsuperuser`. 运行 Django 管理命令。"""
    setup_django()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["allies manage", *ctx.args])


@app.command()
def migrate():
    """Create or upgrade the database tables. 创建或升级数据库。"""
    setup_django()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=1)


@app.command()
def demo():
    """Load the demo data and demo logins (development databases only). 载入演示数据。"""
    setup_django()
    from django.conf import settings

    if settings.PRODUCTION:
        typer.echo("allies demo refuses to run with ALLIES_ENV=production. 生产环境不能载入演示数据。", err=True)
        raise typer.Exit(2)
    from allies.cli.demo import load_demo, print_logins

    load_demo()
    print_logins()


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port")] = 8000,
    workers: Annotated[int, typer.Option(help="Worker processes (production)")] = 0,
):
    """Serve the web app and API. 启动网页与 API 服务。"""
    setup_django()
    from django.conf import settings

    from allies.core.checks import assert_production_ready

    assert_production_ready()
    worker = start_task_worker()
    if settings.PRODUCTION:
        from django.core.management import call_command

        call_command("collectstatic", interactive=False, verbosity=0)
        count = workers or os.cpu_count() or 2
        try:
            subprocess.call([sys.executable, "-m", "gunicorn", "allies.config.wsgi:application",
                             "--bind", f"{host}:{port}", "--workers", str(count)])
        finally:
            worker.terminate()
        return
    from django.core.management import call_command

    from allies.cli.demo import print_logins

    print_logins()
    typer.echo(f"Allies: http://{host}:{port}/  (Ctrl+C to stop / 按 Ctrl+C 停止)")
    try:
        call_command("runserver", f"{host}:{port}", use_reloader=False)
    finally:
        worker.terminate()


def start_task_worker() -> subprocess.Popen:
    """The background task worker (imports and other long jobs), beside the web server on one machine.

    Larger deployments run `allies manage db_worker` as separate processes instead.
    """
    return subprocess.Popen([sys.executable, "-m", "allies.cli.main", "manage", "db_worker"])


if __name__ == "__main__":
    app()

"""Background work of the sharing stage (django-tasks): sales file imports."""

from django_tasks import task

from allies.sharing.sales import sales_import_run


@task()
def sales_import_task(import_id: int, language: str) -> dict:
    """Import one uploaded sales file; progress and the report are kept on its SalesImport row."""
    return sales_import_run(import_id=import_id, language=language)

"""`allies settle --agreement ID --period 2026Q3` on the test database."""

from typer.testing import CliRunner

from allies.cli.main import app
from allies.settlements.models import Settlement

runner = CliRunner()


def test_settle_prints_the_statements(agreement, rule, partner_a, admin_user, write_sales):
    write_sales(partner_a, [("2026-07-05", "云平台", 10_000_00)])
    result = runner.invoke(app, ["settle", "--agreement", agreement.code, "--period", "2026Q3"])
    assert result.exit_code == 0, result.output
    assert "伙伴A" in result.output and "7000.00" in result.output and "-3000.00" in result.output
    assert Settlement.objects.get().computed_by == admin_user


def test_settle_refuses_bad_input_with_a_message(agreement, rule, admin_user):
    result = runner.invoke(app, ["settle", "--agreement", str(agreement.pk), "--period", "2026Q9"])
    assert result.exit_code == 2 and "2026Q9" in result.output
    result = runner.invoke(app, ["settle", "--agreement", "NOPE", "--period", "2026Q3"])
    assert result.exit_code == 2 and "NOPE" in result.output
    result = runner.invoke(app, ["settle", "--agreement", agreement.code, "--period", "2024Q1", "--lang", "en"])
    assert result.exit_code == 2
    assert not Settlement.objects.exists()

"""The command-line twin: ``dudao balance analyze FILE --method … --json`` prints the engine's numbers."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

from dudao.monitoring.tests.test_analysis import CHINESE_HEADERS, FIXTURE, school, write_csv


def _run(*args) -> str:
    out = io.StringIO()
    call_command("balance", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_cli_json_reproduces_the_s3_4_fixture(tmp_path):
    # given the §3.4 fixture as a CSV in the template's Chinese headers
    records = [school(code, p, books=books) for code, p, books in FIXTURE]
    path = write_csv(tmp_path / "county.csv", records, bom=True, headers=CHINESE_HEADERS)
    # when the analyst runs the command
    result = json.loads(_run("analyze", str(path), "--method", "basic-2012", "--json"))
    # then the enrolment-weighted CV of books per pupil is 0.515257 (not 0.48877 or 0.54646)
    books = next(i for i in result["levels"]["primary"]["indicators"] if i["key"] == "books")
    assert round(books["cv"]["value"], 6) == 0.515257
    assert round(books["gini"], 6) == 0.288377


def test_cli_summary_and_template(tmp_path):
    template = tmp_path / "template.xlsx"
    assert str(template) in _run("template", str(template))
    summary = _run("analyze", str(template), "--method", "quality-2017")
    assert "小学" in summary and "CV=" in summary


def test_cli_reports_every_problem_and_fails(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("学校代码,学校名称,学校类型,在校生数\nA,甲,小学,-5\nB,乙,大学,10\n", encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError, match="problem"):
        call_command("balance", "analyze", str(bad), "--method", "basic-2012", stdout=io.StringIO(), stderr=err)
    assert "row 2" in err.getvalue() and "row 3" in err.getvalue()

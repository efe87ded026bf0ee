"""Charts of a drafted report are real PNG pictures, drawn from the summary's numbers."""

import io

from PIL import Image as PILImage

from dudao.documents.render import Image
from dudao.workreports import charts

MONTHS = [
    {"label": "2026年9月", "visits": 3, "coverage": 50.0},
    {"label": "2026年10月", "visits": 5, "coverage": 100.0},
    {"label": "2026年11月", "visits": 0, "coverage": None},
]
ITEMS = [{"label": "6. 校园及周边安全情况，学生交通安全情况", "n": 1}, {"label": "7. 食堂、食品、饮水及宿舍卫生情况", "n": 2}]


def opened(data: bytes):
    picture = PILImage.open(io.BytesIO(data))
    picture.load()
    return picture


def test_coverage_chart_is_a_png_of_a_useful_size():
    data = charts.coverage_chart(MONTHS)
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    picture = opened(data)
    assert picture.format == "PNG"
    assert picture.width > 600 and picture.height > 250


def test_findings_chart_grows_with_the_items():
    one = opened(charts.findings_chart(ITEMS[:1]))
    many = opened(charts.findings_chart(ITEMS * 5))
    assert many.height > one.height


def test_same_numbers_same_bytes_and_different_numbers_differ():
    assert charts.coverage_chart(MONTHS) == charts.coverage_chart(MONTHS)
    assert charts.coverage_chart(MONTHS) != charts.coverage_chart([{**MONTHS[0], "visits": 9}, *MONTHS[1:]])


def test_empty_data_still_draws():
    assert opened(charts.coverage_chart([])).format == "PNG"
    assert opened(charts.findings_chart([])).format == "PNG"


def test_report_charts_are_document_images():
    images = charts.report_charts({"months": MONTHS, "findings": {"by_item": ITEMS}})
    assert set(images) == {"coverage_chart", "findings_chart"}
    assert all(isinstance(i, Image) and i.width_mm == charts.CHART_WIDTH_MM for i in images.values())

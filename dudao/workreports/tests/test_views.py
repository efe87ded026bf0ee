"""Report pages: list, draft form, detail with downloads, upload and review, the office's table."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from docx import Document as DocxDocument

from dudao.core.testing.queries import assert_constant_queries
from dudao.workreports import services
from dudao.workreports.models import Report
from dudao.workreports.selectors import CellState, cell_state, report_status
from dudao.workreports.tests import report_fixtures
from dudao.workreports.tests.report_fixtures import OCTOBER, user

pytestmark = pytest.mark.django_db

world = report_fixtures.world
october = report_fixtures.october


def signed_in(client, world, role="inspector", county="a"):
    client.force_login(user(world, role, county))
    return client


def drafted(world, role="inspector", start=OCTOBER[0], **kw):
    return services.report_draft(actor=user(world, role), level=kw.pop("level", "inspector"), period_kind="month",
                                 period_start=start, pdf=False, **kw)


def test_draft_form_drafts_and_the_detail_offers_the_word_file(october, client):
    # given the inspector on the draft form
    signed_in(client, october)
    page = client.get(reverse("workreports:report_add"))
    assert page.status_code == 200
    assert [c[0] for c in page.context["form"].fields["level"].choices] == ["inspector"]

    # when they draft October
    response = client.post(reverse("workreports:report_add"), {
        "level": "inspector", "inspector": october.a.inspectors[0].pk, "period_kind": "month", "month": "2026-10"})

    # then the report's page opens with the draft to download
    report = Report.objects.get()
    assert response.status_code == 302 and response["Location"] == report.get_absolute_url()
    detail = client.get(report.get_absolute_url())
    assert detail.status_code == 200
    body = detail.content.decode()
    assert 'data-testid="download-draft-docx"' in body and 'data-testid="upload-card"' in body
    download = client.get(reverse("workreports:report_file", args=[report.pk, "draft", "docx"]))
    assert download.status_code == 200
    text = "\n".join(p.text for p in DocxDocument(io.BytesIO(download.content)).paragraphs)
    assert "开展随访督导2次" in text


def test_a_term_summary_from_the_form(october, client):
    signed_in(client, october)
    client.post(reverse("workreports:report_add"), {"level": "inspector", "inspector": october.a.inspectors[0].pk,
                                                "period_kind": "term", "year": "2026", "term": "autumn"})
    report = Report.objects.get()
    assert (report.period_kind, report.period_start, report.period_end) == (
        "term", datetime.date(2026, 9, 1), datetime.date(2027, 1, 31))
    assert report.due_on == datetime.date(2027, 2, 15)
    assert report.title.endswith("2026年秋季学期督导工作总结")


def test_upload_submits_and_a_non_docx_is_refused(october, client):
    report = drafted(october)
    signed_in(client, october)
    bad = SimpleUploadedFile("报告.docx", b"not a document")
    client.post(reverse("workreports:report_submit", args=[report.pk]), {"file": bad})
    report.refresh_from_db()
    assert report.status == "draft"
    with report.draft.docx.open("rb") as handle:
        good = SimpleUploadedFile("报告.docx", handle.read())
    client.post(reverse("workreports:report_submit", args=[report.pk]), {"file": good})
    report.refresh_from_db()
    assert report.status == "submitted" and report.submitted is not None
    assert client.get(reverse("workreports:report_file", args=[report.pk, "submitted", "docx"])).status_code == 200


def test_office_returns_from_the_page_and_the_history_shows_it(october, client):
    report = drafted(october)
    with report.draft.docx.open("rb") as handle:
        services.report_submit(actor=user(october, "inspector"), report_id=report.pk,
                               uploaded_file=SimpleUploadedFile("r.docx", handle.read()), pdf=False)
    signed_in(client, october, "office_admin")
    assert 'data-testid="review-card"' in client.get(report.get_absolute_url()).content.decode()
    client.post(reverse("workreports:report_transition", args=[report.pk, "return"]), {"reason": "请补充亮点"})
    report.refresh_from_db()
    assert report.status == "returned"
    page = client.get(report.get_absolute_url()).content.decode()
    assert "请补充亮点" in page and 'data-action="reports.report.return"' in page


def test_out_of_scope_report_is_404_everywhere(october, client):
    report = drafted(october)
    signed_in(client, october, "office_admin", "b")
    assert client.get(report.get_absolute_url()).status_code == 404
    assert client.get(reverse("workreports:report_file", args=[report.pk, "draft", "docx"])).status_code == 404
    assert client.post(reverse("workreports:report_transition", args=[report.pk, "accept"])).status_code == 404
    # a colleague in the same county does not see the inspector's report either
    colleague = report_fixtures.make_colleague(october)
    client.force_login(colleague)
    assert client.get(report.get_absolute_url()).status_code == 404


def test_zone_leader_reads_the_report_of_an_inspector_in_the_zone(october, client):
    report = drafted(october)
    signed_in(client, october, "zone_leader")
    assert client.get(report.get_absolute_url()).status_code == 200
    assert client.get(reverse("workreports:report_file", args=[report.pk, "draft", "docx"])).status_code == 200


def test_list_runs_the_same_queries_for_2_and_20_reports(october, client):
    signed_in(client, october, "office_admin")
    office = user(october, "office_admin")
    made = []

    def grow(k):
        from dudao.workreports.models import Report as R

        for _ in range(k):
            n = len(made)
            made.append(R.objects.create(
                level="office", office=october.a.office, period_kind="month",
                period_start=datetime.date(2020 + n // 12, n % 12 + 1, 1),
                period_end=datetime.date(2020 + n // 12, n % 12 + 1, 28), due_on=datetime.date(2030, 1, 1),
                title=f"报告{n}", author=office))

    def fetch():
        assert client.get(reverse("workreports:report_list")).status_code == 200

    assert_constant_queries(fetch, grow, n=2, m=20)


# ---- the office's table ---------------------------------------------------------------------------

@pytest.mark.parametrize(("submitted", "status", "on", "state"), [
    (None, "draft", datetime.date(2026, 10, 20), CellState.NOT_DUE),
    (None, "draft", datetime.date(2026, 11, 3), CellState.DUE),
    (None, "draft", datetime.date(2026, 11, 6), CellState.OVERDUE),
    (datetime.date(2026, 11, 5), "submitted", datetime.date(2026, 11, 20), CellState.ON_TIME),
    (datetime.date(2026, 11, 6), "accepted", datetime.date(2026, 11, 20), CellState.LATE),
    (datetime.date(2026, 11, 4), "returned", datetime.date(2026, 11, 20), CellState.OVERDUE),
])
def test_cell_states(submitted, status, on, state):
    report = Report(status=status, due_on=datetime.date(2026, 11, 5), submitted_at=(
        timezone.make_aware(datetime.datetime.combine(submitted, datetime.time(10))) if submitted else None))
    assert cell_state(report if submitted or status != "draft" else None, datetime.date(2026, 11, 5),
                      OCTOBER[1], on) == state


def test_status_table_counts_on_time_late_and_overdue(october, client):
    # given September's report submitted late (now, after 5 October), October's drafted only
    september = drafted(october, start=datetime.date(2026, 9, 1))
    with september.draft.docx.open("rb") as handle:
        services.report_submit(actor=user(october, "inspector"), report_id=september.pk,
                               uploaded_file=SimpleUploadedFile("r.docx", handle.read()), pdf=False)
    drafted(october)

    # when the office looks at the autumn term on 23 November
    data = report_status(user=user(october, "office_admin"), office_id=october.a.office.pk, year=2026,
                         term="autumn", on=datetime.date(2026, 11, 23))

    # then September is late, October overdue for everyone, the rest not yet due
    assert [str(c.label) for c in data["columns"]] == ["9月", "10月", "11月", "12月", "1月", gettext("Term summary")]
    rows = {(r.level, r.subject.pk): [c.state for c in r.cells] for r in data["rows"]}
    first = october.a.inspectors[0].pk
    assert rows[("inspector", first)][:3] == ["late", "overdue", "not_due"]
    assert rows[("inspector", october.a.inspectors[1].pk)][:2] == ["overdue", "overdue"]
    assert rows[("zone", october.a.zones[0].pk)][:2] == ["overdue", "overdue"]
    counts = {state: n for state, _label, n, _css in data["counts"]}
    assert counts == {"on_time": 0, "late": 1, "due": 0, "overdue": 7, "not_due": 16}


def test_status_page_for_the_office_only(october, client):
    signed_in(client, october, "office_admin")
    page = client.get(reverse("workreports:report_status") + "?year=2026&term=autumn")
    assert page.status_code == 200
    assert 'data-testid="status-table"' in page.content.decode()
    signed_in(client, october, "inspector")
    assert client.get(reverse("workreports:report_status")).status_code == 403


def test_status_table_queries_do_not_grow(october, client):
    signed_in(client, october, "office_admin")
    office = user(october, "office_admin")
    from dudao.core.testing.factories import InspectorFactory

    def grow(k):
        for _ in range(k):
            inspector = InspectorFactory(office=october.a.office)
            Report.objects.create(level="inspector", office=october.a.office, inspector=inspector,
                                  period_kind="month", period_start=datetime.date(2026, 9, 1),
                                  period_end=datetime.date(2026, 9, 30), due_on=datetime.date(2026, 10, 5),
                                  title="报告", author=office)

    def fetch():
        assert client.get(reverse("workreports:report_status") + "?year=2026&term=autumn").status_code == 200

    assert_constant_queries(fetch, grow, n=2, m=20)


def test_policy_page_sets_the_due_day(october, client):
    signed_in(client, october, "office_admin")
    response = client.post(reverse("workreports:report_policy"), {"month_due_day": 8, "term_due_days": 10,
                                                             "year_due_days": 20})
    assert response.status_code == 302
    assert drafted(october).due_on == datetime.date(2026, 11, 8)
    signed_in(client, october, "office_staff")
    assert client.get(reverse("workreports:report_policy")).status_code == 403


def test_redraft_from_the_page_makes_a_new_draft(october, client):
    report = drafted(october)
    first = report.draft_id
    signed_in(client, october)
    # the same records give the same document back (the engine files no duplicate) ...
    assert client.post(reverse("workreports:report_redraft", args=[report.pk])).status_code == 302
    report.refresh_from_db()
    assert report.draft_id == first
    # ... a visit recorded since gives a new draft
    report_fixtures.visit(user(october, "inspector"), october.a.schools[2], datetime.date(2026, 10, 29))
    assert client.post(reverse("workreports:report_redraft", args=[report.pk])).status_code == 302
    report.refresh_from_db()
    assert report.draft_id != first
    # the zone leader reads the report but does not draft it again
    signed_in(client, october, "zone_leader")
    assert client.post(reverse("workreports:report_redraft", args=[report.pk])).status_code == 403


def test_menu_shows_reports_to_inspectors_and_the_status_to_the_office(october, client):
    from dudao.core.context_processors import navigation

    def urls(role):
        request = type("R", (), {"user": user(october, role), "resolver_match": None})()
        items = navigation(request)["nav_items"]
        return {c["url"] for i in items for c in i.get("children", [i])}

    assert reverse("workreports:report_list") in urls("inspector")
    assert reverse("workreports:report_status") not in urls("inspector")
    assert reverse("workreports:report_status") in urls("office_staff")
    assert reverse("workreports:report_list") not in urls("school_liaison")

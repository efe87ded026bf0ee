"""An office uploads its own 整改通知书 template: a broken placeholder is refused with the text around it
and the paragraph or table cell where it sits, and nothing changes; a valid one split by Word into
runs is accepted; the data filled in never become placeholders."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from dudao.audit.models import AuditEvent
from dudao.core.testing.downloads import TokenClient
from dudao.core.testing.world import fresh, world_rolled_back
from dudao.documents import kinds, render, services
from dudao.documents.models import DocumentTemplate
from dudao.documents.tests.test_layout_and_render import _replace_in_docx

pytestmark = pytest.mark.django_db

KIND = "rectification_notice"  # 整改通知书

# (what Word had, what the office left, the refusal in Chinese)
BROKEN = [
    pytest.param("{{ school.name }}", "{ school.name }}", "第4段：“{ school.name }}：” 中的占位符缺少“{”",
                 id="opening-brace-lost"),
    pytest.param("{{ date }}", "{{ date }", "第14段：“{{ date }” 中的占位符缺少“}”", id="closing-brace-lost"),
    pytest.param("{{ f.text }}", "{{ f.text }", "表格1第3行第3列：“{{ f.text }” 中的占位符缺少“}”",
                 id="closing-brace-lost-in-a-table-cell"),
    pytest.param("{{ visit_date }}", "{{ unknown_var }}",
                 "第5段：“{{ unknown_var }}，责任督学在对你校开展督…” 中的“unknown_var”不是该类文书的数据项",
                 id="unknown-value"),
    pytest.param("{{ school.name }}", "{{ school.nme }}", "第4段：“{{ school.nme }}：” 中的“school.nme”不是该类文书的数据项",
                 id="unknown-member"),
    pytest.param("{{ f.item }}", "{{ f.itme }}", "表格1第3行第2列：“{{ f.itme }}” 中的“f.itme”不是该类文书的数据项",
                 id="unknown-member-of-a-row"),
    pytest.param("{{ deadline }}", "{{ deadline|nosuchfilter }}",
                 "第12段：“请于{{ deadline|nosuchfilter }}前完成整改，并将整改情况…” 中的过滤器“nosuchfilter”不存在",
                 id="unknown-filter"),
    pytest.param("{{ school.name }}", "{% if school.name %}{{ school.name }}",
                 "第4段：“{% if school.name %}{{ school.na…” 中的“{% if school.name %}”缺少对应的结束标记“{% endif %}”",
                 id="if-never-closed"),
    pytest.param("{{ date }}", "{ date }", "第14段：“{ date }” 中的占位符只有一层花括号，应写成“{{ date }}”这样",
                 id="single-braces"),
    pytest.param("{{ visit_date }}", "{{ visit date }}",
                 "第5段：“{{ visit date }}，责任督学在对你校开展督…” 中的占位符“{{ visit date }}”无法识别",
                 id="unreadable"),
]

# Word keeps one placeholder in several runs when the formatting or the spell checker changes inside it
SPLIT_RUNS = ('{{ sch</w:t></w:r><w:proofErr w:type="spellStart"/><w:r><w:t>ool.na</w:t></w:r>'
              '<w:proofErr w:type="spellEnd"/><w:r><w:rPr><w:b/></w:rPr><w:t xml:space="preserve">me }}')


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with world_rolled_back(django_db_blocker) as world:
        yield world


@pytest.fixture
def zh():
    with translation.override("zh-hans"):
        yield


def _default() -> bytes:
    return services.default_template_bytes(KIND)


def _upload(world, data: bytes, note: str = ""):
    return services.template_upload(actor=fresh(world.a.users["office_admin"]), office_id=world.a.office.pk, kind=KIND,
                                    data=data, filename="整改通知书.docx", note=note)


def _active(world):
    return DocumentTemplate.objects.get(office=world.a.office, kind=KIND, is_active=True)


def _file(data: bytes) -> io.BytesIO:
    upload = io.BytesIO(data)
    upload.name = "整改通知书.docx"
    return upload


@pytest.mark.parametrize(("old", "new", "message"), BROKEN)
def test_an_office_uploading_a_broken_template_is_told_where_and_nothing_changes(world, zh, old, new, message):
    # given the office's own version 1 in use
    in_use = _upload(world, _default(), note="本室版头")
    # when it uploads a version with a broken placeholder
    with pytest.raises(ValidationError) as refused:
        _upload(world, _replace_in_docx(_default(), old, new))
    # then the refusal names the text and the paragraph or cell, and version 1 stays in use alone
    assert refused.value.message_dict["file"] == [message]
    assert _active(world) == in_use
    assert DocumentTemplate.objects.filter(office=world.a.office, kind=KIND).count() == 1
    assert AuditEvent.objects.filter(action="documents.template.upload").count() == 1


def test_a_placeholder_word_split_into_runs_is_accepted_and_fills(world):
    split = _replace_in_docx(_default(), "{{ school.name }}", SPLIT_RUNS)
    assert "{{ school.name }}" not in render.docx_text(split).replace("{{ sch", "")  # really in three runs
    template = _upload(world, split)
    assert template.version == 1 and _active(world) == template
    sample = kinds.get(KIND).sample_context()
    filled = render.docx_text(render.render_docx(split, sample))
    assert f"{sample['school']['name']}：" in filled


def test_a_broken_placeholder_split_into_runs_is_named_joined(world, zh):
    broken = _replace_in_docx(_default(), "{{ school.name }}", SPLIT_RUNS.replace("{{ sch", "{ sch"))
    with pytest.raises(ValidationError) as refused:
        _upload(world, broken)
    assert refused.value.message_dict["file"] == ["第4段：“{ school.name }}：” 中的占位符缺少“{”"]
    assert not DocumentTemplate.objects.filter(office=world.a.office, kind=KIND).exists()


@pytest.mark.parametrize(("old", "new", "message"), [BROKEN[0], BROKEN[2], BROKEN[6]])
def test_the_upload_page_shows_where_the_template_is_broken(world, client, zh, old, new, message):
    in_use = _upload(world, _default())
    client.force_login(world.a.users["office_admin"])
    response = client.post(reverse("documents:template_upload"), {
        "office": world.a.office.pk, "kind": KIND, "file": _file(_replace_in_docx(_default(), old, new))},
        HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 400
    assert message in response.content.decode()
    assert _active(world) == in_use and DocumentTemplate.objects.filter(office=world.a.office, kind=KIND).count() == 1


@pytest.mark.parametrize(("old", "new", "message"), [BROKEN[1], BROKEN[3], BROKEN[7]])
def test_the_api_refuses_a_broken_template_with_where_it_is_broken(world, zh, old, new, message):
    in_use = _upload(world, _default())
    api = TokenClient(world.a.users["office_admin"])
    response = api.post(reverse("api:documents-documenttemplate-list"), {
        "office": world.a.office.pk, "kind": KIND, "file": _file(_replace_in_docx(_default(), old, new))})
    assert response.status_code == 400
    assert response.json()["file"] == [message]
    assert _active(world) == in_use and DocumentTemplate.objects.filter(office=world.a.office, kind=KIND).count() == 1


@pytest.mark.parametrize("code", [k.code for k in kinds.all_kinds()])
def test_every_built_in_template_passes_the_upload_check(code):
    kind = kinds.get(code)
    assert render.check_template(services.default_template_bytes(code), kind.sample_context()) == []


def test_a_school_name_with_braces_is_filed_as_written(world):
    # given a school whose name (typed by a person) looks like template tags
    name = "{{ number }}{% if true %}附属{% endif %}{_{ date }_}小学"
    sample = kinds.get(KIND).sample_context() | {"school": kinds.get(KIND).sample_context()["school"] | {"name": name}}
    # when a notice is filed for it
    document = services.document_generate(actor=fresh(world.a.users["inspector"]), kind=KIND, context=sample,
                                          office=world.a.office, title="整改通知书", pdf=False)
    # then the name is in the document exactly as written, nothing of it filled in
    with document.docx.open("rb") as handle:
        assert f"{name}：" in render.docx_text(handle.read()).splitlines()

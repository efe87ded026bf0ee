"""The shared form field partial: a list of check boxes is one label per box (a click on a choice's
words ticks that choice), a single check box is one label around the box and its words."""

import re

import pytest
from django import forms
from django.template.loader import render_to_string

from dudao.core.forms import select_html


class Choices(forms.Form):
    kinds = forms.MultipleChoiceField(label="渠道", choices=[("email", "电子邮件"), ("wecom", "企业微信")],
                                      widget=forms.CheckboxSelectMultiple, required=False)
    agree = forms.BooleanField(label="同意", required=False)


def test_each_check_box_of_a_list_has_its_own_label():
    html = render_to_string("core/partials/_form_fields.html", {"form": Choices()})
    labels = re.findall(r'<label class="form-check">(.*?)</label>', html, re.S)
    assert len(labels) == 3  # two choices and the single box, none nested in another
    assert 'value="email"' in labels[0] and "电子邮件" in labels[0] and "企业微信" not in labels[0]
    assert 'value="wecom"' in labels[1] and "企业微信" in labels[1]
    assert 'name="agree"' in labels[2] and "同意" in labels[2]
    assert '<div class="form-label">渠道</div>' in html


def test_choices_can_sit_in_one_row():
    html = render_to_string("core/partials/_form_fields.html", {"form": Choices(), "inline_choices": True})
    assert html.count('class="form-check form-check-inline"') == 2


class Pick(forms.Form):
    one = forms.ChoiceField(label="学校", required=False, choices=[
        ("", "---------"), (1, "甲县<第一>小学 & \"实验\""), ("乡镇", [(2, "二小"), (3, "三小")]), (4, "四小")])
    other = forms.ChoiceField(label="状态", choices=[("draft", "草稿"), ("submitted", "已提交")],
                              widget=forms.Select(attrs={"class": "form-select", "data-x": "1", "disabled": True,
                                                         "hidden": False}))


@pytest.mark.parametrize("data", [{}, {"one": "3", "other": "submitted"}, {"one": "<x>"}])
def test_a_drop_down_written_in_python_is_the_template_to_the_character(data):
    # given drop-downs with groups, a chosen value, markup in a label and true and false attributes
    form = Pick(data=data or None)
    for name in ("one", "other"):
        field = form[name]
        widget = field.field.widget
        attrs = field.build_widget_attrs({"id": field.auto_id})
        context = widget.get_context(field.html_name, field.value(), attrs)

        # then the Python drop-down is what Django's templates write, escaped the same way
        assert select_html(context["widget"]) == forms.Select.render(widget, field.html_name, field.value(), attrs)
    assert "&lt;第一&gt;" in select_html(Pick()["one"].field.widget.get_context("one", None, {})["widget"])

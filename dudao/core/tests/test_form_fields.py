"""The shared form field partial: a list of check boxes is one label per box (a click on a choice's
words ticks that choice), a single check box is one label around the box and its words."""

import re

from django import forms
from django.template.loader import render_to_string


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

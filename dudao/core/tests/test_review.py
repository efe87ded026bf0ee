"""The review table and the comment a return requires (the steps themselves are tested through the
plans, cases and work reports that use them)."""

import pytest
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import translation

from dudao.core.review import required_comment, review_transitions


class Status(models.TextChoices):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    ACCEPTED = "accepted"
    APPROVED = "approved"


def test_the_review_table_submits_from_draft_or_returned_and_reviews_what_was_submitted():
    table = review_transitions(Status, submit="app.submit_thing", review="app.review_thing")
    assert list(table) == ["submit", "return", "accept"]
    assert (table["submit"].sources, table["submit"].target, table["submit"].permission) == (
        {"draft", "returned"}, "submitted", "app.submit_thing")
    assert (table["return"].sources, table["return"].target, table["return"].permission) == (
        {"submitted"}, "returned", "app.review_thing")
    assert (table["accept"].sources, table["accept"].target, table["accept"].permission) == (
        {"submitted"}, "accepted", "app.review_thing")


def test_a_plan_is_approved_rather_than_accepted():
    table = review_transitions(Status, submit="s", review="r", accept="approve", accepted=Status.APPROVED)
    assert set(table) == {"submit", "return", "approve"} and table["approve"].target == "approved"


@translation.override("en")
def test_a_return_says_what_should_be_changed():
    assert required_comment("  改一下  ") == "改一下"
    with pytest.raises(ValidationError) as listed:
        required_comment("   ")
    assert listed.value.message_dict == {"reason": ["Say what should be changed."]}
    with pytest.raises(ValidationError) as plain:
        required_comment(None, field="comment", listed=False)
    assert plain.value.message_dict == {"comment": ["Say what should be changed."]}

"""Every form the same way: an error summary linking to each invalid field, invalid fields
marked for assistive technology, date pickers on every date, prompts instead of
"---------", and only the fields that apply."""

from __future__ import annotations

import importlib
import pkgutil
import re
from datetime import date

import pytest
from django import forms
from django.urls import reverse

import cmeledger
from cmeledger.accounts.models import Certification
from cmeledger.front.tests.test_entries import form_data

pytestmark = pytest.mark.django_db


def _project_forms() -> list[type[forms.BaseForm]]:
    for module in pkgutil.walk_packages(cmeledger.__path__, "cmeledger."):
        if not re.search(r"\.(tests|migrations|management)(\.|$)|__main__|wsgi", module.name):
            importlib.import_module(module.name)
    found, todo = [], [forms.BaseForm]
    while todo:
        for sub in todo.pop().__subclasses__():
            todo.append(sub)
            if sub.__module__.startswith("cmeledger.") and ".tests" not in sub.__module__:
                found.append(sub)
    return found


def test_every_date_field_in_every_form_has_the_browsers_date_picker():
    dates = [
        (form.__name__, name)
        for form in _project_forms()
        for name, field in form.base_fields.items()
        if isinstance(field, forms.DateField)
    ]
    assert len(dates) > 10  # the walk found the forms
    without = [
        (form.__name__, name)
        for form in _project_forms()
        for name, field in form.base_fields.items()
        if isinstance(field, forms.DateField) and field.widget.input_type != "date"
    ]
    assert without == []


@pytest.mark.parametrize(
    "name", ["entry-add", "license-add", "certification-add", "direct-credit-new", "planner"]
)
def test_a_clinicians_form_prompts_instead_of_dashes(alice_client, name):
    page = alice_client.get(reverse(name)).content.decode()
    assert "<select" in page
    assert "---------" not in page


def test_the_entry_form_prompts_for_its_choices(alice_client):
    page = alice_client.get(reverse("entry-add")).content.decode()
    assert '<option value="" selected>Choose the credit type</option>' in page
    assert '<option value="" selected>Choose the accreditor</option>' in page


def test_an_invalid_form_lists_each_problem_at_the_top_linking_to_its_field(alice_client):
    response = alice_client.post(reverse("entry-add"), form_data(title="", credits="0.3"))
    page = response.content.decode()
    assert response.status_code == 400
    summary = re.search(r'<div class="error-summary" role="alert".*?</div>', page, re.S)
    assert summary is not None
    assert "There is a problem" in summary.group()
    assert '<a href="#id_title">Activity title: This field is required.</a>' in summary.group()
    assert '<a href="#id_credits">' in summary.group()
    assert summary.start() < page.index('id="id_title"')


def test_an_invalid_field_is_marked_and_described_by_its_error(alice_client):
    page = alice_client.post(reverse("entry-add"), form_data(title="")).content.decode()
    title = re.search(r'<input[^>]*id="id_title"[^>]*>', page).group()
    assert 'aria-invalid="true"' in title
    assert 'aria-describedby="id_title_error"' in title
    assert 'id="id_title_error"' in page
    credits = re.search(r'<input[^>]*id="id_credits"[^>]*>', page).group()
    assert "aria-invalid" not in credits
    assert 'aria-describedby="id_credits_helptext"' in credits
    assert 'id="id_credits_helptext"' in page


def test_a_valid_form_shows_no_error_summary(alice_client):
    assert "error-summary" not in alice_client.get(reverse("entry-add")).content.decode()


def test_the_shared_form_template_serves_the_accounts_pages(client, db):
    response = client.post("/accounts/login/", {"login": "nobody@example.org", "password": "x"})
    page = response.content.decode()
    assert 'class="error-summary"' in page
    assert "Incorrect email or password." in page


def test_the_direct_credit_form_shows_each_field_only_for_the_kinds_it_applies_to(
    alice_client, alice, board
):
    Certification.objects.create(
        clinician=alice, board=board, cycle_start=date(2015, 1, 1), cycle_end=date(2024, 12, 31)
    )
    page = alice_client.get(reverse("direct-credit-new")).content.decode()
    assert "(if it applies)" not in page
    assert 'data-show-when="kind=recertification"' in page  # the completed cycle
    board_field = re.search(r'<div class="field field-board"[^>]*>', page).group()
    assert 'data-show-when="kind=article poster degree residency teaching"' in board_field
    quantity = re.search(r'<div class="field field-quantity"[^>]*>', page).group()
    assert "degree" not in quantity and "article" in quantity
    assert "front/forms.js" in page
    assert '<option value="" selected>Choose the reviewing board</option>' in page

"""Required fields are marked, the same way, in every form of the site.

The renderer's own rules on a form of every kind of field, then every page of the
permission matrix that opens (for the first persona it opens for): in each of its forms,
every input the browser must fill has the mark in its label (or its group's legend), and
a form with such inputs says once, before the first, what the mark means."""

from html.parser import HTMLParser

import pytest
from django import forms
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy

from gnlc.core.forms import MemoisedSelect
from gnlc.core.tests.matrix import PERSONAS
from gnlc.core.tests.test_permission_matrix import MATRIX, MODULES

MARK = '<span class="required-mark" aria-hidden="true">*</span>'
LEGEND = "Fields marked"


class Sample(forms.Form):
    name = forms.CharField(label="Name")
    note = forms.CharField(label="Note", required=False, help_text="Anything else.")
    kind = forms.ChoiceField(label="Kind", choices=[("a", "A"), ("b", "B")])
    tags = forms.MultipleChoiceField(
        label="Tags", choices=[("x", "X")], widget=forms.CheckboxSelectMultiple
    )
    agree = forms.BooleanField(label="I agree")


def test_renderer_marks_required_fields_and_says_so_once():
    form = Sample(data={"note": "n"})
    html = "".join(str(field.as_field_group()) for field in form)

    assert html.count(LEGEND) == 1
    assert html.index(LEGEND) < html.index("Name")
    assert f'<label for="id_name">Name{MARK}' in html
    assert '<label for="id_note">Note</label>' in html  # optional: no mark
    assert f"<legend>Tags{MARK}" in html  # a group of choices: its legend
    assert f'<label for="id_agree">I agree{MARK}' in html
    # Spoken, not only seen; help and errors linked to their input.
    assert html.count('<span class="visually-hidden"> (required)</span>') == 4
    assert 'aria-describedby="id_note_helptext"' in html
    assert '<p class="help" id="id_note_helptext">Anything else.</p>' in html
    assert '<ul class="errorlist" id="id_name_error"><li>This field is required.</li>' in html
    assert 'aria-describedby="id_name_error"' in html


def test_renderer_puts_no_legend_on_a_form_without_required_fields():
    class Optional(forms.Form):
        note = forms.CharField(required=False)

    assert LEGEND not in str(Optional())


def test_renderer_marks_a_formsets_rows_without_a_legend_of_their_own():
    class Row(forms.Form):
        name = forms.CharField(label="Name")

    rows = forms.formset_factory(Row, extra=2)()
    html = "".join(str(field.as_field_group()) for row in rows for field in row)

    # The page's form around the rows says what the mark means, once.
    assert html.count(f'<label for="id_form-0-name">Name{MARK}') == 1
    assert html.count(f'<label for="id_form-1-name">Name{MARK}') == 1
    assert LEGEND not in html


def test_renderer_marks_a_field_required_in_the_case_its_form_checks():
    class Role(forms.Form):
        kind = forms.ChoiceField(label="Kind", choices=[("natcom", "National Commission")])
        country = forms.CharField(label="Country", required=False)

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.fields["country"].show_required = True  # for a National Commission

    html = "".join(str(field.as_field_group()) for field in Role())

    assert f'<label for="id_country">Country{MARK}' in html
    assert html.count(LEGEND) == 1


def test_renderer_draws_no_legend_for_a_form_asked_inside_another():
    class Profile(forms.Form):
        country = forms.CharField(label="Country")

    beside = Profile(prefix="juror")
    beside.required_legend = False
    html = "".join(str(field.as_field_group()) for field in beside)

    assert f'<label for="id_juror-country">Country{MARK}' in html
    assert LEGEND not in html


class Forms(HTMLParser):
    """The page's forms: for each, its required inputs' ids, the label texts by id,
    the legends of groups holding required inputs, and its text in order."""

    def __init__(self):
        super().__init__()
        self.forms, self.labels = [], {}
        self._form = self._label = None
        self._legends = []  # [text, required inside] of the open fieldsets
        self._in_legend = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._form = {"required": [], "text": "", "unmarked_groups": 0}
            self.forms.append(self._form)
        elif tag == "fieldset":
            self._legends.append(["", False])
        elif tag == "label" and attrs.get("for"):
            self._label = attrs["for"]
            self.labels[self._label] = ""
        if self._form is None:
            return
        self._form["text"] += self.get_starttag_text()
        if tag in ("input", "select", "textarea") and "required" in attrs:
            if attrs.get("type") in ("radio", "checkbox") and self._legends:
                self._legends[-1][1] = True
            else:
                self._form["required"].append(attrs.get("id"))
        if tag == "legend":
            self._in_legend = True

    def handle_endtag(self, tag):
        if tag == "label":
            self._label = None
        elif tag == "legend":
            self._in_legend = False
        elif tag == "fieldset" and self._legends:
            legend, required = self._legends.pop()
            if required and "\ue000" not in legend and self._form is not None:
                self._form["unmarked_groups"] += 1
        elif tag == "form":
            self._form = None
        if self._form is not None:
            self._form["text"] += f"</{tag}>"

    def handle_data(self, data):
        if self._label:
            self.labels[self._label] += data
        if self._in_legend and self._legends:
            self._legends[-1][0] += data
        if self._form is not None:
            self._form["text"] += data

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def feed_page(self, html):
        # The marks as written, so a label's text keeps them.
        self.feed(html.replace(MARK, "\ue000"))
        return self


@pytest.fixture
def objects(reference_data, member, personas):
    built = {"member": member}
    for module in MODULES:
        if hasattr(module, "build"):
            built.update(module.build(member, personas) or {})
    return built


def pages():
    """Each URL of the matrix that opens for someone, with the first persona it opens
    for."""
    for name, (_module, (_kwargs, expected)) in MATRIX.items():
        persona = next((p for p in PERSONAS if expected[p] == 200), None)
        if persona is not None and not name.startswith("admin:"):
            yield name, persona


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "persona"), list(pages()))
def test_every_form_marks_its_required_fields(client, personas, objects, name, persona):
    if personas[persona] is not None:
        client.force_login(personas[persona])
    _module, (kwargs, _expected) = MATRIX[name]

    response = client.get(reverse(name, kwargs=kwargs(objects)))

    if "text/html" not in response.get("Content-Type", ""):
        return
    parsed = Forms().feed_page(response.content.decode())
    for form in parsed.forms:
        unmarked = [
            field for field in form["required"] if "\ue000" not in parsed.labels.get(field, "")
        ]
        assert unmarked == [], f"{name}: required without the mark: {unmarked}"
        assert form["unmarked_groups"] == 0, f"{name}: a required group without the mark"
        if form["required"]:
            assert form["text"].count(LEGEND) == 1, f"{name}: the mark's legend, once"


@pytest.mark.parametrize("value", [None, "", "a", "b", "not-a-choice"])
def test_memoised_select_draws_what_select_draws_in_each_language(value):
    choices = [("a", gettext_lazy("Name")), ("b", gettext_lazy("Country"))]
    attrs = {"id": "id_sort", "aria-invalid": "true"}
    for language in ["en", "fr", "en", "ar"]:  # drawn once, then kept per language
        with translation.override(language):
            plain = forms.Select(choices=choices).render("sort", value, attrs)
            kept = MemoisedSelect(choices=choices).render("sort", value, attrs)
            assert kept == plain

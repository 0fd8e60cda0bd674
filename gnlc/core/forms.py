"""Form pieces shared by apps: the site's form renderer (how every field is drawn), the
repeated query parameter of a multi-choice facet and a select drawn once."""

from django import forms
from django.core.exceptions import ValidationError
from django.forms.renderers import DjangoTemplates
from django.shortcuts import render
from django.utils.translation import get_language, gettext_lazy


class FormRenderer(DjangoTemplates):
    """Every form field of the site is drawn by one template, `core/forms/field.html`
    (`{{ field.as_field_group }}`, or `{{ form }}`): its label, a visible and spoken
    mark on a required field, with a legend before the form's first required field,
    its help and its errors (each linked to the input by aria-describedby), the input.
    Templates lay fields out; they do not draw them.

    A field required only in some cases the form's `clean` decides (the country of a
    National Commission role, when that role is chosen) is marked too: its form sets
    `show_required = True` on it. A form drawn inside another's <form> (a formset's
    rows; a second form asked beside the first) draws no legend of its own: the page
    says it once."""

    field_template_name = "core/forms/field.html"


def is_marked_required(field) -> bool:
    """Whether `field` (a BoundField) carries the required mark: required, or required
    in the case its form's `clean` checks (`show_required`)."""
    return field.field.required or getattr(field.field, "show_required", False)


def is_first_required(field) -> bool:
    """Whether `field` (a BoundField) is the first visible required field of its form:
    the legend explaining the mark goes just before it. A formset's rows (which Django
    draws without the browser's `required`, since a blank row may stay blank) take none,
    nor does a form with `required_legend = False`: they sit inside a page's form that
    says it once, and a legend per row would repeat it."""
    form = field.form
    if not form.use_required_attribute or not getattr(form, "required_legend", True):
        return False
    first = next((f for f in form.visible_fields() if is_marked_required(f)), None)
    return first is not None and first.name == field.name


class RepeatedField(forms.Field):
    """A query parameter that may repeat (`?region=africa&region=arab-states`), each
    value cleaned by `child` (its errors are this field's), as a sorted list without
    repeats; [] when absent. The directory's and the library's facets are these: several
    values of one facet are alternatives (OR), different facets combine (AND)."""

    widget = forms.MultipleHiddenInput

    def __init__(self, child: forms.Field, *, normalise=None, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.child = child
        self.normalise = normalise or (lambda value: value)

    def to_python(self, value):
        if value in self.empty_values:
            return []
        # A plain dict (gnlc export's options) gives one value, a QueryDict a list.
        values = [value] if isinstance(value, str | int) else list(value)
        cleaned = []
        for item in values:
            if item in ("", None):
                continue
            try:
                item = self.normalise(self.child.clean(item))
            except ValidationError as error:
                raise ValidationError(error.messages) from None
            if item not in (None, "") and item not in cleaned:
                cleaned.append(item)
        return sorted(cleaned)

    def validate(self, value):
        if self.required and not value:
            raise ValidationError(self.error_messages["required"], code="required")


# The selects MemoisedSelect has drawn, by everything their markup depends on.
_drawn_selects: dict[tuple, str] = {}
_DRAWN_SIZE = 256


class MemoisedSelect(forms.Select):
    """A <select> of fixed choices (not a queryset's) whose markup is drawn by Django
    once per language, value, attributes and renderer, then kept in this process:
    Django draws a select through a template per option and per attribute, which was a
    tenth of the directory page's rendering (its sort menu), on every request. A value
    outside the choices (whatever one types in the URL) is drawn afresh each time."""

    def render(self, name, value, attrs=None, renderer=None):
        choices = tuple((str(key), str(label)) for key, label in self.choices)
        if value not in (None, "") and str(value) not in {key for key, _ in choices}:
            return super().render(name, value, attrs, renderer)
        key = (
            name,
            value,
            tuple(sorted({**self.attrs, **(attrs or {})}.items())),
            choices,
            get_language(),
            type(renderer),
        )
        try:
            return _drawn_selects[key]
        except KeyError:
            pass
        except TypeError:  # an attribute that cannot be a key: draw it each time
            return super().render(name, value, attrs, renderer)
        if len(_drawn_selects) >= _DRAWN_SIZE:
            _drawn_selects.clear()  # a few languages and values: simpler than an LRU
        drawn = _drawn_selects[key] = super().render(name, value, attrs, renderer)
        return drawn


class Honeypot(forms.Form):
    """A public form sent without an account (a suggestion, a guest's registration) is
    guarded without any outside service by a honeypot: a `website` field hidden from
    people and screen readers (`core/forms/honeypot.html`), which a bot that fills every
    field fills too. The view then answers as if all went well and keeps nothing."""

    website = forms.CharField(
        required=False,
        label=gettext_lazy("Leave this field empty"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    @property
    def is_bot(self) -> bool:
        return bool(self.cleaned_data.get("website"))


def render_form(request, template_name, context):
    """A form's page: status 400 when `context["form"]` has errors (a POST that did not
    validate), 200 otherwise, so tests and clients tell a refusal from a first view."""
    return render(request, template_name, context, status=400 if context["form"].errors else 200)

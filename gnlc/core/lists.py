"""A faceted list: the member directory and the library of practices are both a search
box, facets given as repeated query parameters, chips that remove an active filter, pages,
and an htmx branch that swaps the results in place. What they share is here (a form
mixin, the chips, the page's context and its rendering) and in two templates,
`faceted_page.html` and `partials/faceted_results.html`; what each list counts and
shows stays in its app."""

from django.shortcuts import render
from django.urls import reverse


class FacetedFilter:
    """Mixin of a list's filter form (before `forms.Form`): an absent query string is an
    empty one (so the form is bound, and valid), and the cleaned filters are read as a
    dict or as (name, value) pairs.

    FILTER_FIELDS: the fields that are filters (the chips, the URL a download repeats);
    INPUTS: those the page's filter bar has inputs for (the others travel in hidden
    inputs, so typing in the search box keeps them); APPLY_ON_CHANGE: the inputs that
    apply as soon as they change (the search box applies as one types)."""

    FILTER_FIELDS: tuple[str, ...] = ()
    INPUTS: tuple[str, ...] = ("q",)
    APPLY_ON_CHANGE: tuple[str, ...] = ()

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(data if data is not None else {}, *args, **kwargs)

    @property
    def filters(self) -> dict:
        """The valid, non-empty filters, as cleaned values (a facet's: a list)."""
        if not self.is_valid():
            return {}
        return {
            k: v
            for k, v in self.cleaned_data.items()
            if k in self.FILTER_FIELDS and v not in ("", None, [])
        }

    def filter_pairs(self) -> list[tuple[str, object]]:
        """The filters as (name, value) pairs, a facet's values one pair each: what the
        URL repeats, and what a download is named after."""
        return [
            (name, item)
            for name, value in self.filters.items()
            for item in (value if isinstance(value, list) else [value])
        ]

    @property
    def text(self) -> str:
        """The search words."""
        return self.cleaned_data.get("q", "") if self.is_valid() else ""

    def chip_value(self, name: str, value, label):
        """How a chip shows the filter `name`'s `value`: `label` (the value's label in
        its facet, None if it has none), else the value itself. Forms override it for
        values that no facet labels."""
        return label

    def chip_toggles(self, name: str) -> bool:
        """Whether the chip of `name` removes its one value (a facet's), rather than the
        whole filter."""
        return True


def filter_chips(form: FacetedFilter, facets: dict) -> list[dict]:
    """The active filters, a facet's values one each, as {name, value, label (the
    filter's), shown (the value's), toggles}, for "remove filter" links."""
    chips = []
    for name, value in form.filter_pairs():
        wanted = str(value).upper()
        label = next(
            (row["label"] for row in facets.get(name, []) if str(row["value"]).upper() == wanted),
            None,
        )
        chips.append(
            {
                "name": name,
                "value": value,
                "label": form.fields[name].label,
                "shown": form.chip_value(name, value, label) or value,
                "toggles": form.chip_toggles(name),
            }
        )
    return chips


def list_context(form: FacetedFilter, *, url: str, list_id: str, **context) -> dict:
    """What `faceted_page.html` and `partials/faceted_results.html` read: the form, the
    list's address (the URL name `url`) and its element ids (`list_id`-form,
    `list_id`-results), and for a valid form the filters, the hidden inputs and the chips
    (built from `context["facets"]`), with the list's own `context`."""
    result = {
        "form": form,
        "list_path": reverse(url),
        "list_id": list_id,
        **context,
    }
    if form.is_valid():
        result.update(
            filters=form.filters,
            hidden_filters=[
                (name, value) for name, value in form.filter_pairs() if name not in form.INPUTS
            ],
            chips=filter_chips(form, context.get("facets", {})),
        )
    return result


def render_list(request, template: str, partial: str, context: dict):
    """The list's page, or for an htmx request (not a history restore) its results
    partial alone; a 400 when the query string is not valid (the form's errors show).
    The page includes the same partial (`results_template`)."""
    context = {**context, "results_template": partial}
    status = 200 if context["form"].is_valid() else 400
    if request.htmx and not request.htmx.history_restore_request:
        return render(request, partial, context, status=status)
    return render(request, template, context, status=status)

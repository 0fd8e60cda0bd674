"""The API's one pagination: `page` and `page_size` parameters, a page's links and its
404 past the last page. Each list chooses its default and largest page size (members
50 up to 500, practices and documents 20 up to 100): the cap is its query schema's
bound, so the document says it and a larger size is a 422."""

import math

from ninja import Field, Schema

from gnlc.api.errors import ApiError

PAGE = Field(1, ge=1, description="Page number, from 1.")


def page_size(default: int, maximum: int, description: str = "Results per page."):
    """A list's `page_size` parameter: `default` rows a page, at most `maximum`."""
    return Field(default, ge=1, le=maximum, description=description)


class Page(Schema):
    """What every page of a list says of itself; a list's page adds its `results`."""

    count: int = Field(description="Results matching the filters, on all pages.")
    page: int
    page_size: int
    pages: int = Field(description="Number of pages (at least 1).")
    next: str | None = Field(description="URL of the next page, or null on the last.")
    previous: str | None = Field(description="URL of the previous page, or null on the first.")


def paginate(request, params, count: int) -> tuple[dict, slice]:
    """Page `params.page` of `count` results by `params.page_size`: the `Page` fields,
    and the slice of the results it holds. A page after the last is a 404 that says
    which pages there are."""
    size = params.page_size
    pages = max(1, math.ceil(count / size))
    if params.page > pages:
        raise ApiError(
            404,
            f"Page {params.page} does not exist: there are {pages} page(s) of {size}.",
            [{"field": "page", "message": f"Choose a page from 1 to {pages}."}],
        )
    start = (params.page - 1) * size

    def link(number: int) -> str:
        query = request.GET.copy()
        query["page"] = str(number)
        return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")

    page = {
        "count": count,
        "page": params.page,
        "page_size": size,
        "pages": pages,
        "next": link(params.page + 1) if params.page < pages else None,
        "previous": link(params.page - 1) if params.page > 1 else None,
    }
    return page, slice(start, start + size)

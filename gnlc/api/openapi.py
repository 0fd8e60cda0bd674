"""The API's OpenAPI 3.1 document, as django-ninja writes it from the operations and
their schemas, with the two things it gets wrong or leaves out put right here, once:

- a parameter's `examples`: ninja copies its JSON Schema list (`["africa"]`) into the
  parameter, where OpenAPI wants a map of Example Objects; the list stays in the
  parameter's `schema` (valid JSON Schema) and the parameter gets the map. Without
  this the document is not valid OpenAPI (openapi-spec-validator refuses it, and
  openapi-python-client generates no client from it);
- response headers, which ninja cannot declare: `Retry-After` on every 429 (the rate
  limit of gnlc.core.ratelimit, which answers every path under /api/);
- the query schemas (`MemberQuery`...), which ninja lists among the components though
  no operation refers to them (their fields are the operations' parameters): left
  out, so a generated client has no model for them.

gnlc/api/tests/test_contract.py validates the result and generates a client from it."""

import json

from ninja import NinjaAPI
from ninja.openapi.schema import OpenAPISchema

# Headers of a response, by status, on every operation that documents that status.
RESPONSE_HEADERS = {
    429: {
        "Retry-After": {
            "description": "Seconds to wait before the next request is let through.",
            "required": True,
            "schema": {"type": "integer", "minimum": 1},
        }
    }
}


def example_name(value) -> str:
    """A readable name for an example: its values, comma-separated ("africa", "2022")."""
    values = value if isinstance(value, list) else [value]
    return ",".join(v if isinstance(v, str) else json.dumps(v) for v in values)


def _references(node) -> set[str]:
    """The names of the component schemas `node` refers to (`$ref`), at any depth."""
    if isinstance(node, dict):
        found = set()
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                found.add(value.rsplit("/", 1)[-1])
            else:
                found |= _references(value)
        return found
    if isinstance(node, list):
        return set().union(*(_references(item) for item in node))
    return set()


class Document(OpenAPISchema):
    def __init__(self, api, path_prefix):
        super().__init__(api, path_prefix)
        schemas = self["components"]["schemas"]
        used, todo = set(), _references(self["paths"])
        while todo:
            name = todo.pop()
            if name not in used and name in schemas:
                used.add(name)
                todo |= _references(schemas[name])
        for name in set(schemas) - used:
            del schemas[name]

    def _extract_parameters(self, model):
        parameters = super()._extract_parameters(model)
        for parameter in parameters:
            examples = parameter.pop("examples", None)
            if examples:
                parameter["examples"] = {example_name(v): {"value": v} for v in examples}
        return parameters

    def responses(self, operation):
        responses = super().responses(operation)
        for status, headers in RESPONSE_HEADERS.items():
            if status in responses:
                responses[status]["headers"] = headers
        return responses


class Api(NinjaAPI):
    """django-ninja's API with the document above."""

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        return Document(self, path_prefix)

"""The OpenAPI document, generated from the marshmallow schemas each API view declares."""
import re

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import current_app, jsonify

from .clock import MONTH_PATTERN
from .schemas import ErrorSchema

# What each path parameter looks like, so generated clients and fuzzers send real ones.
PATH_PARAMS = {"note_id": {"type": "string", "format": "uuid"},
               "day": {"type": "string", "format": "date"},
               "client_id": {"type": "integer", "minimum": 1},
               "month": {"type": "string", "pattern": MONTH_PATTERN}}
ERRORS = {"400": "bad_request", "401": "unauthorized", "404": "not_found",
          "409": "conflict", "413": "too_large", "422": "validation_error", "429": "rate_limited"}


def doc(summary, body=None, response=None, query=None, status=200, many=False, empty=False):
    """Declare what an API view takes and returns; the spec is built from these."""
    def decorator(view):
        view.openapi = dict(summary=summary, body=body, response=response, query=query,
                            status=status, many=many, empty=empty)
        return view
    return decorator


def schema_name(schema):
    """A component name for a schema class or instance."""
    cls = schema if isinstance(schema, type) else type(schema)
    name = cls.__name__.removesuffix("Schema")
    if not isinstance(schema, type) and schema.partial:
        name += "Patch"
    return name


def operation(info, path_params):
    """One OpenAPI operation from a view's declaration."""
    op = {"summary": info["summary"], "responses": {}}
    params = [{"in": "path", "name": name, "required": True,
               "schema": PATH_PARAMS.get(name, {"type": "string"})}
              for name in sorted(path_params)]
    if info["query"] is not None:
        params.append({"in": "query", "schema": info["query"]})
    if params:
        op["parameters"] = params
    if info["body"] is not None:
        op["requestBody"] = {"required": True, "content": {
            "application/json": {"schema": info["body"]}}}
    ok = {"description": "OK"}
    if info["response"] is not None:
        schema = info["response"]
        if info["many"]:
            schema = {"type": "array", "items": schema}
        ok["content"] = {"application/json": {"schema": schema}}
    op["responses"][str(info["status"])] = ok if not info["empty"] else {"description": "No content"}
    if info["status"] == 201:
        op["responses"]["200"] = ok  # the same note again: nothing new stored
    for code in ERRORS:
        op["responses"][code] = {"description": ERRORS[code], "content": {
            "application/json": {"schema": "Error"}}}
    return op


def build_spec(app):
    """Walk the app's /api/v1 routes and describe each declared one."""
    spec = APISpec(title="Companion API", version="1", openapi_version="3.0.3",
                   plugins=[MarshmallowPlugin(schema_name_resolver=schema_name)],
                   servers=[{"url": "/api/v1"}],
                   info={"description": "Notes, check-ins and meetings of employment-retention support."})
    spec.components.schema("Error", schema=ErrorSchema)
    spec.components.security_scheme("session", {"type": "apiKey", "in": "cookie", "name": "session"})
    spec.components.security_scheme("csrf", {"type": "apiKey", "in": "header", "name": "X-CSRF-Token"})
    paths = {}
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/"):
            continue
        view = app.view_functions[rule.endpoint]
        info = getattr(view, "openapi", None)
        if info is None:
            continue
        path = re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule.rule[len("/api/v1"):])
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            paths.setdefault(path, {})[method.lower()] = operation(info, rule.arguments)
    for path, operations in sorted(paths.items()):
        spec.path(path=path, operations=operations)
    return spec


def undocumented(app):
    """API routes that declare nothing (a test keeps this empty)."""
    return sorted(rule.rule for rule in app.url_map.iter_rules()
                  if rule.rule.startswith("/api/v1/")
                  and getattr(app.view_functions[rule.endpoint], "openapi", None) is None)


def register(api_bp):
    """Serve the document at /api/v1/openapi.json."""
    @api_bp.get("/openapi.json")
    @doc("This document")
    def openapi_json():
        """The OpenAPI 3 document of this API."""
        return jsonify(build_spec(current_app).to_dict())

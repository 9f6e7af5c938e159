"""OpenAPI post-processing: document the error answers every operation can give.

drf-spectacular documents success responses only; clients (and the schema fuzzing in the tests)
need the 4xx shapes too, and they are the same everywhere (see `errors.py`).
"""

ERROR_SCHEMA = {
    "type": "object",
    "required": ["detail", "errors"],
    "properties": {
        "detail": {"type": "string", "description": "The messages, joined, for people."},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["field", "code", "message"],
                "properties": {
                    "field": {"type": "string", "nullable": True},
                    "code": {"type": "string"},
                    "message": {"type": "string"},
                },
            },
        },
        "changes": {
            "type": "array",
            "items": {"type": "object", "additionalProperties": True},
            "description": "With 412: what changed since the version you read.",
        },
        "current_version": {"type": "integer"},
        "lookalikes": {
            "type": "array",
            "items": {"type": "object", "additionalProperties": True},
            "description": "With 409: the clusters (that you may see) whose name looks like the new one's: "
            "code, name, reason, same_commune.",
        },
        "others": {"type": "integer", "description": "With 409: look-alikes outside your scope (counted, not named)."},
        "confirm_with": {"type": "string", "description": "With 409: the body field that confirms."},
    },
}
ERROR_STATUSES = {
    "400": "Invalid input: the field and the reason, nothing written",
    "401": "Not signed in",
    "403": "Signed in, but the role may not do this",
    "404": "No such object, or outside your scope",
    "405": "Method not allowed",
    "406": "Not acceptable",
    "409": "Needs a confirmation (a look-alike name): send the field named by `confirm_with`",
    "412": "If-Match is stale: someone changed the object since you read it",
    "415": "Unsupported media type",
    "429": "Too many requests",
}


def add_error_responses(result, generator, request, public):
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    reference = {"$ref": "#/components/schemas/Error"}
    for path in result.get("paths", {}).values():
        for operation in path.values():
            responses = operation.setdefault("responses", {})
            for status, description in ERROR_STATUSES.items():
                responses.setdefault(
                    status, {"description": description, "content": {"application/json": {"schema": reference}}}
                )
    return result

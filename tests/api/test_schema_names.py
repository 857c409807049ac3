"""Schema class names must be unique across the API: django-ninja names OpenAPI components after
the class, so two apps' ``DecisionOut`` would silently share one component and one of them would
be documented (and fuzzed by schemathesis) with the other's fields."""

import collections
import inspect

import pydantic

from allies.api.main import api


def _schemas_of(annotation, seen):
    if inspect.isclass(annotation) and issubclass(annotation, pydantic.BaseModel):
        if annotation in seen:
            return
        seen.add(annotation)
        for field in annotation.model_fields.values():
            _schemas_of(field.annotation, seen)
    for arg in getattr(annotation, "__args__", ()) or ():
        _schemas_of(arg, seen)


def test_every_schema_class_name_is_used_once():
    seen: set = set()
    for router in [r for _prefix, r in api._routers]:
        for path_view in router.path_operations.values():
            for op in path_view.operations:
                for model in op.response_models.values() if isinstance(op.response_models, dict) else ():
                    _schemas_of(model, seen)
                for model in getattr(op, "models", ()):
                    _schemas_of(model, seen)
    by_name = collections.defaultdict(set)
    for cls in seen:
        by_name[cls.__name__].add(f"{cls.__module__}.{cls.__qualname__}")
    clashes = {name: sorted(where) for name, where in by_name.items()
               if len(where) > 1 and not name.startswith(("Response", "Input", "Body", "Query", "Path"))}
    assert not clashes, clashes

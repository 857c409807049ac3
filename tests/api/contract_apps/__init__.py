"""Contract-test tables, one module per app, merged by tests/api/test_contract.py.

Each module may define:
- PARTNER_OPERATIONS: {(METHOD, path)} a partner user may call (all others are staff-only);
- COMPUTATIONS: {(METHOD, path)} POSTs that save nothing (a viewer may call them);
- SELF_SERVICE: {(METHOD, path)} writes any user may make on their own things (e.g. their API
  tokens), viewers included;
- PARTNER_SCOPED_PARAMS: {path parameter names that identify a partner-owned row};
- sample_bodies(csv_upload) -> {(METHOD, path): lambda world: body};
- objects(manager, partner_a, partner_b) -> (own, other): path parameter -> id, where
  "own" rows belong to partner_a (the partner user's company) or are internal, and
  "other" rows are the same kind owned by partner_b;
- PREFIXES: the path prefixes whose operations need this module's objects. With it, the
  objects are built only for those paths (building every app's objects for each of ~1,600
  contract cases dominated the suite's time, and two apps naming the same path parameter,
  e.g. agreement_id, would overwrite each other). Without it they are built for every path.
"""

import importlib
import pkgutil

MODULES = [importlib.import_module(f"{__name__}.{m.name}") for m in pkgutil.iter_modules(__path__)]


def merged(name: str) -> set:
    out: set = set()
    for module in MODULES:
        out |= set(getattr(module, name, ()))
    return out


def merged_bodies(csv_upload) -> dict:
    out: dict = {}
    for module in MODULES:
        if hasattr(module, "sample_bodies"):
            out.update(module.sample_bodies(csv_upload))
    return out


def objects(path: str | None = None, **fixtures) -> tuple[dict, dict]:
    own: dict = {}
    other: dict = {}
    for module in MODULES:
        prefixes = getattr(module, "PREFIXES", None)
        if prefixes is not None and path is not None and not path.startswith(tuple(prefixes)):
            continue
        if hasattr(module, "objects"):
            mine, theirs = module.objects(**fixtures)
            own.update(mine)
            other.update(theirs)
    return own, other

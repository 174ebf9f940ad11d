#!/usr/bin/env python3
"""Validates a krbkit --json document against its schema in man/json/.

    validate_json.py SCHEMA_DIR KIND FILE       stdout document of KIND (kinit, klist, ...)
    validate_json.py SCHEMA_DIR --error FILE    stderr: exactly one line, the error object

Every schema of SCHEMA_DIR is loaded into one store (by its $id), so the
references between them (common.schema.json#/$defs/...) resolve without a
network. Exit status 0 when valid; otherwise 1 and the reason on stderr.
"""
import json
import pathlib
import sys

import jsonschema


def load_store(schema_dir):
    store = {}
    for path in sorted(pathlib.Path(schema_dir).glob("*.schema.json")):
        schema = json.loads(path.read_text())
        jsonschema.Draft202012Validator.check_schema(schema)
        store[schema["$id"]] = schema
    return store


def main():
    schema_dir, kind, file = sys.argv[1:4]
    text = pathlib.Path(file).read_text()
    if kind == "--error":
        kind = "error"
        lines = text.splitlines()
        if len(lines) != 1:
            sys.exit(f"expected exactly one line on stderr, got {len(lines)}: {text!r}")
    store = load_store(schema_dir)
    schema = next((s for i, s in store.items() if i.endswith("/" + kind + ".schema.json")), None)
    if schema is None:
        sys.exit(f"no schema {kind}.schema.json in {schema_dir}")
    try:
        document = json.loads(text)
    except json.JSONDecodeError as e:
        sys.exit(f"{kind}: not JSON ({e}): {text!r}")
    resolver = jsonschema.RefResolver(schema["$id"], schema, store=store)
    validator = jsonschema.Draft202012Validator(schema, resolver=resolver)
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.path))
    if errors:
        for e in errors:
            print(f"{kind}: {'/'.join(map(str, e.path))}: {e.message}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()

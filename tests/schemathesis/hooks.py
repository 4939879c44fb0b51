"""Schemathesis checks in v2's terms (loaded through SCHEMATHESIS_HOOKS).

TrackingMore v2 reports a refused request in `meta.code` (4xxx) with HTTP 200, and a missing
or unknown key as meta 4001 with HTTP 200 (CONTRACT.md §1). Schemathesis' own
`negative_data_rejection`, `missing_required_header` and `ignored_auth` look only at the HTTP
status, so they would flag every correct v2 answer. These checks are the same checks with the
v2 outcome read where v2 puts it: a 200 whose `meta.code` is 4xxx counts as the matching 4xx
status (4001/4002 → 401, any other 4xxx → 400), and so does a batch answer with meta 201
(the items it refused are accounted for one by one in `errors`, CONTRACT §2); then
schemathesis' own logic decides, with all its own false-positive guards.
"""

from __future__ import annotations

import copy
import json
from typing import Any, Optional

import requests
import schemathesis
from schemathesis.specs.openapi import checks as st_checks

API_KEY_HEADER = "Trackingmore-Api-Key"


def _meta_code(response: Any) -> Optional[int]:
    try:
        code = json.loads(response.content)["meta"]["code"]
    except (ValueError, KeyError, TypeError):
        return None
    return code if isinstance(code, int) else None


def _as_http(response: Any) -> Any:
    """The response with a v2 meta-level refusal turned into the HTTP status it stands for."""
    code = _meta_code(response)
    refused = code is not None and (4000 <= code < 5000 or code == 201)
    if response.status_code != 200 or not refused:
        return response
    mapped = copy.copy(response)
    mapped.status_code = 401 if code in (4001, 4002) else 400
    return mapped


def _no_body(case: Any) -> bool:
    """A generated "random bytes" body that is only whitespace: for an optional body that is
    no body at all, which v2 accepts (an empty PUT changes nothing, an empty list body filters
    nothing)."""
    body = case.body
    return isinstance(body, (bytes, str)) and not (
        body.strip() if isinstance(body, str) else body.strip(b" \t\r\n")
    )


@schemathesis.check
def v2_negative_data_rejection(ctx: Any, response: Any, case: Any) -> Optional[bool]:
    """Schema-violating input must be refused (HTTP 4xx or meta 4xxx)."""
    if _no_body(case):
        return None
    return st_checks.negative_data_rejection(ctx, _as_http(response), case)


@schemathesis.check
def v2_missing_required_header(ctx: Any, response: Any, case: Any) -> Optional[bool]:
    """A request without the key header must be refused (meta 4001)."""
    return st_checks.missing_required_header(ctx, _as_http(response), case)


_auth_checked: set[str] = set()


@schemathesis.check
def v2_auth_enforced(ctx: Any, response: Any, case: Any) -> Optional[bool]:
    """Once per operation: the same request without the key is answered with meta 4001."""
    label = case.operation.label
    if label in _auth_checked or response.status_code != 200:
        return None
    _auth_checked.add(label)
    # The request exactly as sent, less the key.
    request = response.request.copy()
    request.headers.pop(API_KEY_HEADER, None)
    with requests.Session() as session:
        probe = session.send(request, timeout=10)
    if probe.status_code != 200 or _meta_code(probe) != 4001:
        raise AssertionError(
            f"{label} without `{API_KEY_HEADER}`: expected HTTP 200 with meta 4001, "
            f"got HTTP {probe.status_code} meta {_meta_code(probe)}"
        )
    return True

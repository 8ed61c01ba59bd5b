"""DIDs and verification methods: did:key (generative) and did:web (served by us).

Resolution never touches the network here: a :class:`DidResolver` is passed in.
:class:`StaticDidResolver` resolves did:key locally and did:web from documents it
was given (the service feeds it from its own records; the command line from
``--did-doc`` files).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterable, Mapping
from typing import Any, Protocol
from urllib.parse import quote, unquote

from credentials.errors import DidResolutionError, KeyFormatError
from credentials.jsonld import DID_V1, MULTIKEY_V1
from credentials.keys import Ed25519Multikey, decode_public_key


class DidResolver(Protocol):
    """Anything that turns a DID into its DID document (or raises DidResolutionError)."""

    def resolve(self, did: str) -> dict[str, Any]: ...


def did_key_document(did: str) -> dict[str, Any]:
    """The expanded DID document of an Ed25519 ``did:key`` (did:key spec §3.1.1)."""
    if not did.startswith("did:key:"):
        raise DidResolutionError(f"not a did:key: {did!r}")
    multibase = did[len("did:key:") :]
    try:
        decode_public_key(multibase)
    except KeyFormatError as exc:
        raise DidResolutionError(f"{did}: only Ed25519 did:key values are supported ({exc})") from exc
    vm_id = f"{did}#{multibase}"
    return {
        "@context": [DID_V1, MULTIKEY_V1],
        "id": did,
        "verificationMethod": [{"id": vm_id, "type": "Multikey", "controller": did, "publicKeyMultibase": multibase}],
        "authentication": [vm_id],
        "assertionMethod": [vm_id],
        "capabilityInvocation": [vm_id],
        "capabilityDelegation": [vm_id],
    }


def did_web_from_url(base_url: str, *path: str) -> str:
    """The did:web for an https/http base URL and optional path segments.

    ``http://127.0.0.1:5000`` + ``orgs``, ``demo`` → ``did:web:127.0.0.1%3A5000:orgs:demo``.
    """
    scheme, _, rest = base_url.partition("://")
    if scheme not in ("http", "https") or not rest:
        raise DidResolutionError(f"not an http(s) base URL: {base_url!r}")
    host_and_path = rest.rstrip("/").split("/")
    host = quote(host_and_path[0], safe="")
    segments = [s for s in host_and_path[1:] if s] + [s for s in path if s]
    did = ":".join(["did", "web", host, *(quote(s, safe="") for s in segments)])
    did_web_to_url(did)  # refuses what could not be resolved back (query, fragment, '..', bad port)
    return did


def did_web_to_url(did: str, *, insecure_hosts: Iterable[str] = ()) -> str:
    """The URL of a did:web's DID document (did:web §"Read").

    ``insecure_hosts`` lists hosts (such as 127.0.0.1 in development) served over http.
    """
    if not did.startswith("did:web:"):
        raise DidResolutionError(f"not a did:web: {did!r}")
    parts = did[len("did:web:") :].split(":")
    host = unquote(parts[0])
    segments = [unquote(p) for p in parts[1:]]
    # Each part must stand for itself: no separators, dot-segments, empty parts,
    # fragments or queries that would make the DID address another document.
    forbidden = set("/?#@\\%") | {chr(c) for c in range(0x21)}
    if not host or any(c in forbidden for c in host) or host.startswith((".", "-")):
        raise DidResolutionError(f"malformed did:web (host): {did!r}")
    for segment in segments:
        if not segment or segment in (".", "..") or any(c in forbidden for c in segment):
            raise DidResolutionError(f"malformed did:web (path): {did!r}")
    hostname, colon, port = host.partition(":")
    if colon and not (port.isascii() and port.isdigit() and 0 < int(port) < 65536):
        raise DidResolutionError(f"malformed did:web (port): {did!r}")
    path = "/".join(segments)
    scheme = "http" if hostname in set(insecure_hosts) else "https"
    suffix = f"/{path}/did.json" if path else "/.well-known/did.json"
    return f"{scheme}://{host}{suffix}"


def build_did_document(did: str, keys: Iterable[Ed25519Multikey]) -> dict[str, Any]:
    """A DID document listing ``keys`` (all usable for assertionMethod).

    Verification-method ids must be absolute and controlled by ``did``.
    """
    methods = []
    for key in keys:
        if key.controller != did or not key.id.startswith(did + "#"):
            raise DidResolutionError(f"key {key.id!r} is not controlled by {did!r}")
        methods.append(key.to_verification_method())
    return {
        "@context": [DID_V1, MULTIKEY_V1],
        "id": did,
        "verificationMethod": methods,
        "assertionMethod": [m["id"] for m in methods],
    }


class StaticDidResolver:
    """Resolves did:key locally, and other DIDs (or https controller documents,
    as in the 1EdTech test vector) from a fixed set of documents given up front."""

    def __init__(self, documents: Iterable[Mapping[str, Any]] = ()):
        self._documents: dict[str, dict[str, Any]] = {}
        for document in documents:
            self.add(document)

    def add(self, document: Mapping[str, Any]) -> None:
        did = document.get("id") if isinstance(document, Mapping) else None
        if not isinstance(did, str) or not did.startswith(("did:", "https://")) or "#" in did:
            raise DidResolutionError("a DID (or controller) document needs an 'id' that is a DID or an https URL")
        self._documents[did] = copy.deepcopy(dict(document))

    def resolve(self, did: str) -> dict[str, Any]:
        if did.startswith("did:key:"):
            # did:key is purely generative: never let a supplied document stand in for it.
            return did_key_document(did)
        if did in self._documents:
            return copy.deepcopy(self._documents[did])
        raise DidResolutionError(f"no DID document known for {did}")


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def resolve_verification_method(
    vm_url: str, *, resolver: DidResolver, purpose: str = "assertionMethod"
) -> Ed25519Multikey:
    """Retrieve a Multikey verification method (Controlled Identifiers §3.3).

    The document's ``id`` must be the URL without fragment, the method must be
    listed (by reference or embedded) under ``purpose``, and its ``controller``
    must be that document. Raises DidResolutionError otherwise.
    """
    if not isinstance(vm_url, str) or "#" not in vm_url:
        raise DidResolutionError(f"verification method {vm_url!r} is not an absolute URL with a fragment")
    did = vm_url.split("#", 1)[0]
    document = resolver.resolve(did)
    if document.get("id") != did:
        raise DidResolutionError(f"the document resolved for {did} has a different id")
    candidates = [
        candidate
        for candidate in _as_list(document.get("verificationMethod")) + _as_list(document.get(purpose))
        if isinstance(candidate, dict) and _absolute(candidate.get("id"), did) == vm_url
    ]
    if len({json.dumps(c, sort_keys=True) for c in candidates}) > 1:
        raise DidResolutionError(f"{vm_url} is defined more than once, with different content")
    method = candidates[0] if candidates else None
    listed = any(
        _absolute(entry if isinstance(entry, str) else entry.get("id") if isinstance(entry, dict) else None, did)
        == vm_url
        for entry in _as_list(document.get(purpose))
    )
    if method is None:
        raise DidResolutionError(f"{vm_url} is not in the DID document of {did}")
    if not listed:
        raise DidResolutionError(f"{vm_url} is not authorised for {purpose} by {did}")
    if method.get("controller") != did:
        raise DidResolutionError(f"{vm_url} is not controlled by {did}")
    if method.get("type") != "Multikey":
        raise DidResolutionError(f"{vm_url} is a {method.get('type')!r}, expected Multikey")
    try:
        return Ed25519Multikey.from_multikey(
            {"id": vm_url, "controller": did, "publicKeyMultibase": method.get("publicKeyMultibase")}
        )
    except KeyFormatError as exc:
        raise DidResolutionError(f"{vm_url}: {exc}") from exc


def _absolute(ref: Any, did: str) -> Any:
    if isinstance(ref, str) and ref.startswith("#"):
        return did + ref
    return ref

"""Offline, strict JSON-LD processing for signing and verifying.

* Contexts come only from the copies bundled in ``credentials/contexts`` and are
  checked against their pinned SHA-256 when the store is loaded
  (:class:`ContextStore`). The document loader serves exactly those URLs and
  raises :class:`~credentials.errors.DocumentLoaderError` for any other.
* PyLD silently drops undefined terms and resolves relative IRIs against a
  made-up base. Digital Bazaar's jsonld.js rejects both in its "safe mode".
  :func:`expand_strict` does the same: a dropped property, a relative ``@id``,
  ``@type`` or property IRI, or a ``null`` value is a
  :class:`~credentials.errors.DataLossError` (Data Integrity §2.4.3).
* :func:`canonize_rdfc` runs RDFC-1.0 (same output as URDNA2015) with a bound on
  the work, so a poisoned dataset cannot tie up a worker (vc-di-eddsa §3.2).

No file or network I/O happens while canonicalizing: the store reads its files
once, when it is created.
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from pyld import canon as pyld_canon
from pyld import jsonld as pyld_jsonld
from pyld.canon import URDNA2015

from credentials.errors import (
    CanonicalizationError,
    ContextIntegrityError,
    DataLossError,
    DocumentLoaderError,
)

# Credentials VC 2.0 base context; VC2 App. B.1 requires it to be treated as already retrieved.
VC_V2 = "https://www.w3.org/ns/credentials/v2"
OB_V3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
OB_EXTENSIONS = "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json"
DID_V1 = "https://www.w3.org/ns/did/v1"
MULTIKEY_V1 = "https://w3id.org/security/multikey/v1"
EXAMPLES_V2 = "https://www.w3.org/ns/credentials/examples/v2"

DocumentLoader = Callable[[str, Any], dict[str, Any]]

# Limits against hostile input (dataset poisoning, deep or huge documents).
MAX_CONTEXT_ENTRIES = 16  # all @context entries in a document together; ours have 3
MAX_BLANK_NODES = 2_000
MAX_N_DEGREE_CALLS = 5_000


@dataclass(frozen=True)
class BundledContext:
    url: str
    sha256: str
    document: Any
    example_only: bool


class ContextStore:
    """The pinned, bundled JSON-LD contexts. Loading checks every file's SHA-256."""

    def __init__(self, contexts: dict[str, BundledContext]):
        self._contexts = contexts

    @classmethod
    def load_bundled(cls) -> ContextStore:
        """Read ``credentials/contexts/manifest.json`` and every file it names.

        Raises ContextIntegrityError when a file's SHA-256 differs from the manifest.
        """
        folder = resources.files("credentials") / "contexts"
        manifest = json.loads((folder / "manifest.json").read_text("utf-8"))
        contexts: dict[str, BundledContext] = {}
        for url, entry in manifest["contexts"].items():
            try:
                raw = (folder / entry["file"]).read_bytes()
            except OSError as exc:
                raise ContextIntegrityError(f"bundled context for {url} is missing: {entry['file']}") from exc
            digest = hashlib.sha256(raw).hexdigest()
            if digest != entry["sha256"]:
                raise ContextIntegrityError(
                    f"bundled context for {url} has SHA-256 {digest}, expected {entry['sha256']}"
                )
            contexts[url] = BundledContext(url, digest, json.loads(raw), bool(entry.get("exampleOnly")))
        return cls(contexts)

    @property
    def urls(self) -> frozenset[str]:
        return frozenset(self._contexts)

    def get(self, url: str) -> BundledContext | None:
        return self._contexts.get(url)

    def document_loader(self, *, allow_examples: bool = False) -> DocumentLoader:
        """A pyld document loader serving only the bundled contexts.

        ``allow_examples`` admits the W3C examples context, which VC 2.0 reserves
        for examples (the W3C test vectors use it); production code leaves it off.
        """
        served = {url: ctx.document for url, ctx in self._contexts.items() if allow_examples or not ctx.example_only}

        def load(url: str, options: Any = None) -> dict[str, Any]:
            try:
                document = served[url]
            except (KeyError, TypeError):
                raise DocumentLoaderError(
                    f"context {url!r} is not one of the bundled contexts; refusing to load it"
                ) from None
            # A copy: nobody may change the pinned context behind the hash check's back.
            return {"contextUrl": None, "documentUrl": url, "document": copy.deepcopy(document)}

        load.allowed_urls = frozenset(served)  # type: ignore[attr-defined]
        return load


@lru_cache(maxsize=1)
def bundled_contexts() -> ContextStore:
    """The process-wide bundled context store (loaded and hash-checked once)."""
    return ContextStore.load_bundled()


def default_document_loader() -> DocumentLoader:
    """The production loader: bundled contexts without the examples context."""
    return _cached_loader(False)


def example_document_loader() -> DocumentLoader:
    """Bundled contexts including the W3C examples context (for test vectors)."""
    return _cached_loader(True)


@lru_cache(maxsize=2)
def _cached_loader(allow_examples: bool) -> DocumentLoader:
    return bundled_contexts().document_loader(allow_examples=allow_examples)


_CONTEXT_CACHE_MAX = 1024


class _ContextCache:
    """Processed active contexts, keyed by the identity of their inputs.

    pyld re-processes every type-scoped context (the Open Badges context has
    dozens) for every node, and canonicalizes each context to build its own
    cache key; that is most of the signing time. Here a processed context is
    remembered for (active context object, local context), so the same objects
    come back and the next lookups hit too. Entries keep strong references to
    their inputs, so an ``id()`` is never reused while its entry lives. The
    dict is bounded: inline contexts in hostile documents only churn it.
    """

    def __init__(self) -> None:
        self.entries: dict[tuple[Any, ...], tuple[Any, Any, Any, Any]] = {}
        self.initial: dict[str, Any] = {}

    def key(self, active_ctx: Any, local_ctx: Any, flags: tuple[Any, ...]) -> tuple[Any, ...]:
        if isinstance(local_ctx, str):
            local_key: Any = local_ctx
        elif isinstance(local_ctx, list) and all(isinstance(c, str) for c in local_ctx):
            local_key = tuple(local_ctx)
        else:
            local_key = id(local_ctx)
        return (id(active_ctx), local_key, *flags)

    def get(self, key: tuple[Any, ...], active_ctx: Any, local_ctx: Any, loader: Any) -> Any:
        entry = self.entries.get(key)
        if entry is None or entry[0] is not active_ctx or entry[2] is not loader:
            return None
        if isinstance(key[1], int) and entry[1] is not local_ctx:
            return None
        return entry[3]

    def put(self, key: tuple[Any, ...], active_ctx: Any, local_ctx: Any, loader: Any, result: Any) -> None:
        if len(self.entries) >= _CONTEXT_CACHE_MAX:
            self.entries.clear()
        self.entries[key] = (active_ctx, local_ctx, loader, result)


_context_cache = _ContextCache()


class _Processor(pyld_jsonld.JsonLdProcessor):  # type: ignore[misc]
    """pyld's processor with memoized context processing (see _ContextCache)."""

    def _get_initial_context(self, options: Any) -> Any:
        mode = options.get("processingMode", "json-ld-1.1")
        initial = _context_cache.initial.get(mode)
        if initial is None:
            initial = _context_cache.initial[mode] = super()._get_initial_context(options)
        return initial

    def _process_context(  # noqa: PLR0917 - same signature as the pyld method it overrides
        self,
        active_ctx: Any,
        local_ctx: Any,
        options: Any,
        override_protected: bool = False,
        propagate: bool = True,
        validate_scoped: bool = True,
        cycles: Any = None,
    ) -> Any:
        if cycles:
            return super()._process_context(
                active_ctx, local_ctx, options, override_protected, propagate, validate_scoped, cycles
            )
        # The document loader is part of the key: contexts served differ between loaders.
        loader = options.get("documentLoader")
        flags = (override_protected, propagate, validate_scoped, id(loader))
        key = _context_cache.key(active_ctx, local_ctx, flags)
        cached = _context_cache.get(key, active_ctx, local_ctx, loader)
        if cached is not None:
            return cached
        result = super()._process_context(
            active_ctx, local_ctx, options, override_protected, propagate, validate_scoped, cycles
        )
        _context_cache.put(key, active_ctx, local_ctx, loader, result)
        return result


_ABSOLUTE_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:\S*$")


def _is_absolute_iri(value: str) -> bool:
    # JSON-LD's "absolute IRI" test: a scheme, a colon, no white space.
    return _ABSOLUTE_IRI.match(value) is not None


def _is_blank(value: str) -> bool:
    return value.startswith("_:")


def _check_expanded(node: Any, path: str) -> None:
    """Walk an expanded JSON-LD document; every IRI must be absolute."""
    if isinstance(node, list):
        for index, item in enumerate(node):
            _check_expanded(item, f"{path}[{index}]")
        return
    if not isinstance(node, dict):
        return
    if "@value" in node:
        datatype = node.get("@type")
        if isinstance(datatype, str) and datatype != "@json" and not _is_absolute_iri(datatype):
            raise DataLossError(f"{path}: relative datatype IRI {datatype!r}")
        return
    for key, value in node.items():
        if key == "@id":
            if not (_is_absolute_iri(value) or _is_blank(value)):
                raise DataLossError(f"{path}: relative IRI {value!r} in id (not an absolute URL)")
        elif key == "@type":
            for item in value if isinstance(value, list) else [value]:
                if isinstance(item, str) and not (_is_absolute_iri(item) or _is_blank(item)):
                    raise DataLossError(f"{path}: type {item!r} is not defined by any context")
        elif key.startswith("@"):
            _check_expanded(value, path)
        elif not _is_absolute_iri(key):
            raise DataLossError(f"{path}: property {key!r} is not defined by any context")
        else:
            _check_expanded(value, f"{path}/{key}")


def _count_context_entries(node: Any) -> int:
    """How many @context entries the document has, at any depth."""
    if isinstance(node, list):
        return sum(_count_context_entries(item) for item in node)
    if not isinstance(node, dict):
        return 0
    count = 0
    for key, value in node.items():
        if key == "@context":
            count += len(value) if isinstance(value, list) else 1
        else:
            count += _count_context_entries(value)
    return count


def _check_no_nulls(node: Any, path: str) -> None:
    """A JSON null is dropped by JSON-LD; in a signed document it hides data, so refuse it."""
    if isinstance(node, dict):
        for key, value in node.items():
            if value is None:
                raise DataLossError(f"{path}/{key}: null values are not allowed")
            if key != "@context":
                _check_no_nulls(value, f"{path}/{key}")
    elif isinstance(node, list):
        for index, item in enumerate(node):
            if item is None:
                raise DataLossError(f"{path}[{index}]: null values are not allowed")
            _check_no_nulls(item, f"{path}[{index}]")


def expand_strict(document: dict[str, Any], *, document_loader: DocumentLoader) -> list[Any]:
    """Expand ``document`` with pyld, refusing anything a safe-mode processor refuses.

    Raises DataLossError for undefined terms, relative IRIs and null values,
    DocumentLoaderError for a context that is not bundled, and
    CanonicalizationError for other JSON-LD errors.
    """
    if not isinstance(document, dict):
        raise CanonicalizationError("a JSON-LD document must be a JSON object")
    try:
        _check_no_nulls(document, "")
        contexts = _count_context_entries(document)
    except RecursionError as exc:
        raise CanonicalizationError("JSON-LD document is nested too deeply") from exc
    if contexts > MAX_CONTEXT_ENTRIES:
        # Every entry is processed by pyld; thousands of them would tie up a worker.
        raise CanonicalizationError(f"document has {contexts} @context entries; at most {MAX_CONTEXT_ENTRIES}")
    dropped: list[str] = []

    def on_dropped(term: Any) -> None:
        dropped.append(str(term))

    processor = _Processor(on_property_dropped=on_dropped)
    try:
        # base=None keeps relative IRIs relative (pyld otherwise resolves them
        # against http://example.org/base/), so the walk below can refuse them.
        expanded = processor.expand(
            document, {"documentLoader": document_loader, "base": None, "processingMode": "json-ld-1.1"}
        )
    except pyld_jsonld.JsonLdError as exc:
        loader_error = _find_cause(exc, DocumentLoaderError)
        if loader_error is not None:
            raise loader_error from exc
        raise CanonicalizationError(f"JSON-LD expansion failed: {_describe(exc)}") from exc
    except RecursionError as exc:
        raise CanonicalizationError("JSON-LD document is nested too deeply") from exc
    if dropped:
        raise DataLossError(
            "term(s) not defined by any context, would be silently dropped: " + ", ".join(sorted(set(dropped)))
        )
    _check_expanded(expanded, "")
    return list(expanded)


def _find_cause(exc: BaseException, kind: type[BaseException]) -> Any:
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, kind):
            return seen
        details = getattr(seen, "details", None)
        if isinstance(details, dict) and isinstance(details.get("cause"), kind):
            return details["cause"]
        seen = seen.__cause__ or seen.__context__
    return None


def _describe(exc: BaseException) -> str:
    parts: list[str] = []
    seen: BaseException | None = exc
    while seen is not None and len(parts) < 5:
        msg = seen.args[0] if seen.args else str(seen)
        parts.append(str(msg))
        seen = seen.__cause__
    return " <- ".join(parts)


MAX_PERMUTATIONS = 20_000

_canon_budget = threading.local()
_original_permutations = pyld_canon.permutations


def _budgeted_permutations(elements: Any) -> Iterator[Any]:
    """pyld's permutation generator, counted against the running canonicalization's budget.

    The permutation loop inside pyld's hash_n_degree_quads is where a poisoned
    dataset spends factorial time; counting its iterations bounds the work
    however the graph is shaped. Outside a budgeted run it only passes through.
    """
    for permutation in _original_permutations(elements):
        budget = getattr(_canon_budget, "left", None)
        if budget is not None:
            if budget <= 0:
                raise CanonicalizationError("canonicalization needs too much work (possible dataset poisoning)")
            _canon_budget.left = budget - 1
        yield permutation


pyld_canon.permutations = _budgeted_permutations


class _BoundedURDNA2015(URDNA2015):  # type: ignore[misc]
    """URDNA2015 (= RDFC-1.0) that stops when a dataset needs too much work."""

    def __init__(self) -> None:
        super().__init__()
        self._n_degree_calls = 0

    def main(self, dataset: Any, options: Any) -> Any:
        _canon_budget.left = MAX_PERMUTATIONS
        try:
            return super().main(dataset, options)
        finally:
            _canon_budget.left = None

    def hash_n_degree_quads(self, id_: Any, issuer: Any) -> Any:
        self._n_degree_calls += 1
        if self._n_degree_calls > MAX_N_DEGREE_CALLS:
            raise CanonicalizationError("canonicalization needs too much work (possible dataset poisoning)")
        return super().hash_n_degree_quads(id_, issuer)


def _to_dataset(expanded: list[Any]) -> dict[str, Any]:
    """RDF dataset of an already expanded document (pyld's to_rdf, without re-expanding)."""
    processor = pyld_jsonld.JsonLdProcessor()
    issuer = pyld_jsonld.IdentifierIssuer("_:b")
    node_map: dict[str, Any] = {"@default": {}}
    # pyld 3.3.0 internals (the version is pinned): the public to_rdf would expand again.
    processor._create_node_map(expanded, node_map, "@default", issuer)
    options = {"produceGeneralizedRdf": False, "rdfDirection": None, "processingMode": "json-ld-1.1"}
    dataset: dict[str, Any] = {}
    for graph_name, graph in sorted(node_map.items()):
        # Named graphs may be blank nodes (a CLR's embedded credentials are).
        if graph_name == "@default" or _is_absolute_iri(graph_name) or _is_blank(graph_name):
            dataset[graph_name] = processor._graph_to_rdf(graph, issuer, options)
    blank = sum(1 for graph in node_map.values() for node_id in graph if node_id.startswith("_:"))
    if blank > MAX_BLANK_NODES:
        raise CanonicalizationError(f"document has {blank} blank nodes; at most {MAX_BLANK_NODES} allowed")
    return dataset


def canonize_rdfc(document: dict[str, Any], *, document_loader: DocumentLoader) -> str:
    """RDFC-1.0 canonical N-Quads of ``document`` (strict expansion first).

    Raises DataLossError, DocumentLoaderError or CanonicalizationError.
    """
    expanded = expand_strict(document, document_loader=document_loader)
    dataset = _to_dataset(expanded)
    try:
        result = _BoundedURDNA2015().main(dataset, {"format": "application/n-quads"})
    except RecursionError as exc:
        raise CanonicalizationError("canonicalization recursion too deep") from exc
    return str(result)


def context_list(document: dict[str, Any]) -> list[Any]:
    """The document's ``@context`` as a list (a copy)."""
    ctx = document.get("@context")
    if ctx is None:
        return []
    return copy.deepcopy(ctx if isinstance(ctx, list) else [ctx])

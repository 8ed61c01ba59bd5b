"""Offline strict JSON-LD: pinned contexts, the document loader, data-loss checks, bounded RDFC."""

from __future__ import annotations

import copy
import hashlib
import json
import os
import shutil
import subprocess
import sys
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

import credentials
from credentials.errors import CanonicalizationError, DataLossError, DocumentLoaderError
from credentials.jsonld import (
    EXAMPLES_V2,
    MAX_BLANK_NODES,
    OB_EXTENSIONS,
    OB_V3,
    VC_V2,
    ContextStore,
    bundled_contexts,
    canonize_rdfc,
    default_document_loader,
    example_document_loader,
    expand_strict,
)
from credentials.sample import sample_credential

VECTORS = Path(__file__).resolve().parents[1] / "vectors" / "w3c-vc-di-eddsa"
CONTEXTS = Path(str(resources.files("credentials") / "contexts"))
MANIFEST: dict[str, Any] = json.loads((CONTEXTS / "manifest.json").read_text("utf-8"))["contexts"]
ISSUER = "did:web:certificaten.kringloop.example"
ALUMNI = {
    "@context": [VC_V2, EXAMPLES_V2],
    "type": ["VerifiableCredential"],
    "issuer": "did:example:issuer",
    "credentialSubject": {"id": "did:example:subject", "alumniOf": "The School of Examples"},
}


def _vc(subject: dict[str, Any], contexts: list[Any] | None = None, **extra: Any) -> dict[str, Any]:
    return {
        "@context": contexts or [VC_V2],
        "type": ["VerifiableCredential"],
        "issuer": "did:example:issuer",
        "credentialSubject": subject,
        **extra,
    }


def _strict(document: Any, loader: Any = None) -> list[Any]:
    return expand_strict(document, document_loader=loader or default_document_loader())


# --- the pinned context store -------------------------------------------------------------


def test_bundled_store_serves_exactly_the_manifest_urls_with_matching_hashes() -> None:
    store = ContextStore.load_bundled()
    assert store.urls == frozenset(MANIFEST)
    for url, entry in MANIFEST.items():
        raw = (CONTEXTS / entry["file"]).read_bytes()
        context = store.get(url)
        assert context is not None
        assert context.sha256 == entry["sha256"] == hashlib.sha256(raw).hexdigest()
        assert context.document == json.loads(raw)
        assert context.example_only == (url == EXAMPLES_V2)


def test_manifest_pins_the_hashes_the_specifications_publish() -> None:
    # VC 2.0 App. B.1 gives the full hash; DI 1.0 §2.4 and BSL §5.2 as quoted in the standards brief.
    assert MANIFEST[VC_V2]["sha256"] == "59955ced6697d61e03f2b2556febe5308ab16842846f5b586d7f1f7adec92734"
    assert MANIFEST["https://w3id.org/security/data-integrity/v2"]["sha256"].startswith("67f21e6e")
    assert MANIFEST["https://w3id.org/security/multikey/v1"]["sha256"].startswith("ba2c182d")
    status = MANIFEST["https://www.w3.org/ns/credentials/status/v1"]["sha256"]
    assert status.startswith("fda5add3")
    assert status.endswith("d9f7")


def _run_in_copy(tmp_path: Path, code: str, alter: tuple[str, bytes, bytes] | None) -> subprocess.CompletedProcess[str]:
    """Run ``code`` against a copy of the credentials package, with one file optionally altered."""
    root = tmp_path / "copy"
    package = Path(credentials.__file__).parent
    shutil.copytree(package, root / "credentials", ignore=shutil.ignore_patterns("__pycache__"))
    if alter is not None:
        relative, old, new = alter
        assert len(old) == len(new)
        target = root / "credentials" / relative
        raw = target.read_bytes()
        assert raw.count(old) >= 1
        target.write_bytes(raw.replace(old, new, 1))
    env = {**os.environ, "PYTHONPATH": str(root), "PYTHONDONTWRITEBYTECODE": "1"}
    prelude = f"import credentials; assert credentials.__file__.startswith({str(root)!r}), credentials.__file__\n"
    return subprocess.run(
        [sys.executable, "-c", prelude + code],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


INTEGRITY_PROBE = """
from credentials.errors import ContextIntegrityError
from credentials.jsonld import ContextStore, default_document_loader
for attempt in (ContextStore.load_bundled, default_document_loader):
    try:
        attempt()
    except ContextIntegrityError as exc:
        print("REFUSED", exc)
    else:
        print("LOADED")
"""


def test_unaltered_copy_of_the_contexts_loads(tmp_path: Path) -> None:
    # The control for the next test: the copy is what gets imported, and it loads as is.
    result = _run_in_copy(tmp_path, INTEGRITY_PROBE, alter=None)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["LOADED", "LOADED"]


@pytest.mark.parametrize(
    ("file", "old", "new"),
    [
        ("contexts/credentials-v2.jsonld", b'"VerifiableCredential"', b'"VerifiableCredentiaL"'),
        ("contexts/ob-v3p0-context-3.0.3.json", b"achievedLevel", b"achievedLeveL"),
        ("contexts/credentials-examples-v2.jsonld", b"{", b" "),
    ],
)
def test_context_altered_by_one_byte_is_refused_with_context_integrity_error(
    tmp_path: Path, file: str, old: bytes, new: bytes
) -> None:
    # API gap: ContextStore.load_bundled() has no folder argument, and ContextStore(...) takes
    # already-parsed contexts without checking them. So the check runs on a copy of the package.
    result = _run_in_copy(tmp_path, INTEGRITY_PROBE, alter=(file, old, new))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 2
    assert all(line.startswith("REFUSED") for line in lines), result.stdout
    url = next(url for url, entry in MANIFEST.items() if entry["file"] == Path(file).name)
    assert url in lines[0]


def test_ob_schema_altered_by_one_byte_is_refused(tmp_path: Path) -> None:
    probe = """
from credentials.errors import ContextIntegrityError
from credentials.schema import ob_schema_errors
try:
    ob_schema_errors({})
except ContextIntegrityError:
    print("REFUSED")
"""
    result = _run_in_copy(
        tmp_path, probe, alter=("schemas/ob_v3p0_achievementcredential_schema.json", b"achievement", b"Achievement")
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "REFUSED"


# --- the document loader ----------------------------------------------------------------------


def test_example_loader_serves_every_manifest_url() -> None:
    loader = example_document_loader()
    store = bundled_contexts()
    for url in MANIFEST:
        response = loader(url, {})
        assert response["documentUrl"] == url
        assert response["document"] == store.get(url).document  # type: ignore[union-attr]
    assert loader.allowed_urls == frozenset(MANIFEST)  # type: ignore[attr-defined]


def test_default_loader_serves_every_url_but_the_examples_context() -> None:
    loader = default_document_loader()
    for url in MANIFEST:
        if url == EXAMPLES_V2:
            with pytest.raises(DocumentLoaderError):
                loader(url, {})
        else:
            assert loader(url, {})["documentUrl"] == url
    assert loader.allowed_urls == frozenset(MANIFEST) - {EXAMPLES_V2}  # type: ignore[attr-defined]


def _variants(url: str) -> list[str]:
    return [
        url.replace("https://", "http://", 1),
        url + "/",
        url + "#",
        url + "?v=1",
        url.upper(),
        " " + url,
        url.rstrip("/") + "x",
    ]


@pytest.mark.parametrize("url", sorted({v for url in MANIFEST for v in _variants(url)}))
def test_loader_refuses_near_misses_of_allowed_urls(url: str) -> None:
    with pytest.raises(DocumentLoaderError):
        example_document_loader()(url, {})


@pytest.mark.parametrize(
    "url",
    [
        "https://example.com/context.json",
        "https://w3id.org/security/suites/ed25519-2020/v1",
        "https://www.w3.org/ns/did/v1.1",
        "file:///etc/passwd",
        "http://169.254.169.254/latest/meta-data/",
        "",
    ],
)
def test_loader_refuses_urls_that_are_not_bundled(url: str) -> None:
    with pytest.raises(DocumentLoaderError):
        example_document_loader()(url, {})


@pytest.mark.parametrize("value", [None, 42, ["https://www.w3.org/ns/credentials/v2"]])
def test_loader_refuses_values_that_are_not_urls(value: Any) -> None:
    with pytest.raises(DocumentLoaderError):
        default_document_loader()(value, {})


def test_examples_context_only_with_allow_examples() -> None:
    assert _strict(ALUMNI, example_document_loader())
    with pytest.raises(DocumentLoaderError):
        _strict(ALUMNI)
    store = ContextStore.load_bundled()
    assert expand_strict(ALUMNI, document_loader=store.document_loader(allow_examples=True))
    with pytest.raises(DocumentLoaderError):
        expand_strict(ALUMNI, document_loader=store.document_loader())


def test_examples_context_does_not_leak_into_the_default_loader_through_caches() -> None:
    # Expanding with the examples loader first must not let the production loader accept it later.
    _strict(ALUMNI, example_document_loader())
    with pytest.raises(DocumentLoaderError):
        _strict(ALUMNI)
    with pytest.raises(DocumentLoaderError):
        canonize_rdfc(ALUMNI, document_loader=default_document_loader())


def test_unknown_context_url_in_a_document_raises_document_loader_error() -> None:
    with pytest.raises(DocumentLoaderError, match=r"example\.com/my-context"):
        _strict(_vc({"id": "did:example:s"}, [VC_V2, "https://example.com/my-context.jsonld"]))
    with pytest.raises(DocumentLoaderError):
        canonize_rdfc(
            _vc({"id": "did:example:s"}, ["http://www.w3.org/ns/credentials/v2"]),
            document_loader=default_document_loader(),
        )


def test_expansion_leaves_the_served_contexts_unchanged() -> None:
    canonize_rdfc(sample_credential(issuer_did=ISSUER), document_loader=default_document_loader())
    store = bundled_contexts()
    for url, entry in MANIFEST.items():
        assert store.get(url).document == json.loads((CONTEXTS / entry["file"]).read_bytes())  # type: ignore[union-attr]


# --- strict expansion -------------------------------------------------------------------------


def test_sample_credential_expands_strictly() -> None:
    expanded = _strict(sample_credential(issuer_did=ISSUER))
    assert isinstance(expanded, list)
    assert expanded[0]["@type"] == [
        "https://www.w3.org/2018/credentials#VerifiableCredential",
        "https://purl.imsglobal.org/spec/vc/ob/vocab.html#OpenBadgeCredential",
    ]


def test_undefined_property_is_data_loss() -> None:
    with pytest.raises(DataLossError, match="skillLevel"):
        _strict(_vc({"id": "did:example:s", "skillLevel": "zelfstandig"}))


def test_undefined_type_is_data_loss() -> None:
    with pytest.raises(DataLossError, match="CompetenceCertificate"):
        _strict(_vc({"id": "did:example:s"}) | {"type": ["VerifiableCredential", "CompetenceCertificate"]})
    with pytest.raises(DataLossError):
        _strict(_vc({"id": "did:example:s", "type": "Person"}))


@pytest.mark.parametrize(
    "document",
    [
        _vc({"id": "foo"}),
        _vc({"id": "did:example:s"}, issuer="issuers/1"),
        _vc({"id": "did:example:s"}, id="credentials/1"),
        _vc({"id": "did:example:s"}, credentialSchema={"id": "schema.json", "type": "JsonSchema"}),
        _vc({"id": "https://example.com/a b"}),
        _vc({"id": ":x"}),
    ],
    ids=["subject id", "issuer", "credential id", "schema id", "space in IRI", "empty scheme"],
)
def test_relative_id_is_data_loss(document: dict[str, Any]) -> None:
    with pytest.raises(DataLossError, match="relative IRI"):
        _strict(document)


def test_relative_id_is_data_loss_even_with_an_inline_base() -> None:
    with pytest.raises(DataLossError):
        _strict(_vc({"id": "foo"}, [VC_V2, {"@base": "https://example.com/"}]))


@pytest.mark.parametrize(
    "document",
    [
        _vc({"id": "did:example:s", "name": None}),
        _vc({"id": "did:example:s"}, name=None),
        _vc({"id": "did:example:s"}) | {"type": ["VerifiableCredential", None]},
        _vc({"id": "did:example:s", "description": {"@value": None}}),
    ],
)
def test_null_value_is_data_loss(document: dict[str, Any]) -> None:
    with pytest.raises(DataLossError, match="null"):
        _strict(document)


@pytest.mark.parametrize(
    ("where", "term", "value"),
    [
        (("credentialSubject", "achievement"), "bogusProperty", "x"),
        (("credentialSubject", "achievement"), "achievedLevel", "https://example.com/l"),  # a Result term
        (("issuer",), "achievementType", "Competency"),  # an Achievement term
        (("credentialSubject",), "skillLevel", "2"),
    ],
)
def test_property_undefined_inside_an_ob_type_scoped_context_is_data_loss(
    where: tuple[str, ...], term: str, value: str
) -> None:
    document = sample_credential(issuer_did=ISSUER)
    node = document
    for key in where:
        node = node[key]
    node[term] = value
    with pytest.raises(DataLossError, match=term):
        _strict(document)


def test_extensions_context_is_needed_for_the_1edtech_schema_validator_type() -> None:
    document = sample_credential(issuer_did=ISSUER)
    document["@context"] = [VC_V2, OB_V3]
    with pytest.raises(DataLossError, match="1EdTechJsonSchemaValidator2019"):
        _strict(document)
    document["@context"].append(OB_EXTENSIONS)
    _strict(document)


@pytest.mark.parametrize("document", [[ALUMNI], "{}", None, 42])
def test_document_that_is_not_an_object_is_refused(document: Any) -> None:
    with pytest.raises(CanonicalizationError):
        _strict(document)


def test_invalid_json_ld_is_a_canonicalization_error() -> None:
    with pytest.raises(CanonicalizationError):
        _strict(_vc({"id": 5}))
    with pytest.raises(CanonicalizationError):
        _strict(_vc({"id": "did:example:s"}, [VC_V2, 42]))


# --- RDFC-1.0 -------------------------------------------------------------------------------------


def _reverse_keys(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _reverse_keys(value[k]) for k in reversed(list(value))}
    if isinstance(value, list):
        return [_reverse_keys(v) for v in value]
    return value


def test_canonize_rdfc_is_deterministic_and_ignores_json_key_order() -> None:
    document = sample_credential(issuer_did=ISSUER)
    first = canonize_rdfc(document, document_loader=default_document_loader())
    assert first == canonize_rdfc(copy.deepcopy(document), document_loader=default_document_loader())
    reordered = _reverse_keys(document)
    assert json.dumps(reordered) != json.dumps(document)
    assert canonize_rdfc(reordered, document_loader=default_document_loader()) == first
    lines = first.splitlines()
    assert lines == sorted(lines)
    assert first.endswith("\n")


def test_canonize_rdfc_ignores_the_order_of_types_but_not_of_values() -> None:
    document = sample_credential(issuer_did=ISSUER)
    canonical = canonize_rdfc(document, document_loader=default_document_loader())
    swapped = copy.deepcopy(document)
    swapped["type"].reverse()
    assert canonize_rdfc(swapped, document_loader=default_document_loader()) == canonical
    changed = copy.deepcopy(document)
    changed["credentialSubject"]["identifier"][0]["identityHash"] = "Someone Else"
    assert canonize_rdfc(changed, document_loader=default_document_loader()) != canonical


def test_an_inline_context_changed_between_calls_is_processed_again() -> None:
    # Processed contexts are memoized by object identity; a changed inline context must not hit a stale entry.
    inline = {"p": "https://example.com/vocab#first"}
    document = {"@context": [VC_V2, inline], "id": "https://example.com/s", "p": "v"}
    assert "#first" in canonize_rdfc(document, document_loader=default_document_loader())
    inline["p"] = "https://example.com/vocab#second"
    assert "#second" in canonize_rdfc(document, document_loader=default_document_loader())


def test_canonize_rdfc_reproduces_the_w3c_vector_document() -> None:
    unsigned = json.loads((VECTORS / "unsigned.json").read_text("utf-8"))
    expected = (VECTORS / "eddsa-rdfc-2022" / "canonDocDataInt.txt").read_text("utf-8")
    assert canonize_rdfc(unsigned, document_loader=example_document_loader()) == expected


def test_canonize_rdfc_runs_the_strict_checks_first() -> None:
    with pytest.raises(DataLossError):
        canonize_rdfc(_vc({"id": "did:example:s", "skillLevel": "x"}), document_loader=default_document_loader())


def _blank_node_clique(size: int) -> dict[str, Any]:
    # Every blank node points to every other one with the same predicate: all first-degree hashes
    # are equal, so RDFC-1.0 must try permutations of the others ("dataset poisoning").
    return {
        "@context": {"linked": {"@id": "https://example.com/vocab#linked", "@type": "@id"}},
        "@graph": [{"@id": f"_:n{i}", "linked": [f"_:n{j}" for j in range(size) if j != i]} for i in range(size)],
    }


def test_small_blank_node_clique_is_still_canonicalized() -> None:
    result = canonize_rdfc(_blank_node_clique(4), document_loader=default_document_loader())
    assert len(result.splitlines()) == 12
    assert "_:c14n0" in result


def test_poisoned_dataset_raises_canonicalization_error_instead_of_running_on() -> None:
    # Ten nodes: about 9! orderings per node without a bound; the bound stops it within seconds.
    with pytest.raises(CanonicalizationError, match="too much work"):
        canonize_rdfc(_blank_node_clique(10), document_loader=default_document_loader())


def test_too_many_blank_nodes_raise_canonicalization_error() -> None:
    document = {
        "@context": {"label": "https://example.com/vocab#label"},
        "@graph": [{"label": str(i)} for i in range(MAX_BLANK_NODES + 1)],
    }
    with pytest.raises(CanonicalizationError, match="blank nodes"):
        canonize_rdfc(document, document_loader=default_document_loader())


def _nested(depth: int) -> dict[str, Any]:
    return _vc({"id": "did:example:s", "description": json.loads("[" * depth + '"x"' + "]" * depth)})


def test_deeply_nested_document_is_a_canonicalization_error() -> None:
    with pytest.raises(CanonicalizationError, match="nested too deeply"):
        canonize_rdfc(_nested(600), document_loader=default_document_loader())


def test_document_nested_beyond_the_recursion_limit_is_a_canonicalization_error() -> None:
    depth = sys.getrecursionlimit() + 100
    node: Any = "x"
    for _ in range(depth):
        node = [node]
    with pytest.raises(CanonicalizationError):
        expand_strict(_vc({"id": "did:example:s", "description": node}), document_loader=default_document_loader())

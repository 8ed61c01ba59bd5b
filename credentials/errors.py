"""The one exception tree of the core.

Everything the core raises on purpose derives from :class:`CredentialError`, so
callers can catch one type. Third-party exceptions (pyld, cryptography,
jsonschema) are wrapped at the boundary where they occur.

The public verification function (:func:`credentials.verify.verify_credential`)
never raises for a bad credential: it reports problems in its result object.
"""

from __future__ import annotations


class CredentialError(Exception):
    """Base class of every error the core raises on purpose."""


class EncodingError(CredentialError, ValueError):
    """A multibase, base58, base64url or multicodec value could not be decoded."""


class KeyFormatError(CredentialError, ValueError):
    """A key is not an Ed25519 Multikey of the expected shape."""


class DocumentLoaderError(CredentialError):
    """A JSON-LD document was asked for that the offline loader does not serve."""


class ContextIntegrityError(CredentialError):
    """A bundled JSON-LD context does not match its pinned SHA-256."""


class DataLossError(CredentialError):
    """JSON-LD processing would drop or misread data (undefined term, relative IRI).

    The Data Integrity spec calls this DATA_LOSS_DETECTION_ERROR. Signing or
    verifying such a document would secure something other than what a person
    reads, so it is always an error here.
    """


class CanonicalizationError(CredentialError):
    """A document could not be canonicalized (bad JSON-LD, or too much work)."""


class ProofError(CredentialError):
    """A proof could not be created, or a proof object is malformed."""


class DidResolutionError(CredentialError):
    """A DID or verification method could not be resolved by the given resolver."""


class StatusListError(CredentialError):
    """A status list is malformed, too short, or an index is out of range."""


class CredentialBuildError(CredentialError, ValueError):
    """The builder was given values that cannot make a valid credential."""

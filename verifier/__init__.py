"""The public verifier: the QR landing page, upload, and the VC-API verify call.

It runs inside the issuer app, or alone (``credentials serve --verifier-only``)
without keys and with read-only database access. It never fetches anything from
the network: contexts are bundled, DIDs and status lists come from the service's
own records.
"""

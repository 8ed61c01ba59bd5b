"""The data layer: settings, engine and sessions, the models and their migrations.

It imports nothing else of the issuer (only :mod:`credentials` where it must), so the
services, the pages, the verifier and the command line all stand on it and it on none
of them.
"""

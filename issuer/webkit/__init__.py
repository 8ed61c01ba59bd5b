"""A small web toolkit with no domain in it: security headers and the session cookie,
request ids and request logs, throttles.

It imports nothing else of the issuer; what it needs from the settings is passed in.
The pages, the API and the verifier stand on it.
"""

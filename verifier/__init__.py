"""The public verifier (Flask blueprint). Not built yet (issue 4)."""

"""The issuer service (Flask): organisations, supervisors, issuing. Not built yet (issue 3)."""

"""Deterministic synthetic county: divisions, institutions, staff, residents, demo logins."""

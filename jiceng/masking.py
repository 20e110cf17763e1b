"""Masking of identifiers shown in lists (IT-4): enough to tell people apart, not to copy."""


def mask_citizen_id(value: str) -> str:
    """Keep the address code's first 3 digits and the last 4: ``140***********123X``."""
    if len(value) < 8:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_phone(value: str) -> str:
    """Keep the first 3 and last 4 digits of a mobile number: ``138****5678``."""
    if not value:
        return ""
    if len(value) < 8:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]

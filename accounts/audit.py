"""The tamper-evident audit log of personal-data access (IT-4).

Every entry is chained to the one before it: ``entry_hash = sha256(previous_hash + canonical
fields)``. ``record`` appends under a lock; ``verify`` walks the chain and names the first entry
whose stored hash or link does not match.
"""

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from accounts.models import AuditEntry, AuditHead, User

GENESIS_HASH = "0" * 64


class AuditWriteError(Exception):
    """The audit entry could not be written; the data it guards must not be returned."""


def entry_digest(entry: AuditEntry, previous_hash: str) -> str:
    fields = [
        entry.pk,
        entry.at.isoformat(),
        entry.user_id_value,
        entry.username,
        entry.role,
        entry.action,
        entry.object_type,
        entry.object_id,
        entry.purpose,
        entry.remote_addr,
        entry.detail,
    ]
    canonical = json.dumps(fields, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256((previous_hash + canonical).encode()).hexdigest()


def _client_address(request: HttpRequest | None) -> str:
    if request is None:
        return "cli"
    return str(request.META.get("REMOTE_ADDR", ""))[:64]


def record(
    user: User | None,
    action: str,
    object_type: str,
    object_id: object = "",
    *,
    purpose: str,
    request: HttpRequest | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry to the chain. Raises ``AuditWriteError`` if it cannot be stored."""
    try:
        with transaction.atomic():
            head, _created = AuditHead.objects.select_for_update().get_or_create(
                pk=1, defaults={"last_hash": GENESIS_HASH}
            )
            entry = AuditEntry(
                id=head.last_entry_id + 1,
                at=timezone.now(),
                user_id_value=user.pk if user is not None else None,
                username=user.get_username() if user is not None else "",
                role=getattr(user, "role", "") or "",
                action=action,
                object_type=object_type,
                object_id=str(object_id),
                purpose=purpose[:200],
                remote_addr=_client_address(request),
                detail=detail or {},
                previous_hash=head.last_hash,
            )
            entry.entry_hash = entry_digest(entry, head.last_hash)
            entry.save(force_insert=True)
            head.last_entry_id = entry.pk
            head.last_hash = entry.entry_hash
            head.save(update_fields=["last_entry_id", "last_hash"])
    except Exception as error:
        raise AuditWriteError(str(error)) from error
    return entry


@dataclass(frozen=True)
class VerifyResult:
    checked: int
    first_broken_id: int | None
    reason: str

    @property
    def ok(self) -> bool:
        return self.first_broken_id is None


def _entries() -> Iterator[AuditEntry]:
    return AuditEntry.objects.order_by("id").iterator(chunk_size=5000)


def verify() -> VerifyResult:
    """Walk the chain from the first entry; stop at the first one that does not match."""
    previous_hash = GENESIS_HASH
    expected_id = 1
    checked = 0
    for entry in _entries():
        if entry.pk != expected_id:
            return VerifyResult(checked, expected_id, "entry missing from the chain")
        if entry.previous_hash != previous_hash:
            return VerifyResult(checked, entry.pk, "link to the previous entry does not match")
        if entry_digest(entry, previous_hash) != entry.entry_hash:
            return VerifyResult(checked, entry.pk, "entry content does not match its hash")
        previous_hash = entry.entry_hash
        expected_id += 1
        checked += 1
    head = AuditHead.objects.filter(pk=1).first()
    if head is not None and (head.last_entry_id, head.last_hash) != (
        expected_id - 1,
        previous_hash,
    ):
        return VerifyResult(
            checked, head.last_entry_id, "entries missing from the end of the chain"
        )
    return VerifyResult(checked, None, "")

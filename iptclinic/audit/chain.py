"""The audit log's hash chain: which chain an event joins and what its hash is.

An event's hash is HMAC-SHA256, keyed with ``IPTCLINIC_AUDIT_KEY``, over a canonical form of
every stored field plus the chain, its sequence number and the hash of the event before it. The
canonical form is sorted-key JSON with timestamps in UTC ISO form to the microsecond and numbers
normalised (a float that is a whole number is written as an integer), so that what PostgreSQL's
``jsonb`` or SQLite's text hands back hashes the same as what was written.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.utils.crypto import salted_hmac

SERVICE_CHAIN = "service"
GENESIS = "0" * 64

# The fields of an event that its hash covers (besides chain, sequence and previous_hash).
HASHED_FIELDS = (
    "occurred_at",
    "actor_id",
    "team_id",
    "action",
    "client_id",
    "object_type",
    "object_id",
    "detail",
    "session_ref",
    "address",
    "user_agent",
)


def chain_for(team_id: int | None) -> str:
    """One chain per team, and one service-wide chain for events that belong to no team."""
    return f"team:{team_id}" if team_id is not None else SERVICE_CHAIN


def key() -> bytes:
    configured = getattr(settings, "IPTCLINIC_AUDIT_KEY", "")
    if configured:
        return configured.encode()
    # Development only (production refuses to start without IPTCLINIC_AUDIT_KEY).
    return salted_hmac("iptclinic.audit.chain.key", "audit-chain").digest()


def normalised(value: Any) -> Any:
    if isinstance(value, bool) or value is None or isinstance(value, str | int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else value
    if isinstance(value, dict):
        return {str(k): normalised(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [normalised(v) for v in value]
    raise TypeError(f"An audit event's detail cannot hold {type(value).__name__}.")


def _timestamp(value: datetime) -> str:
    return value.astimezone(UTC).isoformat(timespec="microseconds")


def canonical(fields: dict[str, Any], *, chain: str, sequence: int, previous_hash: str) -> bytes:
    body = {name: fields[name] for name in HASHED_FIELDS}
    body["occurred_at"] = _timestamp(body["occurred_at"])
    body["detail"] = normalised(body["detail"] or {})
    body |= {"chain": chain, "sequence": sequence, "previous_hash": previous_hash}
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


def event_hash(fields: dict[str, Any], *, chain: str, sequence: int, previous_hash: str) -> str:
    message = canonical(fields, chain=chain, sequence=sequence, previous_hash=previous_hash)
    return hmac.new(key(), message, hashlib.sha256).hexdigest()


def fields_of(event: Any) -> dict[str, Any]:
    """The hashed fields of an event (a model instance, current or historical)."""
    return {name: getattr(event, name) for name in HASHED_FIELDS}

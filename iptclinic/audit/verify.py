"""Walking the audit log's hash chains (``manage.py verify_audit``; docs/security/audit.md)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from . import chain as hash_chain
from .models import AuditChainHead, AuditEvent


@dataclass(frozen=True)
class Break:
    chain: str
    sequence: int
    event_id: int | None
    kind: str  # "changed", "missing", "head"
    explanation: str

    def __str__(self) -> str:
        event = f"event {self.event_id}" if self.event_id is not None else "no event"
        return f"Broken link in chain {self.chain} at sequence {self.sequence} ({event}): {self.explanation}"


@dataclass
class Report:
    events: int = 0
    heads: dict[str, str] = field(default_factory=dict)
    broken: Break | None = None


def _walk(chain: str, chunk_size: int) -> Iterator[dict[str, object]]:
    rows = (
        AuditEvent.objects.filter(chain=chain)
        .order_by("sequence")
        .values("id", "sequence", "previous_hash", "hash", *hash_chain.HASHED_FIELDS)
    )
    yield from rows.iterator(chunk_size=chunk_size)


def verify(chunk_size: int = 2000) -> Report:
    """Every chain in sequence order: each row's hash recomputed from its fields, each link to the
    row before, no sequence skipped, and the head matching the last row. Stops at the first break."""
    report = Report()
    heads = {head.chain: head for head in AuditChainHead.objects.all()}
    chains = sorted(set(heads) | set(AuditEvent.objects.values_list("chain", flat=True).distinct()))
    for chain in chains:
        sequence, previous = 0, hash_chain.GENESIS
        for row in _walk(chain, chunk_size):
            report.events += 1
            number, event_id = int(row["sequence"]), int(row["id"])  # type: ignore[call-overload]
            if number != sequence + 1:
                report.broken = Break(
                    chain,
                    sequence + 1,
                    event_id,
                    "missing",
                    f"{number - sequence - 1} event(s) missing before sequence {number}: "
                    "a row was deleted.",
                )
                return report
            recomputed = hash_chain.event_hash(
                row, chain=chain, sequence=number, previous_hash=str(row["previous_hash"])
            )
            if recomputed != row["hash"]:
                report.broken = Break(
                    chain, number, event_id, "changed", "the row was changed after it was written."
                )
                return report
            if row["previous_hash"] != previous:
                report.broken = Break(
                    chain,
                    number,
                    event_id,
                    "changed",
                    "it does not follow from the row before it: a row was changed or replaced.",
                )
                return report
            sequence, previous = number, str(row["hash"])
        head = heads.get(chain)
        if head is None or (head.last_sequence, head.last_hash) != (sequence, previous):
            expected = head.last_sequence if head is not None else 0
            report.broken = Break(
                chain,
                sequence,
                None,
                "head",
                f"the chain's head says {expected} event(s) but the last row is {sequence}: "
                "events at the end were deleted, or the head was changed.",
            )
            return report
        report.heads[chain] = previous
    return report

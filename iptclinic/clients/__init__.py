"""The person: identity, GP, referrals, communication and information needs."""

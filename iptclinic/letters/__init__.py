"""Letters to service users, GPs and referrers, in every format a person needs."""

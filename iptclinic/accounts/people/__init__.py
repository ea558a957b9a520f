"""Account administration by a team's service lead: the team's people, invitations, roles,
leavers (issue 9). Django's admin site stays out of the product."""

"""Staff and service-user accounts, teams and roles."""

"""Service reports for service leads and supervisors."""

"""Course pages (``course``) and session records (``records``)."""

"""The IPT method as plain Python: no Django import anywhere in this package.

A clinician should be able to review every rule here line by line; each rule's docstring
names its source in ``../shared/domain/ipt-method.md`` or ``measures-and-standards.md``.
"""

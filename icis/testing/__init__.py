"""Test support: builders, personas, the permission-matrix harness, hostile files, law texts.

Not an app and never imported by the product: it sits above every app, so it may build records of
any of them (icis.core may not import a domain app).
"""
